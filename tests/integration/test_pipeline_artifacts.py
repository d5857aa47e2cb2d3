"""Stage artifacts: stored encrypted in the vault, referenced from the stage's data, readable by later stages."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from callwarden.domain.metadata import CallMetadata
from callwarden.pipeline.runner import PipelineRunner
from callwarden.pipeline.stage import StageInput, StageOutput
from callwarden.services.ingest import ingest_file
from callwarden.services.runtime import Runtime
from callwarden.services.users import local_operator
from callwarden.store.models import Blob, StageResult
from tests.audio_fixtures import tone, write_wav

SECRET = b'{"text": "my card number is 4242 4242 4242 4242"}'


class Producer:
    name, engine, version, depends_on = "produce", "test", "1", ()

    def able_to_run(self, given: StageInput) -> bool:
        return True

    def run(self, given: StageInput) -> StageOutput:
        return StageOutput({"words": 7}, {"transcript": SECRET})

    def cleanup(self) -> None:
        pass


class Consumer:
    name, engine, version, depends_on = "consume", "test", "1", ("produce",)

    def able_to_run(self, given: StageInput) -> bool:
        return True

    def run(self, given: StageInput) -> StageOutput:
        return StageOutput({"read": given.read_artifact("transcript").decode(), "upstream": dict(given.upstream)})

    def cleanup(self) -> None:
        pass


def test_artifacts_are_encrypted_and_passed_on(rt: Runtime, tmp_path: Path) -> None:
    runner = PipelineRunner(rt.db, rt.vault, [Producer(), Consumer()])
    outcome = ingest_file(rt, local_operator(), write_wav(tmp_path / "a.wav", tone(1.0)), CallMetadata())
    with rt.db.transaction() as s:
        from callwarden.store import job_queue
        from callwarden.store.models import Job

        for job in s.execute(select(Job)).scalars():
            s.delete(job)
        job_queue.enqueue(s, outcome.call_id, "produce")
    while runner.run_one("t"):
        pass
    with rt.db.transaction() as s:
        results = {r.stage: r.output for r in s.execute(select(StageResult)).scalars()}
        (blob,) = s.execute(select(Blob).where(Blob.kind == "transcript")).scalars()
        assert blob.plaintext_sha256 == results["produce"]["artifacts"]["transcript"]["sha256"]
    assert results["produce"]["words"] == 7
    assert results["consume"]["read"] == SECRET.decode()
    assert results["consume"]["upstream"]["produce"]["artifacts"]["transcript"]["blob_id"] == blob.id
    root = Path(rt.settings.resolved_blob_url.removeprefix("file://"))
    for path in root.rglob("*"):
        if path.is_file():
            assert b"4242" not in path.read_bytes()


class Verdict:
    name, engine, version, depends_on = "verdict", "test", "1", ()

    def able_to_run(self, given: StageInput) -> bool:
        return True

    def run(self, given: StageInput) -> StageOutput:
        from callwarden.domain.audit import AuditEvent
        from callwarden.pipeline.stage import CallChanges

        return StageOutput(
            {"status": "objected"},
            call_changes=CallChanges(disclosure_status="objected", add_flags=("disclosure_objected",), restrict=True),
            audit=(AuditEvent("pipeline", "consent.recorded", "call", given.call_id, details={"status": "objected"}),),
        )

    def cleanup(self) -> None:
        pass


def test_stage_verdicts_change_the_call_and_write_audit_in_one_transaction(rt: Runtime, tmp_path: Path) -> None:
    from callwarden.services import calls as calls_service
    from callwarden.services.audit import verify_audit
    from callwarden.store import job_queue
    from callwarden.store.models import Job

    runner = PipelineRunner(rt.db, rt.vault, [Verdict()])
    outcome = ingest_file(rt, local_operator(), write_wav(tmp_path / "a.wav", tone(1.0)), CallMetadata())
    with rt.db.transaction() as s:
        for job in s.execute(select(Job)).scalars():
            s.delete(job)
        job_queue.enqueue(s, outcome.call_id, "verdict")
    assert runner.run_one("t")
    shown = calls_service.show_call(rt, local_operator(), outcome.call_id)
    assert shown["disclosure_status"] == "objected" and "disclosure_objected" in shown["flags"]
    assert "consent.recorded" in [h["action"] for h in shown["history"]]
    assert verify_audit(rt, local_operator()).ok
    listing = calls_service.list_calls(rt, local_operator())
    assert listing["total"] == 1
    from callwarden.domain.access import Actor, Role

    assert calls_service.list_calls(rt, Actor("qa", Role.QA_MANAGER))["total"] == 0, "restricted: compliance only"
