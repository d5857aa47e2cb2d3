"""The consent-focused ASR pass: which audio gets which prompt, whose words they are, and how its words count
as evidence without touching the transcript."""

from __future__ import annotations

import wave
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest

from callwarden.analysis.disclosure import FOCUS_SOURCE, assess_disclosure
from callwarden.domain.disclosure import DisclosureStatus
from callwarden.domain.transcript import Segment, Speaker, Word
from callwarden.pipeline import transcription
from callwarden.pipeline.transcription import transcribe_recording
from callwarden.speech.engine import SAMPLE_RATE, AsrResult, AsrStats, Float32Array
from callwarden.speech.focus import (
    DENOISED_FLAG,
    DISCLOSURE_PROMPT,
    LINE_HEARINGS,
    LOW_BAND_FLAG,
    OBJECTION_PROMPT,
    RAISED_FLAG,
    RAISED_WARP,
    DroppedEcho,
    FocusedPass,
    FocusSettings,
    focused_pass_mono,
    focused_pass_stereo,
    hearing_of,
)
from callwarden.speech.guards import GuardStats
from callwarden.speech.speakers import ChannelRoles


def words(text: str, start: float, step: float = 0.4) -> list[Word]:
    return [Word(" " + w, start + i * step, start + i * step + 0.3, 0.9) for i, w in enumerate(text.split())]


@dataclass
class ScriptedEngine:
    """Answers each prompt with fixed words; remembers what it was asked (prompt, audio seconds) and how warped
    the spectrum was that it heard each time."""

    by_prompt: dict[str | None, list[Word]]
    prompt: str | None = None
    calls: list[tuple[str | None, float]] = field(default_factory=list)
    name: str = "scripted"
    model: str = "fake"
    version: str = "1"
    warp: float = 1.0
    warps: list[float] = field(default_factory=list)

    def prompted(self, initial_prompt: str) -> ScriptedEngine:
        return ScriptedEngine(self.by_prompt, initial_prompt, self.calls, warp=self.warp, warps=self.warps)

    def unfiltered(self) -> ScriptedEngine:
        return ScriptedEngine(self.by_prompt, None, self.calls, warp=self.warp, warps=self.warps)

    def warped(self, factor: float) -> ScriptedEngine:
        return ScriptedEngine(self.by_prompt, self.prompt, self.calls, warp=factor, warps=self.warps)

    def fit(self, audio: Float32Array, texts: list[str]) -> list[float]:
        return [0.0 for _ in texts]  # every text fits alike: nothing is an echo

    def transcribe(self, audio: Float32Array, *, offset_s: float = 0.0) -> AsrResult:
        self.calls.append((self.prompt, audio.size / SAMPLE_RATE))
        self.warps.append(self.warp)
        said = self.by_prompt.get(self.prompt, [])
        stats = AsrStats(audio.size / SAMPLE_RATE, 0.0, 0.0, 0, GuardStats())
        return AsrResult(self.name, self.model, self.version, said, [], (), stats)


def seconds(n: float) -> Float32Array:
    return np.zeros(int(n * SAMPLE_RATE), dtype=np.float32)


def test_stereo_pass_biases_each_channel_its_own_way_over_the_opening_only() -> None:
    engine = ScriptedEngine(
        {
            DISCLOSURE_PROMPT: words("this call is recorded", 2.0),
            OBJECTION_PROMPT: words("do not record me", 5.0),
        }
    )
    plain = words("do not report me", 5.0)
    result = focused_pass_stereo(engine, seconds(90), seconds(90), FocusSettings(window_s=45.0), (0, 1), plain)
    assert engine.calls == [(DISCLOSURE_PROMPT, 45.0), (OBJECTION_PROMPT, 45.0)]
    assert [(s.speaker, s.text, s.channel) for s in result.segments] == [
        (Speaker.AGENT, "this call is recorded", 0),
        (Speaker.PROSPECT, "do not record me", 1),
    ]
    assert result.describe()["window_s"] == 45.0 and "segments" not in result.describe()
    assert FocusedPass.segments_from_json(result.to_json()) == result.segments


