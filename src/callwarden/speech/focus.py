"""The consent-focused ASR pass: the opening of a call decoded again, biased toward how people word a recording
disclosure and an objection, as extra evidence for the consent decision only.

A small model mishears synthetic and narrow-band voices ("this call is being recorded" as "this call is being
ported"); decoding the same audio as if it followed a typical disclosure (Whisper's ``initial_prompt``) makes it
hear those words when they are there (bench/consent.py measures it, and that it does not invent them over decoy
sentences). The bias would distort the rest of a transcript, so this pass never replaces the stored one: its
segments go to disclosure and objection detection alone, and its settings go into the consent record.

- Stereo: the agent's channel with the disclosure prompt and the prospect's with the objection prompt.
- Stereo, prospect side: a segment the prompt put words in that the sound does not carry is dropped (see
  ``_fitting``).
- Mono: the mix once, with the disclosure prompt; each word takes the speaker of the transcript's turn it
  falls in (unknown outside every turn), so the prospect's words can still carry an objection.
- A phone-line recording (8 kHz or less) is heard three times: as recorded, with the low band the line cut away
  restored (``speech.lowband``), and with its hiss turned down first (``speech.denoise``); where the settings ask,
  a fourth time with the low band restored and every frequency heard 15 % higher (``speech.warp``). The later
  hearings' segments carry the flags ``low_band``, ``denoised`` and ``raised`` and count as evidence like the
  first's (``FocusedPass.joined``), each with its own echo check.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from callwarden.domain.transcript import Segment, Speaker, Word
from callwarden.speech.activity import speech_spans
from callwarden.speech.engine import SAMPLE_RATE, AsrEngine, Float32Array, stretch, transcribe_stretch

DISCLOSURE_PROMPT = "Hi, just so you know, this call is recorded and monitored for quality and training purposes."
OBJECTION_PROMPT = "Please do not record me. I do not consent to being recorded. Stop recording."
_TURN_SLACK_S = 0.3  # a word this close to a turn belongs to it
_SPLIT_GAP_S = 1.0  # words further apart than this start a new focused segment
_UTTERANCE_BRIDGE_S = 0.6  # pauses shorter than this stay inside one utterance
_UTTERANCE_MIN_S = 0.4  # shorter bursts are no utterance
_UTTERANCE_PAD_S = 0.3
_FIT_PAD_S = 0.5  # audio and plain words this far around a segment are what it is checked against
_FIT_MAX_S = 30.0  # one Whisper window: longer segments are kept unchecked
_LOOP_WORDS = 4  # a run of this many prompt words said twice in one segment is the prompt looping
_SHORT_LOOP_TIMES = 3  # ... and a two-word piece of the prompt said this often
_WORD = re.compile(r"[a-z']+")
AS_RECORDED = "as_recorded"  # the first hearing, of the recording as it is
LOW_BAND_FLAG = "low_band"  # a segment of the hearing of the recording with its low band restored
DENOISED_FLAG = "denoised"  # ... of the recording with its line noise turned down, then its low band restored
RAISED_FLAG = "raised"  # ... of the recording with its low band restored, heard with its spectrum raised
RAISED_WARP = 1.15  # how much higher the raised hearing hears every frequency (``speech.warp``)
# the hearings a phone-line recording may get besides the first, and those it gets unless the settings say
# otherwise: the raised hearing found two more held-out calls right but put one disclosure 4.3 s from where it was
# said (bench/consent.py), so it waits until its timing is understood
LINE_HEARINGS = (LOW_BAND_FLAG, DENOISED_FLAG, RAISED_FLAG)
DEFAULT_LINE_HEARINGS = (LOW_BAND_FLAG, DENOISED_FLAG)


@dataclass(frozen=True)
class FocusSettings:
    """How the focused pass runs: how much of the opening (seconds; 0 turns the pass off) and its prompts."""

    window_s: float = 45.0
    disclosure_prompt: str = DISCLOSURE_PROMPT
    objection_prompt: str = OBJECTION_PROMPT
    per_utterance: bool = True  # decode the disclosure side utterance by utterance (see ``_prompted_words``)
    # nats per token by which a prospect segment may fit its audio worse than the plain pass's words (``_fitting``)
    echo_margin: float = 1.5
    # how a phone-line recording is heard again besides as recorded (``FocusedPass.joined``); () hears it once
    line_hearings: tuple[str, ...] = DEFAULT_LINE_HEARINGS

    def __post_init__(self) -> None:
        unknown = [name for name in self.line_hearings if name not in LINE_HEARINGS]
        if unknown:
            raise ValueError(f"unknown focused-pass hearing(s) {unknown}: choose from {list(LINE_HEARINGS)}")

    @property
    def enabled(self) -> bool:
        return self.window_s > 0


@dataclass(frozen=True)
class DroppedEcho:
    """A focused prospect segment taken for the prompt's echo, and why: ``loop`` (it says four prompt words
    twice, or two of them three times), ``unheard`` (without the prompt the model hears nothing there) or ``fit``
    (its words fit the audio much worse than what was heard there without the prompt)."""

    segment: Segment
    reason: Literal["loop", "unheard", "fit"]
    compared_with: Literal["plain", "unprompted"] | None = None  # the plain pass's words, or a decoding of the stretch
    fit: float | None = None  # mean log-probability per token of the segment's words, unprompted
    plain_fit: float | None = None  # ... of the words heard there without the prompt

    def to_dict(self) -> dict[str, Any]:
        """When, why and by how much, without the words: they would escape the card-data purge that the stored
        segments go through (``pipeline.pii_stage``)."""
        return {
            "start_s": round(self.segment.start_s, 2),
            "end_s": round(self.segment.end_s, 2),
            "reason": self.reason,
            "compared_with": self.compared_with,
            "fit": None if self.fit is None else round(self.fit, 3),
            "plain_fit": None if self.plain_fit is None else round(self.plain_fit, 3),
            "hearing": hearing_of(self.segment),
        }


@dataclass(frozen=True)
class FocusedPass:
    """The pass's segments (extra evidence, never the transcript) and what made them."""

    segments: list[Segment]
    settings: FocusSettings
    engine: str
    compute_s: float
    dropped: list[DroppedEcho] = field(default_factory=list)
    hearings: tuple[str, ...] = (AS_RECORDED,)

    def joined(self, other: FocusedPass, hearing: str) -> FocusedPass:
        """This pass with another hearing of the same opening (one of ``LINE_HEARINGS``), whose segments (kept and
        dropped) are flagged with its name: a disclosure or objection heard in any counts.

        On a phone line tiny.en's words change with every small change to the sound, right or wrong: with white
        noise 20 dB under the voice, restoring the low band halves its word error rate, and each further hearing
        gets right what the others got wrong (bench/line_hearings.py, ten voices, six sentences, decoded after
        the disclosure prompt: as recorded 0.44, low band 0.22, denoised 0.23; the best of the first two 0.21, of
        all three 0.17, the denoised hearing better than both others on 14 of 60). So the hearings are joined, not
        chosen between. The third hearing took held-out consent accuracy from 0.77 to 0.78 (bench/consent.py, the
        first two hearings' words the same in both runs); the one decoy it heard as a disclosure in the tuning part
        ("home monitoring ... monitor") is ruled out in ``analysis.disclosure_match``."""

        def flagged(segment: Segment) -> Segment:
            return replace(segment, flags=(*segment.flags, hearing))

        return FocusedPass(
            sorted([*self.segments, *map(flagged, other.segments)], key=lambda s: s.start_s),
            self.settings,
            self.engine,
            self.compute_s + other.compute_s,
            [*self.dropped, *(replace(d, segment=flagged(d.segment)) for d in other.dropped)],
            (*self.hearings, hearing),
        )

    def describe(self) -> dict[str, Any]:
        """The pass as an input of the consent decision: settings, engine and what was dropped when, no words."""
        return {
            **asdict(self.settings),
            "hearings": list(self.hearings),
            "engine": self.engine,
            "compute_s": round(self.compute_s, 3),
            "dropped_echoes": [[round(d.segment.start_s, 2), round(d.segment.end_s, 2)] for d in self.dropped],
        }

    def to_json(self) -> dict[str, Any]:
        """Stored encrypted beside the transcript (it holds what was said; of what was dropped, only when)."""
        return {
            **self.describe(),
            "segments": [segment.to_dict() for segment in self.segments],
            "dropped": [d.to_dict() for d in self.dropped],
        }

    @classmethod
    def segments_from_json(cls, raw: dict[str, Any]) -> list[Segment]:
        return [Segment.from_dict(item) for item in raw.get("segments", ())]


