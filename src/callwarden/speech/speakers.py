"""Who spoke when: stereo channels mapped to roles, and a mono fallback that separates two voices.

Stereo recordings (the dialer records each party on its own channel) make attribution a configuration
question: `ChannelRoles` says which channel is whom (VICIdial: agent left, customer right) and
`merge_channel_segments` interleaves the per-channel turns, keeping overtalk as overlapping turns rather than
cutting either. The other party often leaks faintly into a channel (line echo, a headset near a speaker), so
`suppress_bleed` drops words or turns of a channel whose span is much louder on another channel.

Mono recordings need the voices told apart from the audio itself: `separate_mono` finds speech with an energy
detector, cuts it at pauses into half-second windows, describes each window by the mean and spread of its
voiced frames' MFCCs and its median F0 (numpy only), clusters the windows into two voices with k-means, and
smooths the labels in time with a two-state Viterbi pass that charges for a change of voice inside a stretch of
speech (less across a pause), so a voice change is placed where the spectrum changes, not at every odd window.
It reports how sure it is per span and per call, and says so when it finds only one voice.
`assign_roles` then names the clusters from what they say: the agent introduces a company, discloses the
recording, asks for payment; the prospect asks who is calling or says they are not interested. With weak cues
the clusters stay `unknown`, never a guess presented as fact.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from callwarden.domain.transcript import Segment, Speaker, Word

FloatArray = npt.NDArray[np.float64]
_HOP_S = 0.010
_WIN_S = 0.025
_FLOOR_DB = -120.0


# --- stereo -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelRoles:
    """Which party each channel of a stereo recording carries; channels not listed are `unknown`."""

    by_channel: Mapping[int, Speaker] = field(default_factory=lambda: {0: Speaker.AGENT, 1: Speaker.PROSPECT})

    @classmethod
    def vicidial(cls) -> ChannelRoles:
        """VICIdial's (and most dialers') convention: agent on the left channel, customer on the right."""
        return cls()

    @classmethod
    def parse(cls, text: str) -> ChannelRoles:
        """From a setting such as ``"agent,prospect"`` or ``"prospect,agent"`` (roles in channel order)."""
        names = [part.strip().lower() for part in text.split(",")]
        try:
            return cls({index: Speaker(name) for index, name in enumerate(names) if name})
        except ValueError:
            raise ValueError(
                f"channel roles must be agent, prospect or unknown in channel order, got {text!r}"
            ) from None

    def role(self, channel: int) -> Speaker:
        return self.by_channel.get(channel, Speaker.UNKNOWN)


def _joined(first: Segment, second: Segment) -> Segment:
    text = " ".join(part for part in (first.text.strip(), second.text.strip()) if part)
    flags = tuple(dict.fromkeys((*first.flags, *second.flags)))
    return replace(
        first,
        end_s=max(first.end_s, second.end_s),
        text=text,
        words=(*first.words, *second.words),
        speaker_confidence=min(first.speaker_confidence, second.speaker_confidence),
        flags=flags,
    )


def merge_channel_segments(
    per_channel: Mapping[int, Sequence[Segment]], roles: ChannelRoles | None = None, *, join_gap_s: float = 0.5
) -> list[Segment]:
    """One time-ordered list of turns from per-channel segments, each labelled with its channel's role.

    A segment is joined onto the previous turn when it is the same channel, follows within `join_gap_s`, and
    nobody else started speaking in between. Overlapping turns of different channels both stay, whole.
    """
    roles = roles or ChannelRoles()
    labelled = [
        replace(segment, speaker=roles.role(channel), channel=channel)
        for channel, segments in per_channel.items()
        for segment in segments
    ]
    labelled.sort(key=lambda s: (s.start_s, s.end_s, s.channel or 0))
    merged: list[Segment] = []
    for segment in labelled:
        last = merged[-1] if merged else None
        if last and last.channel == segment.channel and segment.start_s - last.end_s <= join_gap_s:
            merged[-1] = _joined(last, segment)
        else:
            merged.append(segment)
    return merged


# --- energy ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelEnergy:
    """Short-time level per channel in dBFS: ``db[channel, k]`` covers ``[k·hop_s, k·hop_s + win_s)``."""

    db: FloatArray
    hop_s: float
    win_s: float

    def mean_db(self, channel: int, start_s: float, end_s: float) -> float:
        """Power-averaged level over a span (at least the one frame nearest to it)."""
        row = self.db[channel]
        first = min(max(0, int(start_s / self.hop_s)), row.size - 1)
        last = min(max(first + 1, int(np.ceil((end_s - self.win_s) / self.hop_s)) + 1), row.size)
        return float(10 * np.log10(np.mean(10 ** (row[first:last] / 10))))


def frame_energy(
    audio: npt.ArrayLike, sample_rate: int, *, hop_s: float = _HOP_S, win_s: float = 0.03
) -> ChannelEnergy:
    """Levels of `audio` shaped (channels, samples) or (samples,), float in [-1, 1], without copying it whole."""
    samples = np.asarray(audio, dtype=np.float32)
    samples = samples.reshape(1, -1) if samples.ndim == 1 else samples
    hop = max(1, round(hop_s * sample_rate))
    span = max(1, round(win_s / hop_s))
    blocks = samples.shape[1] // hop
    rows = []
    for channel in samples:
        chunked = channel[: blocks * hop].reshape(blocks, hop)
        power = np.einsum("ij,ij->i", chunked, chunked, dtype=np.float64)
        summed = np.convolve(power, np.ones(span), mode="full")[span - 1 : blocks] if blocks >= span else power[:0]
        rows.append(10 * np.log10(np.maximum(summed / (span * hop), 10 ** (_FLOOR_DB / 10))))
    return ChannelEnergy(np.array(rows).reshape(samples.shape[0], -1), hop / sample_rate, span * hop / sample_rate)


def _runs(mask: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Start and (exclusive) end indices of the runs of True in `mask`."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _spans_from_energy(
    db: FloatArray, hop_s: float, win_s: float, *, bridge_s: float, min_speech_s: float, pad_s: float
) -> list[tuple[float, float]]:
    if db.size == 0:
        return []
    floor, top = np.percentile(db, [10, 97])
    threshold = floor + max(6.0, 0.35 * (top - floor))
    starts, ends = _runs(db > threshold)
    if starts.size:
        keep = (starts[1:] - ends[:-1]) * hop_s >= bridge_s
        starts, ends = starts[np.concatenate(([True], keep))], ends[np.concatenate((keep, [True]))]
        long_enough = (ends - starts) * hop_s >= min_speech_s
        starts, ends = starts[long_enough], ends[long_enough]
    limit = (db.size - 1) * hop_s + win_s
    return [
        (max(0.0, s * hop_s - pad_s), min(limit, (e - 1) * hop_s + win_s + pad_s))
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    ]


def speech_spans(
    audio: npt.ArrayLike, sample_rate: int, *, bridge_s: float = 0.3, min_speech_s: float = 0.15, pad_s: float = 0.05
) -> list[tuple[float, float]]:
    """Where one channel holds speech, by an energy threshold set between its noise floor and its loud frames.

    Pauses shorter than `bridge_s` are bridged, bursts shorter than `min_speech_s` dropped. A channel with no
    speech at all (flat noise or digital silence) gives no spans, since its loud frames sit near its floor.
    """
    energy = frame_energy(np.asarray(audio).reshape(-1), sample_rate)
    return _spans_from_energy(
        energy.db[0], energy.hop_s, energy.win_s, bridge_s=bridge_s, min_speech_s=min_speech_s, pad_s=pad_s
    )


def channel_speech(
    audio: npt.ArrayLike, sample_rate: int, *, bleed_margin_db: float | None = 15.0
) -> dict[int, list[Segment]]:
    """Energy-detected speech of each channel as untexted segments (turns without a transcript).

    With `bleed_margin_db`, frames where another channel is that much louder count as silence before speech
    is detected, so the other party's leak neither forms turns of its own nor stretches a real turn.
    """
    samples = np.asarray(audio, dtype=np.float32)
    samples = samples.reshape(1, -1) if samples.ndim == 1 else samples
    energy = frame_energy(samples, sample_rate)
    found: dict[int, list[Segment]] = {}
    for channel in range(samples.shape[0]):
        db = energy.db[channel].copy()
        if bleed_margin_db is not None and samples.shape[0] > 1 and db.size:
            # The leak arrives a little late (a hybrid's echo path): compare with the other side's level
            # anywhere within ±50 ms, so the tail of each leaked syllable is caught too.
            reach = 5
            other = np.pad(np.delete(energy.db, channel, axis=0).max(axis=0), reach, mode="edge")
            loudest_other = np.lib.stride_tricks.sliding_window_view(other, 2 * reach + 1).max(axis=1)
            db[loudest_other - db >= bleed_margin_db] = np.percentile(db, 10)
        spans = _spans_from_energy(db, energy.hop_s, energy.win_s, bridge_s=0.3, min_speech_s=0.15, pad_s=0.05)
        found[channel] = [Segment(Speaker.UNKNOWN, s, e, "", channel=channel) for s, e in spans]
    if bleed_margin_db is not None and samples.shape[0] > 1:
        found = suppress_bleed(found, energy, margin_db=bleed_margin_db)
    return found


class _Timed(Protocol):
    @property
    def start_s(self) -> float: ...
    @property
    def end_s(self) -> float: ...


TimedT = TypeVar("TimedT", bound=_Timed)


def suppress_bleed(
    per_channel: Mapping[int, Sequence[TimedT]], energy: ChannelEnergy, *, margin_db: float = 15.0
) -> dict[int, list[TimedT]]:
    """Drop words (or segments) of a channel whose span is `margin_db` louder on another channel.

    Real overtalk is loud on both channels and stays; a voice heard only as a leak from the other channel is
    far quieter than at its source and goes.
    """
    kept: dict[int, list[TimedT]] = {}
    for channel, items in per_channel.items():
        others = [c for c in range(energy.db.shape[0]) if c != channel]
        kept[channel] = [
            item
            for item in items
            if not any(
                energy.mean_db(other, item.start_s, item.end_s) - energy.mean_db(channel, item.start_s, item.end_s)
                >= margin_db
                for other in others
            )
        ]
    return kept


# --- mono: separating two voices ------------------------------------------------------------------------------


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


# --- mono: naming the voices from what they say ------------------------------------------------------------

# (cue, weight, pattern) over lower-cased words without punctuation. Weight 3: a cue only one side says;
# 1: a hint. Patterns stay inside one stretch of one voice, so a phrase never spans two speakers.
_AGENT_CUES: tuple[tuple[str, float, re.Pattern[str]], ...] = tuple(
    (name, weight, re.compile(pattern))
    for name, weight, pattern in (
        ("introduces a company", 3, r"\bthis is \w+(?: \w+)? (?:from|with|at|calling from|calling on behalf of)\b"),
        (
            "introduces a company",
            3,
            r"\bmy name is \w+(?: \w+)? (?:and i am |and i m |i m |i am )?(?:from|with|calling)\b",
        ),
        ("calling on behalf of", 2, r"\b(?:calling (?:from|on behalf of)|on behalf of)\b"),
        ("thanks for calling", 3, r"\bthank(?:s| you) for calling\b"),
        (
            "recording disclosure",
            3,
            r"\b(?:recorded line|(?:call|calls) (?:is|are|may be|will be|might be) (?:being )?recorded"
            r"|recorded for (?:quality|training))\b",
        ),
        ("quality and training", 2, r"\bfor (?:quality|training) (?:and|or) (?:training|quality)\b"),
        (
            "asks for payment",
            2,
            r"\b(?:your (?:card|credit card|debit card|account|routing) number|pay by (?:card|credit|debit)"
            r"|expir\w* date on the card|security code on the back)\b",
        ),
        (
            "asks for the prospect",
            2,
            r"\b(?:am i speaking (?:with|to)|may i speak (?:with|to)|is this (?:mr|mrs|ms|miss)\b)",
        ),
        (
            "offers",
            1,
            r"\b(?:no upfront cost|free (?:assessment|quote|consultation|estimate)|special offer|limited time)\b",
        ),
        ("removes from list", 2, r"\b(?:take|remove|add) (?:you|your number) (?:off|from|to) (?:our|the)\b"),
        ("books", 1, r"\b(?:you are booked|i can book|can i book|we have openings)\b"),
    )
)
_PROSPECT_CUES: tuple[tuple[str, float, re.Pattern[str]], ...] = tuple(
    (name, weight, re.compile(pattern))
    for name, weight, pattern in (
        ("asks who is calling", 3, r"\bwho (?:is|s) (?:this|calling)\b|\bwho are you\b"),
        ("not interested", 3, r"\bnot (?:really )?interested\b"),
        ("how did you get my number", 3, r"\bhow did you get (?:my|this) (?:number|information|details)\b"),
        (
            "do not call",
            3,
            r"\b(?:don t|do not|stop) call(?:ing)? (?:me|here)\b|\b(?:take|put) me (?:off|on) (?:your|the)\b",
        ),
        ("do not record", 2, r"\b(?:don t|do not) record\b"),
        (
            "answers to their name",
            2,
            r"^(?:yes |yeah |hello |hi )?(?:this is|speaking)(?: \w+)?$"
            r"|\b(?:yes|yeah) this is \w+\b(?! (?:from|with|at|calling))",
        ),
        ("asks the price", 1, r"\bhow much (?:does|is|will|would) (?:it|this|that)\b"),
        ("defers", 1, r"\b(?:send me|i ll think about it|i will think about it|call me back|i m busy|i am busy)\b"),
    )
)


@dataclass(frozen=True)
class RoleAssignment:
    """Which role each voice cluster plays, the cues that decided it, and how sure the decision is (0..1)."""

    roles: Mapping[int, Speaker]
    confidence: float
    cues: Mapping[int, tuple[str, ...]]

    def role(self, cluster: int) -> Speaker:
        return self.roles.get(cluster, Speaker.UNKNOWN)


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _cluster_of(word: Word, spans: Sequence[ClusterSpan], starts: FloatArray) -> int | None:
    """The cluster of the span holding the word's middle (or the nearest span within half a second)."""
    middle = (word.start_s + word.end_s) / 2
    index = int(np.searchsorted(starts, middle, side="right")) - 1
    near = [i for i in (index, index + 1) if 0 <= i < len(spans)]
    gaps = [max(spans[i].start_s - middle, middle - spans[i].end_s, 0.0) for i in near]
    if not near or min(gaps) > 0.5:
        return None
    return spans[near[int(np.argmin(gaps))]].cluster