def test_mono_words_take_the_speaker_of_the_transcript_turn_they_fall_in() -> None:
    turns = [Segment(Speaker.AGENT, 0.0, 3.0, "x"), Segment(Speaker.PROSPECT, 6.0, 8.0, "y")]
    engine = ScriptedEngine({DISCLOSURE_PROMPT: [*words("calls are recorded", 1.0), *words("stop it", 6.2)]})
    result = focused_pass_mono(engine, seconds(20), turns, FocusSettings())
    assert [(s.speaker, s.text) for s in result.segments] == [
        (Speaker.AGENT, "calls are recorded"),
        (Speaker.PROSPECT, "stop it"),
    ]


def segment(speaker: Speaker, text: str, start: float) -> Segment:
    said = tuple(words(text, start))
    return Segment(speaker, start, said[-1].end_s, text, said)


def test_focused_words_are_evidence_the_transcript_alone_lacks() -> None:
    transcript = [segment(Speaker.AGENT, "let us call it being ported for quantity", 3.0)]
    focused = [segment(Speaker.AGENT, "this call is being recorded for quality", 3.1)]
    assert assess_disclosure(transcript).verdict.status == DisclosureStatus.MISSING
    found = assess_disclosure(transcript, focused=focused)
    assert found.verdict.status == DisclosureStatus.GIVEN
    assert found.hits[0].evidence["source"] == FOCUS_SOURCE


def test_focused_objection_counts_and_says_where_it_came_from() -> None:
    transcript = [
        segment(Speaker.AGENT, "this call is recorded for quality", 1.0),
        segment(Speaker.PROSPECT, "hello do not report me", 5.0),
    ]
    focused = [segment(Speaker.PROSPECT, "hello do not record me", 5.0)]
    assert assess_disclosure(transcript).objection is None
    found = assess_disclosure(transcript, focused=focused)
    assert found.verdict.status == DisclosureStatus.OBJECTED
    assert found.objection is not None and found.objection.evidence["source"] == FOCUS_SOURCE


def heard_in(hearing: str | None, *said: Segment) -> list[Segment]:
    """Focused segments as a hearing of the pass gives them: flagged with its name, none for the first."""
    return [replace(s, flags=(hearing,)) if hearing else s for s in said]


DISCLOSED = [segment(Speaker.AGENT, "this call is recorded for quality", 1.0)]


def test_each_hearing_is_read_for_disclosures_on_its_own() -> None:
    """Two hearings' words in time order together would say "thanks for this call ... is recorded here"; neither
    hearing says a call is recorded, and the transcript does not either."""
    transcript = [segment(Speaker.AGENT, "thanks for taking the call today", 1.0)]
    focused = [
        *heard_in(None, segment(Speaker.AGENT, "thanks for taking this call", 1.0)),
        *heard_in(LOW_BAND_FLAG, segment(Speaker.AGENT, "is recorded here in the ledger", 3.0)),
    ]
    found = assess_disclosure(transcript, focused=focused)
    assert found.hits == () and found.verdict.status == DisclosureStatus.MISSING


def test_with_several_hearings_an_objection_one_hearing_alone_heard_does_not_count() -> None:
    focused = [
        *heard_in(None, *DISCLOSED, segment(Speaker.PROSPECT, "i do not record it", 3.0)),
        *heard_in(LOW_BAND_FLAG, *DISCLOSED, segment(Speaker.PROSPECT, "hi how are you recording this", 3.1)),
        *heard_in(DENOISED_FLAG, *DISCLOSED, segment(Speaker.PROSPECT, "hi how you recording this", 3.0)),
    ]
    found = assess_disclosure(DISCLOSED, focused=focused)
    assert found.objection is None and found.verdict.status == DisclosureStatus.GIVEN
    assert [o.at_s for o in found.unconfirmed] == [3.0]  # a doubt a person should listen to
    assert found.to_report()["unconfirmed_objections"][0]["evidence"]["heard_elsewhere"] == 0


