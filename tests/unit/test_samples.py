"""The shipped demo calls must stay usable: a complete sidecar each, and audio probe() accepts as stereo 8 kHz."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from callwarden.audio.probe import probe

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "callwarden" / "samples"
AUDIO = sorted(SAMPLES.glob("*.flac"))
REQUIRED = {
    "call_id",
    "agent_id",
    "campaign",
    "direction",
    "from",
    "to",
    "started_at",
    "agent_region",
    "disposition",
    "lead_id",
}


def test_there_are_five_samples_within_the_size_budget() -> None:
    assert len(AUDIO) == 5
    assert sum(path.stat().st_size for path in AUDIO) < 2 * 1024 * 1024


@pytest.mark.parametrize("audio", AUDIO, ids=[path.stem for path in AUDIO])
def test_sidecar_is_complete(audio: Path) -> None:
    meta = json.loads(audio.with_suffix(".json").read_text())
    assert set(meta) == REQUIRED
    assert meta["direction"] == "outbound"
    assert meta["from"].startswith("+1")
    assert meta["to"].startswith("+1")
    assert datetime.fromisoformat(meta["started_at"]).tzinfo is not None


def test_call_ids_are_unique() -> None:
    ids = [json.loads(path.with_suffix(".json").read_text())["call_id"] for path in AUDIO]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("audio", AUDIO, ids=[path.stem for path in AUDIO])
def test_probe_accepts_as_stereo_8khz(audio: Path) -> None:
    info = probe(audio, max_duration_s=3600, max_channels=2)
    assert (info.channels, info.sample_rate, info.codec) == (2, 8000, "flac")
    assert 20.0 <= info.duration_s <= 45.0
