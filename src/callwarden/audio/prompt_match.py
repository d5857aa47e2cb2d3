"""Find a known pre-recorded prompt (an IVR disclosure) in a call by its sound, not by its transcript.

ASR garbles a prompt played through a phone line, but the prompt is the same recording every time, so its
log-mel spectrogram reappears almost unchanged. Both signals become log-mel features at 8 kHz (25 ms windows,
10 ms hop, 300-3400 Hz: what survives a phone line); each mel band has its long-term mean removed (channel and
codec colouring, and the spectral tilt all speech shares), then each frame is scaled to zero mean and unit
variance across bands (level). The score at a lag is the mean correlation between the prompt's voiced frames
and the call's frames at that lag, computed for every lag at once with FFTs, so it costs O(bands × N log N).

Only the first `search_s` seconds (default 120) are searched: a disclosure prompt plays at the start, and a
two-hour call must not cost two hours of features. A recording may also start after the notice did (the dialer
starts recording when the agent's leg connects): the lags at which the notice began before the recording are scored
too, over the part the recording holds, as long as that is most of the notice (``CLIPPED_MIN_SHARE``).

Measured on synthetic calls (tests/unit/test_prompt_match.py): the same prompt through 8 kHz u-law at another level
scores about 0.78 with -45 dBFS line noise and 0.73 with -35 dBFS (about 15 dB SNR), and a prompt played in pink
noise at -2 dB SNR (bench/consent.py, ivr-noisy-prompt) 0.48; other sentences in the same voice stay at or under
about 0.23, the same sentence in another voice at or under about 0.30. `MATCH_THRESHOLD` (0.45) sits between. On the
held-out notices (bench/consent_heldout_ivr.py: festival, piper and espeak-ng voices, references as WAV, MP3 or
u-law, calls on u-law or GSM lines) the notices played scored 0.71 to 0.87, a notice 1.2 s of which was before the
recording 0.87, and every other reference against 47 calls 0.22 at most.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from callwarden.audio.decode import iter_channel_chunks
from callwarden.audio.probe import AudioSource
from callwarden.domain.disclosure import DisclosureHit, DisclosureMethod, PromptReference

Floats = npt.NDArray[np.float64]
RATE = 8000
HOP_S = 0.010
WIN_S = 0.025
N_FFT = 256
N_MELS = 32
F_MIN, F_MAX = 250.0, 3500.0
MATCH_THRESHOLD = 0.45
DEFAULT_SEARCH_S = 120.0
# Measured together on the unit-test calls and the consent bench: with 10 dB and 15 dB the prompt in -2 dB SNR
# pink noise scores 0.48 (0.33 with the earlier 20 dB and 35 dB, under the threshold), clean prompts 0.73-0.79,
# and the worst other voice saying the same sentence 0.29 (0.26).
_FLOOR_DB = 10.0  # bands further below a frame's loudest are floored: in noise only the strong bands carry the prompt
_VOICED_DB = 15.0  # prompt frames within this many dB of its loudest count: where its voice stands above noise
# A reference shorter than this in voiced frames is no notice: its few frames line up with any speech. Measured on
# the 5 sample calls and 40 consent-benchmark calls, none of which plays it: 0.23 s of a spoken notice (8 voiced
# frames) scored over the threshold in 33 of 45 calls, 0.24 s (23 voiced frames) in 2, 0.74 s (52) in none with
# 0.31 at most, 1.2 s (83) 0.25 at most. A disclosure notice is a sentence, seconds of voice.
MIN_VOICED_S = 1.0
# A notice the recording caught only the end of is matched on what it holds, when that is at least this share of the
# notice's voiced frames (and ``MIN_VOICED_S``): the lost start is usually the greeting before the words that matter.
CLIPPED_MIN_SHARE = 0.6
SILENT_PEAK = 10 ** (-80 / 20)  # a reference whose loudest sample is under -80 dBFS holds no sound


def _hz_to_mel(hz: Floats | float) -> Floats:
    return np.asarray(2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0), dtype=np.float64)


def _mel_to_hz(mel: Floats) -> Floats:
    return np.asarray(700.0 * (10.0 ** (mel / 2595.0) - 1.0), dtype=np.float64)


def mel_filterbank(rate: int = RATE, n_fft: int = N_FFT, n_mels: int = N_MELS) -> Floats:
    """Triangular mel filters, shaped (n_mels, n_fft // 2 + 1)."""
    bins = np.fft.rfftfreq(n_fft, 1.0 / rate)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(F_MIN), _hz_to_mel(min(F_MAX, rate / 2)), n_mels + 2))
    bank = np.zeros((n_mels, bins.size))
    for m in range(n_mels):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        rising = (bins - lo) / (mid - lo)
        falling = (hi - bins) / (hi - mid)
        bank[m] = np.clip(np.minimum(rising, falling), 0.0, None)
    return bank