def test_an_objection_two_hearings_heard_counts_from_the_first_of_them() -> None:
    focused = [
        *heard_in(None, segment(Speaker.PROSPECT, "i do not record it", 3.0)),  # an echo, alone at 3 s
        *heard_in(None, segment(Speaker.PROSPECT, "i do not want to be recorded turn it off", 9.2)),
        *heard_in(LOW_BAND_FLAG, segment(Speaker.PROSPECT, "you have one it is called recorded", 9.1)),
        *heard_in(DENOISED_FLAG, segment(Speaker.PROSPECT, "i do not want to call recorded turn it off", 9.1)),
    ]
    found = assess_disclosure(DISCLOSED, focused=focused)
    assert found.verdict.status == DisclosureStatus.OBJECTED
    assert found.objection is not None and found.objection.at_s == pytest.approx(9.1)
    assert found.objection.evidence["source"] == FOCUS_SOURCE and found.objection.evidence["heard_elsewhere"] == 1
    assert [o.at_s for o in found.unconfirmed] == [3.0]


def test_the_transcript_backs_an_objection_one_hearing_heard() -> None:
    transcript = [*DISCLOSED, segment(Speaker.PROSPECT, "do not record me", 7.0)]
    focused = [
        *heard_in(None, segment(Speaker.PROSPECT, "hold on do not record me", 6.1)),
        *heard_in(LOW_BAND_FLAG, segment(Speaker.PROSPECT, "hold on to the report", 6.0)),
    ]
    found = assess_disclosure(transcript, focused=focused)
    assert found.objection is not None and found.objection.at_s == pytest.approx(6.1)
    assert found.objection.evidence["source"] == FOCUS_SOURCE and found.objection.evidence["heard_elsewhere"] == 1


def test_focused_agent_words_never_object() -> None:
    focused = [segment(Speaker.AGENT, "please do not record me", 5.0)]
    assert assess_disclosure([], focused=focused).objection is None


def test_focused_words_of_unknown_speakers_never_object() -> None:
    focused = [segment(Speaker.UNKNOWN, "no no record so on your feet", 5.0)]
    assert assess_disclosure([], focused=focused).objection is None


# tiny.en's words in bench/consent.py, h14-objected-take-it-off: a mono stretch the voice separation left unnamed
MISHEARD = "it can not be recorded your home camera will have money"
HEARD_RIGHT = "this call is recorded your home cover is renewed next month"


def test_an_unnamed_objection_where_a_disclosure_was_heard_goes_to_a_person_not_the_verdict() -> None:
    transcript = [segment(Speaker.UNKNOWN, MISHEARD, 6.6)]
    assert assess_disclosure(transcript).verdict.status == DisclosureStatus.OBJECTED  # alone, it objects
    found = assess_disclosure(transcript, focused=[segment(Speaker.UNKNOWN, HEARD_RIGHT, 6.3)])
    assert found.verdict.status == DisclosureStatus.GIVEN and found.objection is None
    assert [o.evidence.get("heard_as_disclosure") for o in found.unconfirmed] == [True]


def test_a_named_prospects_objection_where_a_disclosure_was_heard_still_counts() -> None:
    transcript = [segment(Speaker.PROSPECT, MISHEARD, 6.6)]
    found = assess_disclosure(transcript, focused=[segment(Speaker.AGENT, HEARD_RIGHT, 6.3)])
    assert found.verdict.status == DisclosureStatus.OBJECTED and not found.unconfirmed


def test_an_unnamed_objection_after_the_disclosure_still_counts() -> None:
    transcript = [
        segment(Speaker.UNKNOWN, HEARD_RIGHT, 1.0),
        segment(Speaker.UNKNOWN, "no i do not want to be recorded", 6.5),
    ]
    found = assess_disclosure(transcript)
    assert found.verdict.status == DisclosureStatus.OBJECTED and found.objection is not None
    assert found.objection.at_s == pytest.approx(6.5)


