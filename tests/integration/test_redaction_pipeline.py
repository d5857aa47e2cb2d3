"""Redaction through the whole pipeline, ASR in the loop: a prospect reads a card number and its security code.

Checks what people see (redacted transcript, pii spans), what they hear (the derivative is tone where the card
was), what is kept (the original is a new blob without the card, the old one shredded, both hashes in a
verifiable audit chain) and that a leak fails closed (review flag, compliance-only playback, review queue).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from callwarden.audio.decode import decode_channels
from callwarden.config import Settings
from callwarden.domain.access import Actor, Role
from callwarden.domain.metadata import parse_metadata
from callwarden.domain.transcript import Speaker
from callwarden.pipeline import redaction_check
from callwarden.services import calls as calls_service
from callwarden.services.audit import verify_audit
from callwarden.services.errors import NotFound, PermissionDenied
from callwarden.services.ingest import ingest_file
from callwarden.services.pipeline import run_pending
from callwarden.services.runtime import Runtime
from callwarden.speech.engine import SAMPLE_RATE
from callwarden.store.models import Blob
from tests.synth import CallSpec, SynthCall, Turn, make_call, tools_missing

A, P = Speaker.AGENT, Speaker.PROSPECT
COMPLIANCE = Actor("cathy", Role.COMPLIANCE)
ADMIN = Actor("root", Role.ADMIN)
QA = Actor("quinn", Role.QA_MANAGER)
AGENT = Actor("mark", Role.AGENT, agent_id="mark.t")
CARD_CALL = CallSpec(
    name="card-payment",
    turns=(
        Turn(A, "Hello, this is Mark from Sunrise Solar. This call is recorded for quality and training."),
        Turn(P, "Hi Mark, okay."),
        Turn(A, "Can I take your card number for the deposit please?"),
        Turn(P, "Sure, it is four five three two, zero one five one, one two eight three, zero three six six."),
        Turn(A, "Thank you. And the security code on the back?"),
        Turn(P, "Seven three nine."),
        Turn(A, "Great, you are all set. Have a nice day."),
    ),
)
META = {
    "agent_id": "mark.t",
    "campaign": "SOLAR24",
    "direction": "outbound",
    "from": "+15125550100",
    "to": "+15125550188",
    "started_at": "2026-11-02T17:10:00Z",
    "agent_region": "US-TX",
}
DIGITS = re.compile(r"\d|\b(?:zero|one|two|three|four|five|six|seven|eight|nine)\b", re.IGNORECASE)


def card_data_shown(segments: list[dict[str, Any]]) -> list[str]:
    """Digits the prospect said, and any group of the card number or its code anywhere (the agent's own words may
    hold a number: ASR heard "the three digit code" as "the 50 already code")."""
    prospect = " ".join(s["text"] for s in segments if s["speaker"] == "prospect")
    digits = re.sub(r"\D", "", " ".join(s["text"] for s in segments))
    return re.findall(r"\d", prospect) + [g for g in ("4532", "0151", "1283", "0366", "739") if g in digits]


@pytest.fixture(scope="module")
def card_call(tmp_path_factory: pytest.TempPathFactory) -> SynthCall:
    missing = tools_missing(CARD_CALL)
    if missing:
        pytest.skip(f"synthetic calls need {', '.join(missing)}")
    return make_call(CARD_CALL, tmp_path_factory.mktemp("card"), seed=1)


def _ingest_and_run(rt: Runtime, call: SynthCall) -> str:
    meta = parse_metadata(META, default_region="US")
    call_id = ingest_file(rt, ADMIN, call.path, meta).call_id
    run_pending(rt, ADMIN)
    return call_id


def _read(opened: tuple[Any, str, int]) -> bytes:
    reader, _, _ = opened
    with reader:
        data: bytes = reader.read()
    return data


RATE = CARD_CALL.sample_rate  # decoded at the recording's own rate, samples compare exactly


def _decode(data: bytes | Path) -> np.ndarray:
    return decode_channels(io.BytesIO(data) if isinstance(data, bytes) else data, target_rate=RATE).samples


def _rms(samples: np.ndarray, start_s: float, end_s: float) -> float:
    part = samples[int(start_s * RATE) : int(end_s * RATE)]
    return float(np.sqrt(np.mean(np.square(part.astype(np.float64)))))


def test_card_call_is_redacted_everywhere_and_stays_verifiable(rt: Runtime, card_call: SynthCall, engine: Any) -> None:
    call_id = _ingest_and_run(rt, card_call)
    shown = calls_service.show_call(rt, COMPLIANCE, call_id)
    assert shown["status"] == "done", shown
    report = shown["report"]

    # what people read
    assert report["segments"], report
    text = " ".join(segment["text"] for segment in report["segments"])
    assert "[CREDIT_CARD]" in text
    assert not card_data_shown(report["segments"]), text
    types = {span["type"] for span in report["pii"]}
    assert "CREDIT_CARD" in types
    card = next(span for span in report["pii"] if span["type"] == "CREDIT_CARD")
    truth = next(t for t in card_call.turns if "four five" in t.text)
    assert card["speaker"] == "prospect"
    assert card["start_s"] <= truth.start_s + 1.5 and card["end_s"] >= truth.end_s - 1.5

    # what people hear: the derivative is a tone on the prospect's channel where the card was read
    prospect = card_call.channel_of[P]
    derivative = _decode(_read(calls_service.open_redacted_audio(rt, COMPLIANCE, call_id)))
    before = _decode(card_call.path)
    inside = (max(card["start_s"], truth.start_s), min(card["end_s"], truth.end_s))
    tone = derivative[prospect]
    assert abs(_rms(tone, *inside) - 10 ** (-18 / 20) * np.sqrt(0.5)) < 0.03, "a steady -18 dBFS tone"
    first, last = int(inside[0] * RATE), int(inside[1] * RATE)
    spectrum = np.abs(np.fft.rfft(tone[first:last]))
    assert np.fft.rfftfreq(last - first, 1 / RATE)[int(np.argmax(spectrum))] == pytest.approx(1000, abs=5)
    agent = 1 - prospect
    # Each channel is sample-identical outside its own windows. The agent's channel has none unless the ASR put
    # PII in the agent's mouth (tiny.en once heard "the security code" as a name), and then only over that span.
    agent_spans = [(s["start_s"], s["end_s"]) for s in report["pii"] if s["speaker"] == "agent"]
    for channel in (prospect, agent):
        kept = np.ones(before.shape[1], bool)
        for window in report["redaction"]["windows"]:
            if window["channel"] in (channel, None):
                kept[int(window["start_s"] * RATE) : int(np.ceil(window["end_s"] * RATE))] = False
                if channel == agent and window["channel"] == agent:
                    assert any(a < window["end_s"] and window["start_s"] < b for a, b in agent_spans), window
        assert np.array_equal(derivative[channel][kept], before[channel][kept]), "sample-identical outside windows"

    # what is kept: a new original without the card, the old one shredded, both hashes in the audit chain
    with rt.db.transaction() as session:
        originals = (
            session.execute(
                select(Blob).where(Blob.call_id == call_id, Blob.kind == "original").order_by(Blob.created_at)
            )
            .scalars()
            .all()
        )
        assert len(originals) == 2
        old, new = originals
        assert old.shredded_at is not None and old.data_key_id is None
        assert new.shredded_at is None and new.media_type == "audio/flac"
        old_sha, new_sha = old.plaintext_sha256, new.plaintext_sha256
    assert old_sha == shown["sha256"], "the call keeps its identity for dedupe"
    assert new_sha != old_sha
    pci = [h for h in shown["history"] if h["action"] == "recording.pci_redacted"]
    assert len(pci) == 1
    details = pci[0]["details"]
    assert (details["previous_sha256"], details["sha256"]) == (old_sha, new_sha)
    assert any(e["type"] == "CREDIT_CARD" and e["channel"] == prospect for e in details["redaction_map"])
    assert verify_audit(rt, COMPLIANCE).ok

    # the stored transcript later stages read keeps no card digits either; the one that held them is shredded
    with rt.db.transaction() as session:
        transcripts = (
            session.execute(
                select(Blob).where(Blob.call_id == call_id, Blob.kind == "transcript").order_by(Blob.created_at)
            )
            .scalars()
            .all()
        )
        assert [blob.shredded_at is None for blob in transcripts] == [False, True]
        with rt.vault.open(session, transcripts[-1]) as reader:
            kept_transcript = json.loads(reader.read())
    in_card = [
        word["text"]
        for segment in kept_transcript["segments"]
        if segment["speaker"] == "prospect"
        for word in segment["words"]
        if word["end_s"] > card["start_s"] and word["start_s"] < card["end_s"]
    ]
    assert in_card and set(in_card) == {"[CREDIT_CARD]"}, in_card
    purged = [h["details"] for h in shown["history"] if h["action"] == "transcript.card_data_purged"]
    assert "transcript" in {entry["artifact"] for entry in purged}
    assert all(entry["previous_sha256"] != entry["sha256"] for entry in purged)

    stored = _read(calls_service.open_original_audio(rt, COMPLIANCE, call_id, "test"))
    original = _decode(stored)
    assert original.shape == before.shape
    assert _rms(original[prospect], *inside) == 0.0, "card data silenced in the stored original"
    assert np.array_equal(original[agent], before[agent]), "lossless outside the card"
    at_16k = decode_channels(io.BytesIO(stored), target_rate=SAMPLE_RATE).samples[prospect]
    start, end = int(card["start_s"] * SAMPLE_RATE), int(card["end_s"] * SAMPLE_RATE)
    heard = engine.transcribe(np.ascontiguousarray(at_16k[start:end])).text
    assert not DIGITS.search(heard), heard

    # the self-check ran and heard nothing; the call is not in the review queue
    check = report["redaction"]["self_check"]
    assert check["windows_checked"] >= 1 and check["leaks_found"] == 0
    assert "redaction_review" not in shown["flags"]
    queue = calls_service.list_calls(rt, COMPLIANCE, calls_service.CallFilter(flag="redaction_review"))
    assert queue["total"] == 0


def test_a_leak_heard_by_the_self_check_fails_closed(
    rt: Runtime, card_call: SynthCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The self-check hears digits (here: told it did) → review flag, restriction, compliance-only audio, queue."""
    monkeypatch.setattr(redaction_check, "audible_pii", lambda text, redacted=None: ["digits"])
    call_id = _ingest_and_run(rt, card_call)
    shown = calls_service.show_call(rt, COMPLIANCE, call_id)
    assert "redaction_review" in shown["flags"]
    assert shown["report"]["redaction"]["self_check"]["leaks_found"] >= 1
    assert any(h["action"] == "redaction.review_required" for h in shown["history"])

    assert _read(calls_service.open_redacted_audio(rt, COMPLIANCE, call_id))
    for actor in (AGENT, QA, ADMIN):
        with pytest.raises((PermissionDenied, NotFound)):
            calls_service.open_redacted_audio(rt, actor, call_id)
    assert call_id not in {item["id"] for item in calls_service.list_calls(rt, QA)["items"]}

    queue = calls_service.list_calls(rt, COMPLIANCE, calls_service.CallFilter(flag="redaction_review"))
    assert [item["id"] for item in queue["items"]] == [call_id]
    assert calls_service.list_calls(rt, COMPLIANCE, calls_service.CallFilter(flag="redaction"))["total"] == 0