_BANK = mel_filterbank()


def log_mel(samples: npt.ArrayLike, rate: int = RATE) -> Floats:
    """Log-mel energies of mono `samples` at 8 kHz, shaped (N_MELS, frames), one frame every 10 ms."""
    if rate != RATE:
        raise ValueError(f"features are computed at {RATE} Hz; resample first (got {rate})")
    audio = np.asarray(samples, dtype=np.float64).ravel()
    win, hop = round(WIN_S * RATE), round(HOP_S * RATE)
    if audio.size < win:
        return np.zeros((N_MELS, 0))
    count = 1 + (audio.size - win) // hop
    frames = np.lib.stride_tricks.as_strided(
        audio, shape=(count, win), strides=(audio.strides[0] * hop, audio.strides[0]), writeable=False
    )
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(win), n=N_FFT, axis=1)) ** 2
    logs = np.log(spectrum @ _BANK.T + 1e-10).T
    # Bands far below a frame's loudest are line noise in a call and near-silence in a clean prompt; flooring
    # both at the same depth makes them agree instead of correlating noise with nothing.
    floor = logs.max(axis=0, keepdims=True) - _FLOOR_DB * np.log(10) / 10
    return np.asarray(np.maximum(logs, floor), dtype=np.float64)


def _normalise(features: Floats, weights: Floats | None = None) -> Floats:
    """Per-band mean removal (over weighted frames), then per-frame zero mean, unit variance across bands."""
    if features.shape[1] == 0:
        return features
    if weights is None or not weights.any():
        centred = features - features.mean(axis=1, keepdims=True)
    else:
        centred = features - (features * weights).sum(axis=1, keepdims=True) / weights.sum()
    centred = centred - centred.mean(axis=0, keepdims=True)
    spread = centred.std(axis=0, keepdims=True)
    return np.asarray(np.where(spread > 1e-6, centred / np.maximum(spread, 1e-6), 0.0), dtype=np.float64)


@dataclass(frozen=True)
class PromptTemplate:
    """A reference prompt's normalised features and which of its frames are voiced."""

    name: str
    features: Floats  # (N_MELS, frames), normalised, unvoiced frames zeroed
    voiced: int

    @property
    def voiced_from(self) -> Floats:
        """For each frame, how many voiced frames lie at or after it: what a recording that starts there holds."""
        mask = np.any(self.features != 0.0, axis=0).astype(np.float64)
        return np.asarray(np.cumsum(mask[::-1])[::-1], dtype=np.float64)

    @classmethod
    def from_samples(cls, name: str, samples: npt.ArrayLike, rate: int = RATE) -> PromptTemplate:
        """The template of a reference recording. A silent one, or one with less than ``MIN_VOICED_S`` of voice,
        is refused (ValueError naming it): matched against calls, it would find a "notice" in calls that never
        played one, and an IVR hit makes a call's disclosure ``given``."""
        audio = np.asarray(samples, dtype=np.float64)
        if audio.size == 0 or float(np.max(np.abs(audio))) < SILENT_PEAK:
            raise ValueError(f"prompt {name!r} holds no sound")
        raw = log_mel(audio, rate)
        if raw.shape[1] == 0:
            raise ValueError(f"prompt {name!r} is shorter than one analysis frame")
        energy = raw.max(axis=0)
        mask = (energy >= energy.max() - _VOICED_DB * np.log(10) / 10).astype(np.float64)
        voiced_s = float(mask.sum()) * HOP_S
        if voiced_s < MIN_VOICED_S:
            raise ValueError(
                f"prompt {name!r} has {voiced_s:.2f} s of voice; a recorded notice needs at least {MIN_VOICED_S:.1f} s "
                "to be told apart from other speech"
            )
        first, last = np.flatnonzero(mask)[[0, -1]]
        mask, raw = mask[first : last + 1], raw[:, first : last + 1]  # trim silence at both ends
        return cls(name, _normalise(raw, mask) * mask, int(mask.sum()))

    @classmethod
    def from_file(cls, reference: PromptReference | str | Path) -> PromptTemplate:
        """Load a prompt's audio file (any format the decoder takes; channels are mixed)."""
        path = Path(reference.path if isinstance(reference, PromptReference) else reference)
        name = reference.name if isinstance(reference, PromptReference) else path.stem
        chunks = list(iter_channel_chunks(path, seconds=60.0, target_rate=RATE))
        audio = np.concatenate([c.mean(axis=0) for c in chunks]) if chunks else np.zeros(0)
        return cls.from_samples(name, audio)

    @property
    def duration_s(self) -> float:
        return float(self.features.shape[1] * HOP_S)