def test_a_focused_hearings_objection_at_that_moment_keeps_the_transcripts_objection() -> None:
    transcript = [segment(Speaker.UNKNOWN, MISHEARD, 6.6)]
    focused = [
        segment(Speaker.UNKNOWN, HEARD_RIGHT, 6.3),
        segment(Speaker.PROSPECT, "do not record me", 6.8),
    ]
    found = assess_disclosure(transcript, focused=focused)
    assert found.verdict.status == DisclosureStatus.OBJECTED


@dataclass
class ClipEngine:
    """Says "recorded" at the start of every clip it is given, on the recording's clock; remembers the clips."""

    prompt: str | None = None
    clips: list[tuple[str | None, float, float]] = field(default_factory=list)
    name: str = "clips"
    model: str = "fake"
    version: str = "1"

    def prompted(self, initial_prompt: str) -> ClipEngine:
        return ClipEngine(initial_prompt, self.clips)

    def unfiltered(self) -> ClipEngine:
        return ClipEngine(None, self.clips)

    def fit(self, audio: Float32Array, texts: list[str]) -> list[float]:
        return [0.0 for _ in texts]

    def transcribe(self, audio: Float32Array, *, offset_s: float = 0.0) -> AsrResult:
        self.clips.append((self.prompt, offset_s, audio.size / SAMPLE_RATE))
        said = [Word(" recorded", offset_s + 0.1, offset_s + 0.5, 0.9)]
        return AsrResult(self.name, self.model, self.version, said, [], (), AsrStats(0.0, 0.0, 0.0, 0, GuardStats()))


def speech_at(total_s: float, *spans: tuple[float, float]) -> Float32Array:
    rng = np.random.default_rng(0)
    audio = rng.normal(0, 1e-4, int(total_s * SAMPLE_RATE))
    t = np.arange(audio.size) / SAMPLE_RATE
    for start, end in spans:
        inside = (t >= start) & (t < end)
        audio[inside] += 0.3 * (0.55 + 0.45 * np.sin(2 * np.pi * 4 * t[inside])) * rng.normal(0, 1, int(inside.sum()))
    return audio.astype(np.float32)


def test_the_agent_side_is_decoded_utterance_by_utterance_and_the_prospect_side_whole() -> None:
    """Each agent utterance gets the disclosure prompt's bias (a prompt steers the start of a window most)."""
    engine = ClipEngine()
    agent = speech_at(60, (1.0, 3.0), (6.0, 9.0))
    result = focused_pass_stereo(engine, agent, speech_at(60, (4.0, 5.0)), FocusSettings(window_s=45.0), (0, 1))
    disclosure = [(start, length) for prompt, start, length in engine.clips if prompt == DISCLOSURE_PROMPT]
    assert len(disclosure) == 2
    (first, first_len), (second, second_len) = disclosure
    assert abs(first - 0.7) < 0.15 and abs(first_len - 2.6) < 0.3
    assert abs(second - 5.7) < 0.15 and abs(second_len - 3.6) < 0.3
    assert [(p, length) for p, _, length in engine.clips if p == OBJECTION_PROMPT] == [(OBJECTION_PROMPT, 45.0)]
    agent_words = [w.start_s for s in result.segments if s.speaker is Speaker.AGENT for w in s.words]
    assert agent_words == [first + 0.1, second + 0.1], "words come back on the recording's clock"
    assert result.describe()["per_utterance"] is True


def test_per_utterance_off_decodes_the_opening_as_one() -> None:
    engine = ClipEngine()
    settings = FocusSettings(per_utterance=False)
    focused_pass_mono(engine, speech_at(30, (1.0, 3.0), (6.0, 9.0)), [], settings)
    assert [(p, start, length) for p, start, length in engine.clips] == [(DISCLOSURE_PROMPT, 0.0, 30.0)]