def _stretches(spans: Sequence[ClusterSpan], words: Sequence[Word]) -> list[tuple[int, str]]:
    """Runs of consecutive words given to the same cluster, as (cluster, normalised text)."""
    starts = np.array([s.start_s for s in spans])
    runs: list[tuple[int, list[str]]] = []
    for word in sorted(words, key=lambda w: w.start_s):
        cluster = _cluster_of(word, spans, starts)
        if cluster is None:
            continue
        if runs and runs[-1][0] == cluster:
            runs[-1][1].append(word.text)
        else:
            runs.append((cluster, [word.text]))
    return [(cluster, _normalised(" ".join(texts))) for cluster, texts in runs]


def _scores(stretches: Sequence[tuple[int, str]], cluster: int) -> tuple[float, float, list[str]]:
    """Agent and prospect cue weights found in one cluster's speech (each cue counted at most twice)."""
    found: dict[tuple[str, str], tuple[float, int]] = {}
    for owner, text in stretches:
        if owner != cluster:
            continue
        for side, cues in (("agent", _AGENT_CUES), ("prospect", _PROSPECT_CUES)):
            for name, weight, pattern in cues:
                if hits := len(pattern.findall(text)):
                    previous = found.get((side, name), (weight, 0))[1]
                    found[(side, name)] = (weight, min(2, previous + hits))
    agent = sum(w * n for (side, _), (w, n) in found.items() if side == "agent")
    prospect = sum(w * n for (side, _), (w, n) in found.items() if side == "prospect")
    return agent, prospect, [f"{side}: {name}" for side, name in found]