def hearing_of(segment: Segment) -> str:
    """Which hearing of the opening a focused segment came from."""
    return next((flag for flag in segment.flags if flag in LINE_HEARINGS), AS_RECORDED)


def _opening(samples: Float32Array, window_s: float) -> Float32Array:
    return stretch(samples, 0.0, window_s)


def _utterances(opening: Float32Array) -> list[tuple[float, float]]:
    """Where the opening holds speech, from its energy, padded so no word is clipped."""
    end = opening.size / SAMPLE_RATE
    spans = speech_spans(opening, SAMPLE_RATE, bridge_s=_UTTERANCE_BRIDGE_S, min_speech_s=_UTTERANCE_MIN_S)
    return [(max(0.0, a - _UTTERANCE_PAD_S), min(end, b + _UTTERANCE_PAD_S)) for a, b in spans]


def _prompted_words(
    engine: AsrEngine, samples: Float32Array, prompt: str, per_utterance: bool, window_s: float
) -> list[Word]:
    """The opening decoded after ``prompt``; with ``per_utterance`` each utterance on its own.

    A prompt biases decoding most at the start of a window: decoded as one 30 s window, only the first sentence
    of a call gets the bias, and a disclosure said after "Hi, this is Sam from..." loses it (bench/consent.py:
    tuning accuracy 0.69 -> 0.77, held-out unchanged, no decoy heard as a disclosure). Without speech found by
    energy the whole opening is decoded as one.
    """
    opening = _opening(samples, window_s)
    decoder = engine.prompted(prompt)
    spans = _utterances(opening) if per_utterance else []
    if not spans:
        return list(decoder.transcribe(opening).words)
    found: list[Word] = []
    for start, end in spans:
        found += transcribe_stretch(decoder, opening, start, end).words
    return found