@dataclass
class FittingEngine(ScriptedEngine):
    """A scripted engine that also scores texts against audio: each text's fit is looked up; unknown texts 0."""

    fits: dict[str, float] = field(default_factory=dict)
    fitted: list[tuple[float, list[str]]] = field(default_factory=list)

    def prompted(self, initial_prompt: str) -> FittingEngine:
        return FittingEngine(self.by_prompt, initial_prompt, self.calls, fits=self.fits, fitted=self.fitted)

    def unfiltered(self) -> FittingEngine:
        return FittingEngine(self.by_prompt, None, self.calls, fits=self.fits, fitted=self.fitted)

    def fit(self, audio: Float32Array, texts: list[str]) -> list[float]:
        self.fitted.append((audio.size / SAMPLE_RATE, list(texts)))
        return [self.fits.get(text, 0.0) for text in texts]


def echo_engine(focused_fit: float) -> FittingEngine:
    return FittingEngine(
        {
            DISCLOSURE_PROMPT: words("this call is recorded", 2.0),
            OBJECTION_PROMPT: words("please do not record me", 5.0),
        },
        fits={"please do not record me": focused_fit, "where do the cruises go": -1.9},
    )


def test_a_prospect_segment_that_fits_its_sound_far_worse_than_the_plain_words_is_dropped() -> None:
    """The objection prompt repeated over a question the model could not make out: read out unprompted, its
    words fit the audio 2.5 nats a token worse than the plain pass's, so they are no evidence; the drop is
    recorded (when, in the decision inputs; what, in the stored pass)."""
    engine = echo_engine(-4.4)
    plain = words("where do the cruises go", 5.0)
    result = focused_pass_stereo(engine, seconds(60), seconds(60), FocusSettings(), (0, 1), plain)
    assert [(s.speaker, s.text) for s in result.segments] == [(Speaker.AGENT, "this call is recorded")]
    [(clip_s, texts)] = engine.fitted
    assert texts == ["please do not record me", "where do the cruises go"]
    assert clip_s == pytest.approx(1.9 + 1.0, abs=0.01)  # the segment (1.9 s) and half a second each side
    assert result.describe()["dropped_echoes"] == [[5.0, 6.9]]
    assert result.to_json()["dropped"] == [
        {
            "start_s": 5.0,
            "end_s": 6.9,
            "reason": "fit",
            "compared_with": "plain",
            "fit": -4.4,
            "plain_fit": -1.9,
            "hearing": "as_recorded",
        }
    ]  # no words: they would escape the card-data purge
    assert assess_disclosure([], focused=result.segments).objection is None


def test_a_prospect_segment_within_the_margin_stays() -> None:
    near = focused_pass_stereo(
        echo_engine(-3.0), seconds(60), seconds(60), FocusSettings(), (0, 1), words("where do the cruises go", 5.0)
    )
    assert [s.text for s in near.segments] == ["this call is recorded", "please do not record me"]
    assert near.describe()["dropped_echoes"] == []


def test_without_plain_words_the_stretch_is_decoded_unprompted_to_compare_with() -> None:
    """The plain pass kept nothing there: what the model hears without the prompt is the comparison, and when it
    hears nothing, the prompt's words go (the agent side is never checked)."""
    unheard = echo_engine(-1.0)
    alone = focused_pass_stereo(unheard, seconds(60), seconds(60), FocusSettings(), (0, 1), ())
    assert [s.text for s in alone.segments] == ["this call is recorded"]
    assert [texts for _, texts in unheard.fitted] == [["please do not record me"]]
    assert alone.to_json()["dropped"][0] | {"fit": 0} == {
        "start_s": 5.0,
        "end_s": 6.9,
        "reason": "unheard",
        "compared_with": None,
        "fit": 0,
        "plain_fit": None,
        "hearing": "as_recorded",
    }
    assert unheard.calls[-1] == (None, pytest.approx(2.9, abs=0.01))  # the stretch, decoded with no prompt

    heard = echo_engine(-2.0)
    heard.by_prompt[None] = words("where do the cruises go", 0.2)
    kept = focused_pass_stereo(heard, seconds(60), seconds(60), FocusSettings(), (0, 1), ())
    assert [s.text for s in kept.segments] == ["this call is recorded", "please do not record me"]
    assert [texts for _, texts in heard.fitted] == [["please do not record me", "where do the cruises go"]]

    worse = echo_engine(-4.4)
    worse.by_prompt[None] = words("where do the cruises go", 0.2)
    gone = focused_pass_stereo(worse, seconds(60), seconds(60), FocusSettings(), (0, 1), ())
    assert [(d.reason, d.compared_with) for d in gone.dropped] == [("fit", "unprompted")]