def assign_roles(
    spans: Sequence[ClusterSpan],
    words: Sequence[Word],
    *,
    separation_confidence: float = 1.0,
    min_evidence: float = 3.0,
) -> RoleAssignment:
    """Name the voice clusters agent and prospect from content cues; too little evidence leaves them unknown.

    With two voices the evidence is (agent cues − prospect cues) of one cluster against the other's; at least
    `min_evidence` (one strong cue) decides. With a single voice, it is called the agent only when it says agent
    things and nothing a prospect says (an agent talking to voicemail), with at most 0.5 confidence, since a
    single cluster may also be two voices the separation failed to split. The confidence is the strength of
    the evidence times `separation_confidence` (pass `MonoSeparation.confidence`): roles read off badly
    separated voices are no surer than the separation.
    """
    clusters = sorted({s.cluster for s in spans})
    stretches = _stretches(spans, words)
    scores = {c: _scores(stretches, c) for c in clusters}
    cues = {c: tuple(scores[c][2]) for c in clusters}
    if len(clusters) == 1:
        (only,) = clusters
        agent, prospect, _ = scores[only]
        strength = round(1.0 - float(np.exp(-abs(agent - prospect) / 3.0)), 3)
        if agent - prospect >= min_evidence and prospect == 0:
            return RoleAssignment({only: Speaker.AGENT}, 0.5 * strength, cues)
        if prospect - agent >= min_evidence and agent == 0:
            return RoleAssignment({only: Speaker.PROSPECT}, 0.5 * strength, cues)
        return RoleAssignment({only: Speaker.UNKNOWN}, 0.0, cues)
    if len(clusters) != 2:
        return RoleAssignment({c: Speaker.UNKNOWN for c in clusters}, 0.0, cues)
    first, second = clusters
    evidence = (scores[first][0] - scores[first][1]) - (scores[second][0] - scores[second][1])
    confidence = round((1.0 - float(np.exp(-abs(evidence) / 3.0))) * separation_confidence, 3)
    if abs(evidence) < min_evidence:
        return RoleAssignment({first: Speaker.UNKNOWN, second: Speaker.UNKNOWN}, confidence, cues)
    agent, prospect = (first, second) if evidence > 0 else (second, first)
    return RoleAssignment({agent: Speaker.AGENT, prospect: Speaker.PROSPECT}, confidence, cues)


