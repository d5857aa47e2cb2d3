"""Telling two voices apart in a mono recording, from the audio alone.

Mono recordings need the voices told apart from the audio itself: `separate_mono` finds speech with an energy
detector (`callwarden.speech.activity`), cuts it at pauses into half-second windows, describes each window by the
mean and spread of its voiced frames' MFCCs and its median F0 (numpy only), clusters the windows into two voices
with k-means, and smooths the labels in time with a two-state Viterbi pass that charges for a change of voice
inside a stretch of speech (less across a pause), so a voice change is placed where the spectrum changes, not at
every odd window. It reports how sure it is per span and per call, and says so when it finds only one voice.
`callwarden.speech.roles` then names the voices.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from callwarden.speech.activity import speech_spans

FloatArray = npt.NDArray[np.float64]
_HOP_S = 0.010  # feature frames: a 25 ms window every 10 ms
_WIN_S = 0.025


@dataclass(frozen=True)
class ClusterSpan:
    """A stretch of speech given to one voice cluster (0 speaks first), with how clearly it belongs there."""

    cluster: int
    start_s: float
    end_s: float
    confidence: float


@dataclass(frozen=True)
class MonoSeparation:
    """The voices found in a mono recording: spans per cluster, how many voices, and the call-level confidence."""

    spans: tuple[ClusterSpan, ...]
    voices: int  # 0 (no speech), 1 (one voice found) or 2
    confidence: float  # 0..1: how well the two clusters separate (mean silhouette, rescaled); 0 for one voice
    speech_s: float


def _mel_filterbank(sample_rate: int, n_fft: int, bands: int, low_hz: float, high_hz: float) -> FloatArray:
    def mel(hz: FloatArray) -> FloatArray:
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    edges_mel = np.linspace(mel(np.array(low_hz)), mel(np.array(high_hz)), bands + 2)
    edges_hz = 700.0 * (10 ** (edges_mel / 2595.0) - 1.0)
    bins = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    lower, centre, upper = edges_hz[:-2, None], edges_hz[1:-1, None], edges_hz[2:, None]
    rising = (bins - lower) / (centre - lower)
    falling = (upper - bins) / (upper - centre)
    return np.maximum(0.0, np.minimum(rising, falling))


def _frame_features(audio: npt.NDArray[np.float32], sample_rate: int, frames: npt.NDArray[np.intp]) -> FloatArray:
    """Per 10 ms frame: MFCC 1..12 (loudness-free), log F0 and a voicing strength, in chunks to bound memory.

    F0 comes from the normalised autocorrelation of a 40 ms stretch (60-400 Hz); it is what tells most voices
    apart, and voicing lets a window's statistics ignore fricatives and breath, which every speaker shares.
    """
    hop, win, n_fft, bands = round(_HOP_S * sample_rate), round(_WIN_S * sample_rate), 512, 24
    while n_fft < win:
        n_fft *= 2
    long_win = round(0.04 * sample_rate)
    min_lag, max_lag = int(sample_rate / 400), int(sample_rate / 60)
    ac_fft = 1 << int(np.ceil(np.log2(2 * long_win)))
    fbank = _mel_filterbank(sample_rate, n_fft, bands, 100.0, min(3800.0, sample_rate / 2 - 100.0))
    dct = np.cos(np.pi / bands * (np.arange(bands)[None, :] + 0.5) * np.arange(1, 13)[:, None])  # DCT-II rows 1..12
    window, long_window = np.hamming(win).astype(np.float32), np.hanning(long_win).astype(np.float32)
    window_auto = np.correlate(long_window, long_window, mode="full")[long_win - 1 :][: max_lag + 1]
    window_auto = window_auto / window_auto[0]  # undoes the taper's own fall-off with lag (Boersma's correction)
    padded = np.concatenate((audio, np.zeros(long_win, dtype=np.float32)))
    out = np.empty((frames.size, 14))
    for at in range(0, frames.size, 2048):
        chunk = frames[at : at + 2048]
        short = padded[chunk[:, None] * hop + np.arange(win)[None, :]] * window
        power = np.abs(np.fft.rfft(short, n_fft, axis=1)) ** 2
        out[at : at + chunk.size, :12] = np.log(power @ fbank.T + 1e-10) @ dct.T
        longer = padded[chunk[:, None] * hop + np.arange(long_win)[None, :]] * long_window
        longer = longer - longer.mean(axis=1, keepdims=True)
        auto = np.fft.irfft(np.abs(np.fft.rfft(longer, ac_fft, axis=1)) ** 2, ac_fft, axis=1)
        auto = auto[:, : max_lag + 1] / np.maximum(auto[:, :1], 1e-12) / window_auto
        search = auto[:, min_lag - 1 : max_lag + 1]
        peaks = (search[:, 1:-1] >= search[:, :-2]) & (search[:, 1:-1] >= search[:, 2:])
        tall = search[:, 1:-1] >= 0.85 * search[:, 1:-1].max(axis=1, keepdims=True)
        best = np.argmax(peaks & tall, axis=1) + min_lag  # the shortest strong period: no octave-down errors
        out[at : at + chunk.size, 12] = np.log(sample_rate / best)
        out[at : at + chunk.size, 13] = auto[np.arange(chunk.size), best]
    return out


_VOICED = 0.5  # normalised autocorrelation above which a frame counts as voiced
_PITCH_WEIGHT = 3.0  # the median F0 of a window weighs as much as this many standardised MFCC statistics


def _window_features(frames: FloatArray) -> FloatArray:
    """A window's voice: mean and spread of its voiced frames' MFCCs (all frames if none is voiced), median F0."""
    voiced = frames[frames[:, 13] >= _VOICED]
    pool = voiced if voiced.shape[0] >= 3 else frames
    f0 = np.median(voiced[:, 12]) if voiced.shape[0] >= 3 else np.nan
    return np.concatenate((pool[:, :12].mean(axis=0), pool[:, :12].std(axis=0), [f0]))


def _kmeans(points: FloatArray, k: int, *, restarts: int = 8, iterations: int = 50) -> FloatArray:
    """Centroids of the best of several k-means++ runs (fixed seed: the same audio always splits the same way)."""
    rng = np.random.default_rng(0)
    best, best_inertia = points[:k], np.inf
    for _ in range(restarts):
        centroids = [points[rng.integers(points.shape[0])]]
        for _ in range(1, k):
            d2 = np.min([((points - c) ** 2).sum(axis=1) for c in centroids], axis=0)
            centroids.append(points[rng.choice(points.shape[0], p=d2 / d2.sum()) if d2.sum() > 0 else 0])
        centres = np.array(centroids)
        for _ in range(iterations):
            labels = ((points[:, None, :] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)
            updated = np.array(
                [points[labels == j].mean(axis=0) if np.any(labels == j) else centres[j] for j in range(k)]
            )
            if np.allclose(updated, centres):
                break
            centres = updated
        inertia = ((points - centres[labels]) ** 2).sum()
        if inertia < best_inertia:
            best, best_inertia = centres, inertia
    return best


def _viterbi(costs: FloatArray, switch: FloatArray) -> npt.NDArray[np.intp]:
    """Cheapest two-state label path: `costs[t, j]` to label window t as j, `switch[t]` to change before t."""
    n = costs.shape[0]
    total, back = costs[0].copy(), np.zeros((n, 2), dtype=np.intp)
    for t in range(1, n):
        stay, move = total, total[::-1] + switch[t]
        back[t] = np.where(stay <= move, [0, 1], [1, 0])
        total = np.minimum(stay, move) + costs[t]
    path = np.empty(n, dtype=np.intp)
    path[-1] = int(np.argmin(total))
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def _silhouette(points: FloatArray, labels: npt.NDArray[np.intp]) -> float:
    """Mean silhouette of a two-cluster labelling, on at most 1,500 evenly spread points."""
    step = max(1, points.shape[0] // 1500)
    points, labels = points[::step], labels[::step]
    distances = np.sqrt(((points[:, None, :] - points[None]) ** 2).sum(axis=2))
    scores = []
    for j in (0, 1):
        own, other = labels == j, labels != j
        if own.sum() < 2 or other.sum() < 1:
            return 0.0
        a = distances[np.ix_(own, own)].sum(axis=1) / (own.sum() - 1)
        b = distances[np.ix_(own, other)].mean(axis=1)
        scores.append((b - a) / np.maximum(np.maximum(a, b), 1e-12))
    return float(np.concatenate(scores).mean())


def _windows(spans: Sequence[tuple[float, float]], length_s: float) -> list[tuple[int, float, float]]:
    """Cut each speech span into near-equal windows of about `length_s`: (span index, start, end)."""
    out: list[tuple[int, float, float]] = []
    for index, (start, end) in enumerate(spans):
        count = max(1, round((end - start) / length_s))
        edges = np.linspace(start, end, count + 1)
        out.extend((index, float(a), float(b)) for a, b in itertools.pairwise(edges))
    return out


def separate_mono(
    audio: npt.ArrayLike,
    *,
    sample_rate: int = 16000,
    window_s: float = 0.5,
    min_silhouette: float = 0.2,
    min_share: float = 0.05,
) -> MonoSeparation:
    """Split a mono call's speech between two voices (or report that only one voice is there).

    One voice is reported when the two clusters barely separate (mean silhouette below `min_silhouette`) or
    the smaller one holds under `min_share` of the speech.
    """
    samples = np.asarray(audio, dtype=np.float32).reshape(-1)
    regions = speech_spans(samples, sample_rate, bridge_s=0.15)
    windows = _windows(regions, window_s)
    speech_s = float(sum(end - start for start, end in regions))
    if not windows:
        return MonoSeparation((), 0, 0.0, 0.0)
    n_frames = max(0, (samples.size - round(_WIN_S * sample_rate)) // round(_HOP_S * sample_rate) + 1)
    firsts = [min(int(a / _HOP_S), n_frames - 1) for _, a, _ in windows]
    bounds = [(f, min(n_frames, max(f + 1, int(b / _HOP_S)))) for f, (_, _, b) in zip(firsts, windows, strict=True)]
    frames = np.concatenate([np.arange(a, b) for a, b in bounds]).astype(np.intp)
    per_frame = _frame_features(samples, sample_rate, frames)
    cuts = np.cumsum([0] + [b - a for a, b in bounds])
    features = np.array([_window_features(per_frame[s:e]) for s, e in itertools.pairwise(cuts)])
    unvoiced = np.isnan(features[:, -1])
    features[unvoiced, -1] = np.median(features[~unvoiced, -1]) if not unvoiced.all() else 0.0
    features = (features - features.mean(axis=0)) / np.maximum(features.std(axis=0), 1e-9)
    features[:, -1] *= _PITCH_WEIGHT
    lengths = np.array([b - a for _, a, b in windows])
    if len(windows) < 4:
        return _one_voice(windows, speech_s)
    centres = _kmeans(features, 2)
    same_region = np.array([0] + [int(windows[t][0] == windows[t - 1][0]) for t in range(1, len(windows))])
    for _ in range(2):  # smooth, re-estimate the voices from the smoothed labels, smooth again
        costs = ((features[:, None, :] - centres[None]) ** 2).sum(axis=2)
        penalty = float(np.median(np.abs(costs[:, 0] - costs[:, 1])))
        labels = _viterbi(costs, np.where(same_region == 1, penalty, 0.25 * penalty))
        if np.all(labels == labels[0]):
            break
        centres = np.array([features[labels == j].mean(axis=0) for j in (0, 1)])
    minority = min(lengths[labels == j].sum() for j in (0, 1)) / max(lengths.sum(), 1e-9)
    silhouette = _silhouette(features, labels) if minority > 0 else 0.0
    if minority < min_share or silhouette < min_silhouette:
        return _one_voice(windows, speech_s)
    if labels[0] == 1:  # cluster 0 is the voice heard first
        labels, centres = 1 - labels, centres[::-1]
    costs = ((features[:, None, :] - centres[None]) ** 2).sum(axis=2)
    own, other = costs[np.arange(labels.size), labels], costs[np.arange(labels.size), 1 - labels]
    # How much nearer its own voice a window is, against the call's typical difference: ~0.76 typical, ~1 clear.
    margin = np.clip(np.tanh((other - own) / max(float(np.median(np.abs(other - own))), 1e-9)), 0.0, 1.0)
    spans: list[ClusterSpan] = []
    run: list[int] = [0]
    for t in range(1, len(windows) + 1):
        if t < len(windows) and labels[t] == labels[run[0]] and windows[t][1] - windows[t - 1][2] < 0.3:
            run.append(t)
            continue
        weight = lengths[run]
        spans.append(
            ClusterSpan(
                int(labels[run[0]]),
                round(windows[run[0]][1], 3),
                round(windows[run[-1]][2], 3),
                round(float(np.average(margin[run], weights=weight)), 3),
            )
        )
        run = [t]
    confidence = float(np.clip((silhouette - 0.05) / 0.35, 0.0, 1.0))
    return MonoSeparation(tuple(spans), 2, confidence, speech_s)


def _one_voice(windows: Sequence[tuple[int, float, float]], speech_s: float) -> MonoSeparation:
    spans: list[ClusterSpan] = []
    for _, start, end in windows:
        if spans and start - spans[-1].end_s < 0.3:
            spans[-1] = replace(spans[-1], end_s=round(end, 3))
        else:
            spans.append(ClusterSpan(0, round(start, 3), round(end, 3), 1.0))
    return MonoSeparation(tuple(spans), 1, 0.0, speech_s)