def test_a_prospect_segment_that_says_a_piece_of_the_prompt_over_and_over_is_dropped() -> None:
    """The prompt looping ("consent. I do not consent. I do not consent.") goes even when it fits no worse than
    the garbled plain words there; an objection that repeats no four prompt words stays."""
    looping = FittingEngine(
        {OBJECTION_PROMPT: words("consent. I do not consent. I do not consent.", 11.6)},
        fits={"consent. I do not consent. I do not consent.": -1.0},
    )
    plain = words("and say I am going to open on you", 11.6)
    result = focused_pass_stereo(looping, seconds(60), seconds(60), FocusSettings(), (0, 1), plain)
    assert result.segments == [] and [d.reason for d in result.dropped] == ["loop"]
    assert looping.fitted == []  # dropped before any scoring
    honest = FittingEngine({OBJECTION_PROMPT: words("I do not want to be recorded, I do not consent", 5.0)})
    kept = focused_pass_stereo(honest, seconds(60), seconds(60), FocusSettings(), (0, 1), words("I do not", 5.0))
    assert [s.text for s in kept.segments] == ["I do not want to be recorded, I do not consent"]


@pytest.mark.parametrize(
    ("said", "dropped"),
    [
        ("Stop recording. Stop recording. Stop recording. Stop recording.", True),
        ("Stop recording. Stop recording. Stop recording.", True),
        ("Stop recording, stop recording! I said no.", False),
        ("No, stop recording. I do not consent.", False),
    ],
)
def test_a_short_piece_of_the_prompt_said_three_times_is_a_loop(said: str, dropped: bool) -> None:
    """Two prompt words over and over (no four in a row twice) are the prompt looping; said twice, a person."""
    engine = FittingEngine({OBJECTION_PROMPT: words(said, 11.0)}, fits={said: 0.0})
    result = focused_pass_stereo(engine, seconds(60), seconds(60), FocusSettings(), (0, 1), words("sorry", 11.0))
    assert [d.reason for d in result.dropped] == (["loop"] if dropped else [])
    assert [s.text for s in result.segments if s.speaker == Speaker.PROSPECT] == ([] if dropped else [said])


def test_later_hearings_are_flagged_with_their_names_and_join_the_first() -> None:
    settings = FocusSettings()
    first = FocusedPass([Segment(Speaker.AGENT, 4.0, 5.0, "this call is being ported")], settings, "e", 1.0)
    echo = Segment(Speaker.PROSPECT, 6.0, 7.0, "do not record me")
    second = FocusedPass(
        [Segment(Speaker.AGENT, 2.0, 3.0, "this call is being recorded")],
        settings,
        "e",
        2.0,
        [DroppedEcho(echo, "fit", "plain", -4.0, -1.0)],
    )
    third = FocusedPass([Segment(Speaker.PROSPECT, 8.0, 9.0, "okay")], settings, "e", 0.5)
    joined = first.joined(second, LOW_BAND_FLAG).joined(third, DENOISED_FLAG)
    assert [s.start_s for s in joined.segments] == [2.0, 4.0, 8.0]
    assert [hearing_of(s) for s in joined.segments] == [LOW_BAND_FLAG, "as_recorded", DENOISED_FLAG]
    assert joined.compute_s == 3.5 and joined.hearings == ("as_recorded", LOW_BAND_FLAG, DENOISED_FLAG)
    assert joined.describe()["hearings"] == ["as_recorded", LOW_BAND_FLAG, DENOISED_FLAG]
    assert joined.describe()["dropped_echoes"] == [[6.0, 7.0]]
    assert [d.to_dict()["hearing"] for d in joined.dropped] == [LOW_BAND_FLAG]
    verdict = assess_disclosure([], focused=joined.segments).verdict
    assert verdict.status == DisclosureStatus.GIVEN and verdict.at_s == pytest.approx(2.0, abs=0.5)


