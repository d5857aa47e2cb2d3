"""Calling hours in the prospect's local time: window edges, multi-zone regions, Canada's weekends, DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callwarden.analysis.jurisdiction import call_hours_verdicts, calling_hours_violation, resolve_jurisdiction
from callwarden.rules.loader import Rules, load_shipped_rules


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_shipped_rules()


def local(zone: str, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A wall-clock time in ``zone`` as the UTC instant a dialer would log."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


NY = "America/New_York"
# Wednesday 14 January 2026 (standard time) and Wednesday 15 July 2026 (daylight time).
WINTER, SUMMER = (2026, 1, 14), (2026, 7, 15)


@pytest.mark.parametrize(("hour", "minute", "allowed"), [(7, 59, False), (8, 0, True), (20, 59, True), (21, 0, False)])
@pytest.mark.parametrize("day", [WINTER, SUMMER])
def test_federal_window_edges(rules: Rules, day: tuple[int, int, int], hour: int, minute: int, allowed: bool) -> None:
    verdict = calling_hours_violation(local(NY, *day, hour, minute), "US-NY", rules)
    if allowed:
        assert verdict is None
    else:
        assert verdict is not None and verdict.status == "violation"
        assert verdict.rules == ("US",)
        assert "64.1200(c)(1)" in (verdict.source or "")
        assert "08:00-21:00" in (verdict.window or "")
        (at,) = verdict.local_times
        assert (at.zone, at.local.hour, at.local.minute) == (NY, hour, minute)


@pytest.mark.parametrize("state", ["US-OK", "US-FL"])
def test_florida_and_oklahoma_end_at_20(rules: Rules, state: str) -> None:
    zone = "America/Chicago"  # both states have Central time; FL also Eastern (checked below)
    assert calling_hours_violation(local(zone, *WINTER, 18, 59), state, rules) is None
    verdict = calling_hours_violation(local(zone, *WINTER, 20, 0), state, rules)
    assert verdict is not None and verdict.status == "violation" and state in verdict.rules
    assert "08:00-20:00" in (verdict.window or "")
    assert calling_hours_violation(local(zone, *WINTER, 20, 0), "US-TX", rules) is None  # federal only in Texas


def test_florida_is_checked_in_both_its_zones(rules: Rules) -> None:
    # 08:30 in Miami is 07:30 in the Panhandle: too early there.
    early = calling_hours_violation(local(NY, *WINTER, 8, 30), "US-FL", rules)
    assert early is not None and early.status == "violation"
    zones = {t.zone: t for t in early.local_times}
    assert zones["America/New_York"].allowed and not zones["America/Chicago"].allowed
    assert zones["America/Chicago"].local.hour == 7
    # 19:59 Eastern is 18:59 Central: fine in both; 20:00 Eastern is too late in Miami.
    assert calling_hours_violation(local(NY, *WINTER, 19, 59), "US-FL", rules) is None
    late = calling_hours_violation(local(NY, *WINTER, 20, 0), "US-FL", rules)
    assert late is not None and not {t.zone: t for t in late.local_times}["America/New_York"].allowed


def test_texas_is_checked_in_central_and_mountain(rules: Rules) -> None:
    central = "America/Chicago"
    early = calling_hours_violation(local(central, *SUMMER, 8, 30), "US-TX", rules)  # 07:30 in El Paso
    assert early is not None and {t.zone for t in early.local_times if not t.allowed} == {"America/Denver"}
    assert calling_hours_violation(local(central, *SUMMER, 9, 0), "US-TX", rules) is None
    assert calling_hours_violation(local(central, *SUMMER, 20, 59), "US-TX", rules) is None
    late = calling_hours_violation(local(central, *SUMMER, 21, 0), "US-TX", rules)
    assert late is not None and {t.zone for t in late.local_times if not t.allowed} == {central}


WINNIPEG = "America/Winnipeg"
# Friday 13 and Saturday 14 November 2026.
FRIDAY, SATURDAY, SUNDAY = (2026, 11, 13), (2026, 11, 14), (2026, 11, 15)


@pytest.mark.parametrize(
    ("day", "hour", "minute", "allowed"),
    [
        (FRIDAY, 8, 59, False),
        (FRIDAY, 9, 0, True),
        (FRIDAY, 21, 29, True),
        (FRIDAY, 21, 30, False),
        (SATURDAY, 9, 30, False),
        (SATURDAY, 10, 0, True),
        (SATURDAY, 17, 59, True),
        (SATURDAY, 18, 0, False),
        (SUNDAY, 12, 0, True),
        (SUNDAY, 19, 0, False),
    ],
)
def test_canada_weekdays_and_weekends(
    rules: Rules, day: tuple[int, int, int], hour: int, minute: int, allowed: bool
) -> None:
    verdict = calling_hours_violation(local(WINNIPEG, *day, hour, minute), "CA-MB", rules)
    assert (verdict is None) is allowed
    if verdict is not None:
        assert verdict.rules == ("CA",) and "CRTC" in (verdict.source or "")


def test_ontario_is_checked_in_eastern_and_central(rules: Rules) -> None:
    # Friday 21:00 in Toronto is 20:00 in Kenora: fine; Saturday 17:30 Toronto is 16:30 Kenora: fine.
    assert calling_hours_violation(local("America/Toronto", *FRIDAY, 21, 0), "CA-ON", rules) is None
    assert calling_hours_violation(local("America/Toronto", *SATURDAY, 17, 30), "CA-ON", rules) is None
    # Saturday 10:30 Toronto is 09:30 in Kenora: too early on a weekend.
    verdict = calling_hours_violation(local("America/Toronto", *SATURDAY, 10, 30), "CA-ON", rules)
    assert verdict is not None and not {t.zone: t for t in verdict.local_times}[WINNIPEG].allowed


# 2026: DST starts Sunday 8 March, ends Sunday 1 November (US and Canada).
@pytest.mark.parametrize(
    ("moment", "region", "allowed", "local_hour"),
    [
        # Eastern: 12:30 UTC is 07:30 EST before the switch and 08:30 EDT after it.
        (utc(2026, 3, 6, 12, 30), "US-NY", False, 7),
        (utc(2026, 3, 9, 12, 30), "US-NY", True, 8),
        # Evening: 01:30 UTC is 20:30 EST (Saturday 7 March) but 21:30 EDT (Sunday 8 March).
        (utc(2026, 3, 8, 1, 30), "US-NY", True, 20),
        (utc(2026, 3, 9, 1, 30), "US-NY", False, 21),
        # November: 12:30 UTC is 08:30 EDT on Saturday 31 October, 07:30 EST on Monday 2 November.
        (utc(2026, 10, 31, 12, 30), "US-NY", True, 8),
        (utc(2026, 11, 2, 12, 30), "US-NY", False, 7),
        # The switch day itself: 06:00 UTC was the change; 13:00 UTC is 08:00 EST.
        (utc(2026, 11, 1, 13, 0), "US-NY", True, 8),
        (utc(2026, 11, 1, 12, 59), "US-NY", False, 7),
        # Pacific (Washington: one zone): 15:00 UTC is 07:00 PST, 08:00 PDT.
        (utc(2026, 3, 6, 15, 0), "US-WA", False, 7),
        (utc(2026, 3, 9, 15, 0), "US-WA", True, 8),
        (utc(2026, 10, 30, 15, 0), "US-WA", True, 8),
        (utc(2026, 11, 2, 15, 0), "US-WA", False, 7),
        (utc(2026, 11, 3, 4, 59), "US-WA", True, 20),
        (utc(2026, 10, 30, 4, 0), "US-WA", False, 21),
    ],
)
def test_dst_transitions(rules: Rules, moment: datetime, region: str, allowed: bool, local_hour: int) -> None:
    verdict = calling_hours_violation(moment, region, rules)
    assert (verdict is None) is allowed
    zone = rules.zones_for(region)[0]
    assert moment.astimezone(ZoneInfo(zone)).hour == local_hour
    if verdict is not None:
        assert verdict.local_times[0].local.hour == local_hour


def test_arizona_keeps_standard_time_all_year(rules: Rules) -> None:
    phoenix = ZoneInfo("America/Phoenix")
    for day in (WINTER, SUMMER):
        moment = utc(*day, 15, 0)  # 08:00 in Phoenix whatever the season
        assert moment.astimezone(phoenix).utcoffset() == timedelta(hours=-7)
        assert calling_hours_violation(moment, "US-AZ", rules) is None
        early = calling_hours_violation(utc(*day, 14, 30), "US-AZ", rules)
        assert early is not None and not {t.zone: t for t in early.local_times}["America/Phoenix"].allowed
    # Colorado does observe DST: 14:30 UTC is 07:30 in January but 08:30 in July.
    assert calling_hours_violation(utc(*WINTER, 14, 30), "US-CO", rules) is not None
    assert calling_hours_violation(utc(*SUMMER, 14, 30), "US-CO", rules) is None


def test_unknown_start_region_or_rule_is_flagged_not_passed(rules: Rules) -> None:
    no_time = calling_hours_violation(None, "US-NY", rules)
    assert no_time is not None and no_time.status == "unknown"
    no_region = calling_hours_violation(utc(*WINTER, 16, 0), None, rules)
    assert no_region is not None and no_region.status == "unknown"
    no_rule = calling_hours_violation(utc(*WINTER, 12, 0), "GB", rules)
    assert no_rule is not None and no_rule.status == "unknown" and "GB" in no_rule.reason


def test_unknown_state_is_checked_everywhere_in_the_country(rules: Rules) -> None:
    # 16:30 UTC in January: 11:30 in New York but 06:30 in Honolulu.
    verdict = calling_hours_violation(utc(*WINTER, 16, 30), "US", rules)
    assert verdict is not None and verdict.status == "violation"
    assert not {t.zone: t for t in verdict.local_times}["Pacific/Honolulu"].allowed
    # 21:30 UTC: 16:30 New York, 11:30 Honolulu, 12:30 Anchorage: fine everywhere.
    assert calling_hours_violation(utc(*WINTER, 21, 30), "US", rules) is None


def test_australia(rules: Rules) -> None:
    sydney = "Australia/Sydney"
    assert calling_hours_violation(local(sydney, 2026, 11, 18, 12, 0), "AU", rules) is None  # Wednesday
    sunday = calling_hours_violation(local(sydney, 2026, 11, 22, 12, 0), "AU", rules)
    assert sunday is not None and "no calls Sun" in (sunday.window or "")
    saturday = calling_hours_violation(local(sydney, 2026, 11, 21, 17, 30), "AU", rules)
    assert saturday is not None


def test_shared_area_code_checks_every_candidate(rules: Rules) -> None:
    assert calling_hours_violation(local("America/Halifax", *FRIDAY, 12, 0), ("CA-NS", "CA-PE"), rules) is None


def test_verdicts_for_a_call(rules: Rules) -> None:
    j = resolve_jurisdiction("+15125550100", "+13055550147", "outbound", "US-TX", rules)
    (verdict,) = call_hours_verdicts(local(NY, *WINTER, 20, 15), j, rules)
    assert verdict.region == "US-FL" and verdict.status == "violation"
    assert verdict.to_dict()["local_times"][0]["zone"] == NY
    assert call_hours_verdicts(local(NY, *WINTER, 12, 0), j, rules) == []