def test_segments_are_withheld_until_the_pii_stage_has_run(rt: Runtime, card_call: SynthCall) -> None:
    """Fail closed: a transcript exists but was not redacted yet → no text at all, and a reason."""
    from callwarden.services.pipeline import run_pending as run

    meta = parse_metadata(META, default_region="US")
    call_id = ingest_file(rt, ADMIN, card_call.path, meta).call_id
    stages = rt.runner.stages
    pii_at = [stage.name for stage in stages].index("pii")
    rt.runner.stages = stages[:pii_at]  # stop before pii, as a worker would be between two jobs
    rt.runner._by_name = {stage.name: stage for stage in rt.runner.stages}
    try:
        run(rt, ADMIN)
    finally:
        rt.runner.stages = stages
        rt.runner._by_name = {stage.name: stage for stage in stages}
    report = calls_service.show_call(rt, COMPLIANCE, call_id)["report"]
    assert report["transcription"] and not report["transcription"].get("skipped")
    assert report["segments"] is None
    assert "not redacted yet" in report["segments_withheld"]
    assert report["pii"] is None
    with pytest.raises(NotFound, match="no redacted audio yet"):
        calls_service.open_redacted_audio(rt, COMPLIANCE, call_id)


def test_analyze_reports_redacted_text_and_writes_silent_card_audio(card_call: SynthCall, tmp_path: Path) -> None:
    from callwarden.services.analyze import analyze_file
    from callwarden.services.errors import InvalidInput

    settings = Settings(home=tmp_path / "unused", redaction_fill="silence")
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "redacted.wav"
    report = analyze_file(settings, card_call.path, parse_metadata(META, default_region="US"), (), out)
    text = " ".join(segment["text"] for segment in report["segments"])
    assert "[CREDIT_CARD]" in text and not card_data_shown(report["segments"]), text
    assert any(span["type"] == "CREDIT_CARD" and span["speaker"] == "prospect" for span in report["pii"])
    truth = next(t for t in card_call.turns if "four five" in t.text)
    card = next(span for span in report["pii"] if span["type"] == "CREDIT_CARD")
    written = _decode(out)
    prospect = card_call.channel_of[P]
    assert _rms(written[prospect], max(card["start_s"], truth.start_s), min(card["end_s"], truth.end_s)) == 0.0
    assert _rms(written[1 - prospect], 0.5, 5.0) > 0.01, "the agent is still heard"
    assert [p.name for p in out.parent.iterdir()] == ["redacted.wav"], "no temporary file left"

    with pytest.raises(InvalidInput, match=re.escape(str(tmp_path / "nope" / "x.wav"))):
        analyze_file(settings, card_call.path, None, (), tmp_path / "nope" / "x.wav")