def _grouped(words: Sequence[tuple[Speaker, Word]], channel: int | None) -> list[Segment]:
    """Consecutive words of one speaker, without long gaps, as segments."""
    groups: list[tuple[Speaker, list[Word]]] = []
    for speaker, word in words:
        if groups and groups[-1][0] == speaker and word.start_s - groups[-1][1][-1].end_s < _SPLIT_GAP_S:
            groups[-1][1].append(word)
        else:
            groups.append((speaker, [word]))
    return [
        Segment(
            speaker=speaker,
            start_s=group[0].start_s,
            end_s=group[-1].end_s,
            text=_text(group),
            words=tuple(group),
            channel=channel,
        )
        for speaker, group in groups
    ]


def _speaker_at(at_s: float, turns: Sequence[Segment]) -> Speaker:
    for turn in turns:
        if turn.start_s - _TURN_SLACK_S <= at_s <= turn.end_s + _TURN_SLACK_S:
            return turn.speaker
    return Speaker.UNKNOWN


def _text(words: Iterable[Word]) -> str:
    return " ".join(w.text.strip() for w in words).strip()


def _says_again(said: list[str], given: list[str], length: int, times: int) -> bool:
    """Whether some run of `length` words of `given` occurs at least `times` times in `said`."""
    pieces = {tuple(given[i : i + length]) for i in range(len(given) - length + 1)}
    runs = [tuple(said[i : i + length]) for i in range(len(said) - length + 1)]
    return any(runs.count(piece) >= times for piece in pieces)


def _loops_on(text: str, prompt: str) -> bool:
    """Whether `text` says some run of ``_LOOP_WORDS`` words of `prompt` at least twice, or a two-word piece of
    it three times or more: "Stop recording. Stop recording. Stop recording. ..." over a prospect's "Sorry, you
    are not allowed to record me" (bench/consent.py, h7-objected-allowed) repeats no four prompt words, and a
    person who says "stop recording, stop recording!" says it twice."""
    said, given = _WORD.findall(text.lower()), _WORD.findall(prompt.lower())
    return _says_again(said, given, _LOOP_WORDS, 2) or _says_again(said, given, 2, _SHORT_LOOP_TIMES)