def test_an_unknown_hearing_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'treble'"):
        FocusSettings(line_hearings=(LOW_BAND_FLAG, "treble"))


def _line_recording(path: Path, rate: int) -> Path:
    """Three seconds of two noisy channels at `rate` (what the scripted engine hears does not depend on it)."""
    samples = (np.random.default_rng(5).standard_normal((rate * 3, 2)) * 3000).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


@pytest.mark.parametrize(
    ("rate", "settings", "hearings"),
    [
        (8000, FocusSettings(), ("as_recorded", LOW_BAND_FLAG, DENOISED_FLAG)),
        (8000, FocusSettings(line_hearings=LINE_HEARINGS), ("as_recorded", LOW_BAND_FLAG, DENOISED_FLAG, RAISED_FLAG)),
        (16000, FocusSettings(), ("as_recorded",)),
        (8000, FocusSettings(line_hearings=(LOW_BAND_FLAG,)), ("as_recorded", LOW_BAND_FLAG)),
        (8000, FocusSettings(line_hearings=(RAISED_FLAG,)), ("as_recorded", RAISED_FLAG)),
        (8000, FocusSettings(line_hearings=()), ("as_recorded",)),
    ],
)
def test_only_a_phone_line_recording_is_heard_again(
    tmp_path: Path, rate: int, settings: FocusSettings, hearings: tuple[str, ...]
) -> None:
    engine = ScriptedEngine({DISCLOSURE_PROMPT: words("this call is recorded", 1.0)})
    path = _line_recording(tmp_path / f"call-{rate}.wav", rate)
    result = transcribe_recording(path, engine, ChannelRoles.vicidial(), focus=settings)
    assert result.focused is not None and result.focused.hearings == hearings
    assert sorted(hearing_of(s) for s in result.focused.segments) == sorted(hearings)
    assert [prompt for prompt, _ in engine.calls].count(DISCLOSURE_PROMPT) == len(hearings)
    # the raised hearing, and it alone, decodes with the spectrum raised
    raised = [warp for (prompt, _), warp in zip(engine.calls, engine.warps, strict=True) if prompt == DISCLOSURE_PROMPT]
    assert raised.count(RAISED_WARP) == (RAISED_FLAG in hearings) and set(raised) <= {1.0, RAISED_WARP}


def test_only_the_opening_the_pass_hears_is_treated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: dict[str, list[int]] = {"restore_low_band": [], "reduce_noise": []}

    def measuring(name: str) -> Callable[..., Float32Array]:
        treat = getattr(transcription, name)

        def measured(samples: Float32Array, *args: Any) -> Float32Array:
            sizes[name].append(samples.size)
            return cast(Float32Array, treat(samples, *args))

        return measured

    for name in sizes:
        monkeypatch.setattr(transcription, name, measuring(name))
    engine = ScriptedEngine({DISCLOSURE_PROMPT: words("this call is recorded", 0.2)})
    path = _line_recording(tmp_path / "call.wav", 8000)  # three seconds
    transcribe_recording(path, engine, ChannelRoles.vicidial(), focus=FocusSettings(window_s=1.0))
    opening = 2 * SAMPLE_RATE  # the 1 s window and a second of padding
    assert sizes == {"restore_low_band": [opening] * 4, "reduce_noise": [opening] * 2}  # two hearings, two channels