@dataclass(frozen=True)
class PromptMatch:
    """Where a prompt best matches a call: its start (seconds from the start of the recording; 0 for a notice
    that began before the recording, with `clipped_s` saying how much of it the recording lacks), the score (mean
    per-frame correlation, -1..1), whether that passes the threshold, and on which channel."""

    name: str
    at_s: float
    score: float
    matched: bool
    channel: int | None
    threshold: float
    clipped_s: float = 0.0

    def to_hit(self) -> DisclosureHit:
        """As a disclosure hit for the verdict rule (only meaningful when `matched`)."""
        evidence: dict[str, object] = {
            "prompt": self.name,
            "correlation": round(self.score, 3),
            "threshold": self.threshold,
            "channel": self.channel,
        }
        if self.clipped_s:
            evidence["began_before_recording_s"] = round(self.clipped_s, 2)
        return DisclosureHit(DisclosureMethod.IVR, round(self.at_s, 2), round(self.score * 100, 1), evidence)


@dataclass(frozen=True)
class LagScores:
    """A template's score at every lag of a call: `whole[i]` with the template starting at frame i of the call,
    `clipped[k - 1]` with its first k frames before the call's start (scored over the frames the call holds)."""

    whole: Floats
    clipped: Floats


def correlation_curve(template: PromptTemplate, samples: npt.ArrayLike, rate: int = RATE) -> LagScores:
    """The match score of `template` at every frame lag of mono `samples` (FFT cross-correlation per band),
    including the lags at which at least ``CLIPPED_MIN_SHARE`` of it, and ``MIN_VOICED_S``, lies in the call."""
    call = _normalise(log_mel(samples, rate))
    length = template.features.shape[1]
    lags = call.shape[1] - length + 1
    if lags <= 0 or template.voiced == 0:
        return LagScores(np.zeros(0), np.zeros(0))
    size = 1 << int(np.ceil(np.log2(call.shape[1] + length)))
    spectra = np.fft.rfft(call, n=size, axis=1) * np.conj(np.fft.rfft(template.features, n=size, axis=1))
    summed = np.fft.irfft(spectra.sum(axis=0), n=size)
    whole = summed[:lags] / (template.voiced * N_MELS)
    held = template.voiced_from[1:]  # voiced frames the call holds with the first k = 1, 2, ... frames cut
    enough = held >= max(CLIPPED_MIN_SHARE * template.voiced, MIN_VOICED_S / HOP_S)
    cut = int(np.count_nonzero(enough))  # held only falls as k grows, so the allowed cuts are 1..cut
    clipped = summed[size - cut :][::-1] / (held[:cut] * N_MELS) if cut else np.zeros(0)
    return LagScores(np.asarray(whole, dtype=np.float64), np.asarray(clipped, dtype=np.float64))


def match_prompt(
    template: PromptTemplate,
    call: npt.ArrayLike,
    rate: int = RATE,
    *,
    search_s: float = DEFAULT_SEARCH_S,
    threshold: float = MATCH_THRESHOLD,
) -> PromptMatch:
    """Best match of `template` in `call`, shaped (samples,) or (channels, samples) at 8 kHz; each channel and,
    for several channels, their mix are searched, over the first `search_s` seconds."""
    audio = np.atleast_2d(np.asarray(call, dtype=np.float64))[:, : round(search_s * rate)]
    candidates: list[tuple[int | None, Floats]] = [(i, audio[i]) for i in range(audio.shape[0])]
    if audio.shape[0] > 1:
        candidates.append((None, audio.mean(axis=0)))
    best = PromptMatch(template.name, 0.0, -1.0, False, None, threshold)
    for channel, samples in candidates:
        curve = correlation_curve(template, samples, rate)
        if curve.whole.size and float(curve.whole.max()) > best.score:
            lag = int(curve.whole.argmax())
            score = float(curve.whole[lag])
            best = PromptMatch(template.name, lag * HOP_S, score, score >= threshold, channel, threshold)
        if curve.clipped.size and float(curve.clipped.max()) > best.score:
            cut = int(curve.clipped.argmax())
            score = float(curve.clipped[cut])
            best = PromptMatch(template.name, 0.0, score, score >= threshold, channel, threshold, (cut + 1) * HOP_S)
    return best


def match_prompts_in_file(
    source: AudioSource,
    templates: Iterable[PromptTemplate],
    *,
    search_s: float = DEFAULT_SEARCH_S,
    threshold: float = MATCH_THRESHOLD,
) -> list[PromptMatch]:
    """Decode only the first `search_s` seconds of a recording (a path or a seekable file object, such as the
    vault's decrypting reader) and match every template against it."""
    chunks = iter_channel_chunks(
        Path(source) if isinstance(source, str) else source, seconds=search_s, target_rate=RATE
    )
    head = next(iter(chunks), None)
    if head is None:
        return []
    return [match_prompt(t, head, RATE, search_s=search_s, threshold=threshold) for t in templates]