def _fitting(
    engine: AsrEngine,
    samples: Float32Array,
    segments: list[Segment],
    plain: Sequence[Word],
    settings: FocusSettings,
) -> tuple[list[Segment], list[DroppedEcho]]:
    """The segments whose words fit their audio about as well as what the model hears there unprompted, and the
    rest.

    Decoded after a prompt of objection sentences, tiny.en repeats the prompt over speech it cannot make out: a
    prospect's "Where do the cruises go?" came back as "Please do not consent to be recorded" (the plain pass:
    "That's great, great job"), and "Hi, are you recording this?" as "I do not record me". A false objection
    restricts and deletes a properly disclosed recording. Read out without the prompt, such an echo fits the sound
    far worse than the plain pass's words (mean log-probability per token -4.4 against -1.9, -4.2 against -0.4),
    while objections the prompt rightly brought out fit about as well or better (-0.9 to +2.0 relative;
    bench/consent.py). Where the plain pass kept no words (its voice detection dropped the turn), the stretch is
    decoded again without the prompt to compare with; when that hears nothing either, the prompt's words are all
    there is, and they go. A segment that says a piece of the prompt over and over ("consent. I do not consent.
    I do not consent." over "Is there anything open on Tuesday?") is the prompt looping and goes whatever its fit.
    """
    kept: list[Segment] = []
    dropped: list[DroppedEcho] = []
    for segment in segments:
        start, end = max(0.0, segment.start_s - _FIT_PAD_S), segment.end_s + _FIT_PAD_S
        if _loops_on(segment.text, settings.objection_prompt):
            dropped.append(DroppedEcho(segment, "loop"))
            continue
        if end - start > _FIT_MAX_S:
            kept.append(segment)
            continue
        clip = stretch(samples, start, end)
        source: Literal["plain", "unprompted"] = "plain"
        heard = _text(w for w in plain if start <= w.start_s <= end)
        if not heard:
            heard, source = _text(engine.unfiltered().transcribe(clip).words), "unprompted"
        if not heard:
            dropped.append(DroppedEcho(segment, "unheard", fit=engine.fit(clip, [segment.text])[0]))
            continue
        fit, heard_fit = engine.fit(clip, [segment.text, heard])
        if fit < heard_fit - settings.echo_margin:
            dropped.append(DroppedEcho(segment, "fit", source, fit, heard_fit))
        else:
            kept.append(segment)
    return kept, dropped


def focused_pass_stereo(
    engine: AsrEngine,
    agent: Float32Array,
    prospect: Float32Array,
    settings: FocusSettings,
    channels: tuple[int, int],
    plain_prospect: Sequence[Word] = (),
) -> FocusedPass:
    """Agent channel with the disclosure prompt, prospect channel with the objection prompt; `plain_prospect`
    (the plain pass's words on the prospect channel) is what the prospect side's words are checked against."""
    started = time.perf_counter()
    segments: list[Segment] = []
    dropped: list[DroppedEcho] = []
    # The objection side stays one window: decoded utterance by utterance after the objection prompt, a prospect's
    # short "hello?" came back as "don't consent to..." (bench/consent.py, ivr-clean).
    for speaker, samples, prompt, channel, per_utterance in (
        (Speaker.AGENT, agent, settings.disclosure_prompt, channels[0], settings.per_utterance),
        (Speaker.PROSPECT, prospect, settings.objection_prompt, channels[1], False),
    ):
        heard = _prompted_words(engine, samples, prompt, per_utterance, settings.window_s)
        grouped = _grouped([(speaker, word) for word in heard], channel)
        if speaker == Speaker.PROSPECT:
            grouped, dropped = _fitting(engine, samples, grouped, plain_prospect, settings)
        segments += grouped
    return FocusedPass(
        sorted(segments, key=lambda s: s.start_s), settings, _name(engine), time.perf_counter() - started, dropped
    )


def focused_pass_mono(
    engine: AsrEngine, mix: Float32Array, turns: Sequence[Segment], settings: FocusSettings
) -> FocusedPass:
    """The mix with the disclosure prompt; words take their speaker from the transcript's turns."""
    started = time.perf_counter()
    heard = _prompted_words(engine, mix, settings.disclosure_prompt, settings.per_utterance, settings.window_s)
    words = [(_speaker_at((w.start_s + w.end_s) / 2, turns), w) for w in heard]
    return FocusedPass(_grouped(words, None), settings, _name(engine), time.perf_counter() - started)


def _name(engine: AsrEngine) -> str:
    return f"{engine.name} {engine.model} | {engine.version}"
