"""META.json validation: every bad value is an error naming its field; numbers come out in E.164."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callwarden.domain.metadata import CallMetadata, MetadataError, parse_metadata, parse_metadata_json


def parse(raw: dict[str, object], tz: str = "UTC") -> CallMetadata:
    return parse_metadata(raw, default_region="US", dialer_timezone=tz)


def test_full_metadata_is_normalised() -> None:
    meta = parse(
        {
            "call_id": "V123",
            "agent_id": "a-7",
            "campaign": "solar",
            "direction": "Outbound",
            "from": "(415) 555-2671",
            "to": "+44 20 7946 0958",
            "started_at": "2026-11-02T15:04:05Z",
            "agent_region": "US-TX",
            "lead_id": 991,
        }
    )
    assert meta.from_number == "+14155552671"
    assert meta.to_number == "+442079460958"
    assert meta.direction == "outbound"
    assert meta.started_at == datetime(2026, 11, 2, 15, 4, 5, tzinfo=UTC)
    assert meta.lead_id == "991"


def test_naive_time_is_read_in_dialer_zone() -> None:
    meta = parse({"started_at": "2026-07-01 09:00:00"}, tz="America/New_York")
    assert meta.started_at == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"from": "not-a-number"}, "from"),
        ({"to": "12"}, "to"),
        ({"to": ""}, "to"),
        ({"direction": "sideways"}, "direction"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"started_at": "1800-01-01T00:00:00Z"}, "started_at"),
        ({"agent_id": ["a"]}, "agent_id"),
        ({"duration_s": "long"}, "duration_s"),
        ({"duration_s": -5}, "duration_s"),
    ],
)
def test_bad_values_name_their_field(raw: dict[str, object], field: str) -> None:
    with pytest.raises(MetadataError, match=field):
        parse(raw)


def test_invalid_json_is_reported_with_position() -> None:
    with pytest.raises(MetadataError, match=r"not valid JSON.*line 1"):
        parse_metadata_json("{nope", default_region="US")
    with pytest.raises(MetadataError, match="JSON object"):
        parse_metadata_json("[1, 2]", default_region="US")


def test_unassigned_but_possible_numbers_are_flagged_not_refused() -> None:
    meta = parse({"from": "+15550100123"})
    assert meta.from_number == "+15550100123"
    assert "from_number_unassigned" in meta.flags


def test_claimed_duration_from_end_time() -> None:
    meta = parse({"started_at": "2026-11-02T15:00:00Z", "ended_at": "2026-11-02T15:23:00Z"})
    assert meta.claimed_duration_s == 23 * 60


@pytest.mark.parametrize("name", ["duration_s", "duration", "billsec", "length_in_sec"])
def test_claimed_duration_under_the_names_dialers_use(name: str) -> None:
    assert parse({name: "1380"}).claimed_duration_s == 1380.0


def test_merge_prefers_the_more_specific_source_and_keeps_extras() -> None:
    sidecar = parse({"agent_id": "a-1", "dialer_field": "x"})
    hints = parse({"agent_id": "a-2", "to": "+14155552671"})
    merged = sidecar.merged_over(hints)
    assert merged.agent_id == "a-1" and merged.to_number == "+14155552671"
    assert merged.extra == {"dialer_field": "x"}