def mono_segments(separation: MonoSeparation, words: Sequence[Word], roles: RoleAssignment) -> list[Segment]:
    """The separated voices as domain segments, each with its words and a speaker confidence.

    A segment's confidence is its span's clustering margin times the role decision's confidence; segments are
    flagged ``mono_separation`` so a reader knows the speaker came from the audio, not from a channel.
    """
    starts = np.array([s.start_s for s in separation.spans])
    grouped: dict[int, list[Word]] = {i: [] for i in range(len(separation.spans))}
    for word in words:
        middle = (word.start_s + word.end_s) / 2
        index = int(np.searchsorted(starts, middle, side="right")) - 1
        candidates = [i for i in (index, index + 1) if 0 <= i < len(separation.spans)]
        if candidates:
            distance = [
                max(separation.spans[i].start_s - middle, middle - separation.spans[i].end_s, 0.0) for i in candidates
            ]
            grouped[candidates[int(np.argmin(distance))]].append(word)
    return [
        Segment(
            speaker=roles.role(span.cluster),
            start_s=span.start_s,
            end_s=span.end_s,
            text=" ".join(w.text.strip() for w in grouped[i]),
            words=tuple(sorted(grouped[i], key=lambda w: w.start_s)),
            channel=None,
            speaker_confidence=round(span.confidence * roles.confidence, 4),
            flags=("mono_separation",),
        )
        for i, span in enumerate(separation.spans)
    ]
