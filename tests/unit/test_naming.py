"""Recording names from real dialer defaults parse into the right fields; everything else parses to None."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callwarden.ingest.naming import NameMatch, compile_custom_pattern, is_partial_name, parse_recording_name

OUT = {"direction": "outbound"}


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        # FULLDATE_CUSTPHONE, VICIdial's shipped default, with and without the mixed-file suffix.
        ("20090520-142323_7275551212.wav", {"to": "7275551212", "started_at": "2009-05-20T14:23:23", **OUT}),
        ("20240115-143022_5551234567-all.wav", {"to": "5551234567", "started_at": "2024-01-15T14:30:22", **OUT}),
        ("20240115-143022_5551234567-all.mp3", {"to": "5551234567", "started_at": "2024-01-15T14:30:22", **OUT}),
        ("20231231-235959_447911123456-all.WAV", {"to": "447911123456", "started_at": "2023-12-31T23:59:59", **OUT}),
        # FULLDATE_AGENT_CUSTPHONE
        (
            "20240115-143022_jsmith_5551234567-all.wav",
            {"agent_id": "jsmith", "to": "5551234567", "started_at": "2024-01-15T14:30:22", **OUT},
        ),
        (
            "20240301-090000_1001_3125550199.wav",
            {"agent_id": "1001", "to": "3125550199", "started_at": "2024-03-01T09:00:00", **OUT},
        ),
        # FULLDATE_CUSTPHONE_AGENT
        (
            "20240115-143022_5551234567_agent7-all.wav",
            {"agent_id": "agent7", "to": "5551234567", "started_at": "2024-01-15T14:30:22", **OUT},
        ),
        (
            "20240115-143022_5551234567_6666.mp3",
            {"agent_id": "6666", "to": "5551234567", "started_at": "2024-01-15T14:30:22", **OUT},
        ),
        # CAMPAIGN_FULLDATE_CUSTPHONE
        (
            "SOLAR_20240115-143022_5551234567-all.wav",
            {"campaign": "SOLAR", "to": "5551234567", "started_at": "2024-01-15T14:30:22", **OUT},
        ),
        (
            "/var/spool/asterisk/monitorDONE/MP3/INSURE1_20240704-101500_8135550100-all.mp3",
            {"campaign": "INSURE1", "to": "8135550100", "started_at": "2024-07-04T10:15:00", **OUT},
        ),
    ],
)
def test_vicidial(name: str, fields: dict[str, str]) -> None:
    assert parse_recording_name(name) == NameMatch("vicidial", fields)


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        (
            "out-5551234567-1001-20240115-143022-1705329022.123.wav",
            {"to": "5551234567", "from": "1001", "direction": "outbound"},
        ),
        (
            "external-1001-2125551234-20240115-143022-1705329022.45.wav",
            {"to": "1001", "from": "2125551234", "direction": "inbound"},
        ),
        (
            "in-8005551212-2125551234-20240115-143022-1705329022.7.wav",
            {"to": "8005551212", "from": "2125551234", "direction": "inbound"},
        ),
        ("in-8005551212--20240115-143022-1705329022.7.wav", {"to": "8005551212", "direction": "inbound"}),
        ("exten-1002-1001-20240115-143022-1705329022.0.wav", {"to": "1002", "from": "1001"}),
        ("q-600-+442071234567-20240115-143022-1705329022.99.wav", {"to": "600", "from": "+442071234567"}),
        ("rg-601-2125551234-20240115-143022-1705329022.3.wav", {"to": "601", "from": "2125551234"}),
        ("g-602-2125551234-20240115-143022-1705329022.3.wav", {"to": "602", "from": "2125551234"}),
        ("ondemand-1001-2125551234-20240115-143022-1705329022.8.wav", {"to": "1001", "from": "2125551234"}),
        (
            "C:\\recordings\\2024\\01\\15\\out-anonymous-1001-20240115-143022-1705329022.5.WAV",
            {"to": "anonymous", "from": "1001", "direction": "outbound"},
        ),
    ],
)
def test_asterisk_freepbx(name: str, fields: dict[str, str]) -> None:
    match = parse_recording_name(name)
    assert match is not None
    assert match.convention == "asterisk"
    unique_id = name.rsplit("-", 1)[1].rsplit(".", 1)[0]
    assert match.fields == {"started_at": "2024-01-15T14:30:22", "call_id": unique_id, **fields}


def test_asterisk_modes_without_a_known_direction_give_none() -> None:
    for mode in ("exten", "q", "rg", "g", "ondemand"):
        match = parse_recording_name(f"{mode}-600-2125551234-20240115-143022-1705329022.1.wav")
        assert match is not None
        assert "direction" not in match.fields


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        (
            "2024-01-15-14-30-22_5551234567_1001.wav",
            {"to": "5551234567", "from": "1001", "started_at": "2024-01-15T14:30:22"},
        ),
        (
            "/usr/local/freeswitch/recordings/2025-11-02-08-05-09_+14165550123_agent-12.wav",
            {"to": "+14165550123", "from": "agent-12", "started_at": "2025-11-02T08:05:09"},
        ),
        ("0b7a3c0e-5f2d-4c1e-9a8b-1234567890ab.wav", {"call_id": "0b7a3c0e-5f2d-4c1e-9a8b-1234567890ab"}),
        ("A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D.mp3", {"call_id": "A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D"}),
    ],
)
def test_freeswitch(name: str, fields: dict[str, str]) -> None:
    assert parse_recording_name(name) == NameMatch("freeswitch", fields)


@pytest.mark.parametrize(
    "name",
    [
        "recording.wav",
        "",
        "20241315-143022_5551234567.wav",  # month 13
        "20240115-256199_5551234567.wav",  # hour 25
        "20240115-143022_555123.wav",  # a six-digit "phone" is an agent id, not a customer
        "20240115-143022_1234567_7654321.wav",  # two phone numbers and no agent
        "20240115-143022_5551234567-in.wav",  # one leg of a VICIdial call, not the mixed file
        "out-5551234567-1001-20240115-143022.wav",  # no unique id
        "voicemail-5551234567-1001-20240115-143022-1705329022.1.wav",  # not a FreePBX mode
        "2024-01-15-14-30-22_5551234567.wav",  # FreeSWITCH needs both numbers
        "0b7a3c0e-5f2d-4c1e-9a8b-1234567890a.wav",  # uuid one digit short
        "20240115-143022_5551234567.txt",  # not audio
        "notes/20240115-143022_5551234567.wav.txt",
    ],
)
def test_names_that_match_nothing(name: str) -> None:
    assert parse_recording_name(name) is None


def test_custom_pattern_is_tried_first_and_combines_date_and_time() -> None:
    pattern = (
        r"(?P<campaign>[A-Z]+)~(?P<agent_id>\w+)~(?P<to>\d+)~(?P<date>\d{4}\.\d\d\.\d\d)~(?P<time>\d\d\.\d\d\.\d\d)"
    )
    match = parse_recording_name("SOLAR~jdoe~5551234567~2024.01.15~14.30.22.wav", pattern)
    assert match == NameMatch(
        "custom",
        {
            "campaign": "SOLAR",
            "agent_id": "jdoe",
            "to": "5551234567",
            "started_at": "2024-01-15T14:30:22",
        },
    )
    # A name the pattern does not fit still gets the built-in conventions.
    fallback = parse_recording_name("20240115-143022_5551234567-all.wav", pattern)
    assert fallback is not None
    assert fallback.convention == "vicidial"


def test_custom_pattern_may_include_the_extension_and_direction_words() -> None:
    pattern = r"(?P<direction>IN|OUT)_(?P<call_id>\d+)_(?P<started_at>\d{14})\.wav"
    match = parse_recording_name("OUT_998877_20240115143022.wav", pattern)
    assert match == NameMatch(
        "custom", {"direction": "outbound", "call_id": "998877", "started_at": "2024-01-15T14:30:22"}
    )
    assert parse_recording_name("SIDEWAYS_998877_20240115143022.wav", r"(?P<direction>\w+)_.*") is None


def test_custom_pattern_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match="unknown group"):
        compile_custom_pattern(r"(?P<phone>\d+)")
    with pytest.raises(ValueError, match="not a valid regular expression"):
        parse_recording_name("x.wav", r"(?P<to>\d+")


@pytest.mark.parametrize(
    ("name", "partial"),
    [
        ("20240115-143022_5551234567-all.wav.part", True),
        ("out-5551234567-1001-20240115-143022-1705329022.1.wav.tmp", True),
        ("call.wav.filepart", True),
        ("call.wav.crdownload", True),
        ("call.wav~", True),
        (".call.wav", True),
        ("/in/.sync-call.wav", True),
        ("CALL.WAV.PART", True),
        ("call.wav", False),
        ("partial-call.wav", False),
        ("/data/.hidden/call.wav", False),
    ],
)
def test_partial_names(name: str, partial: bool) -> None:
    assert is_partial_name(name) is partial


# Round trips: format a name from random fields with each convention, then parse it back.
_moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31, 23, 59, 59)).map(
    lambda moment: moment.replace(microsecond=0)
)
_phones = st.from_regex(r"\d{7,15}", fullmatch=True)
_agents = st.from_regex(r"[a-z0-9]{0,5}[a-z][a-z0-9]{0,5}|\d{1,6}", fullmatch=True)
_campaigns = st.from_regex(r"[A-Z0-9]{2,8}", fullmatch=True)
_numbers = st.from_regex(r"\+?[0-9A-Za-z]{1,15}", fullmatch=True)
_extensions = st.sampled_from([".wav", ".mp3", ".WAV", ".gsm", ".ogg"])


@given(moment=_moments, phone=_phones, agent=_agents, campaign=_campaigns, suffix=st.sampled_from(["", "-all"]))
def test_vicidial_round_trip(moment: datetime, phone: str, agent: str, campaign: str, suffix: str) -> None:
    full = moment.strftime("%Y%m%d-%H%M%S")
    expected = {"to": phone, "started_at": moment.isoformat(), "direction": "outbound"}
    names = {
        f"{full}_{phone}": {},
        f"{full}_{agent}_{phone}": {"agent_id": agent},
        f"{full}_{phone}_{agent}": {"agent_id": agent},
        f"{campaign}_{full}_{phone}": {"campaign": campaign},
    }
    for stem, extra in names.items():
        assert parse_recording_name(f"{stem}{suffix}.wav") == NameMatch("vicidial", {**expected, **extra})


@given(
    moment=_moments,
    mode=st.sampled_from(["out", "in", "external", "exten", "q", "rg", "g", "ondemand"]),
    to=_numbers,
    caller=_numbers | st.just(""),
    unique=st.tuples(st.integers(10**9, 2 * 10**9), st.integers(0, 10**4)),
    extension=_extensions,
)
def test_asterisk_round_trip(
    moment: datetime, mode: str, to: str, caller: str, unique: tuple[int, int], extension: str
) -> None:
    call_id = f"{unique[0]}.{unique[1]}"
    name = f"{mode}-{to}-{caller}-{moment:%Y%m%d-%H%M%S}-{call_id}{extension}"
    match = parse_recording_name(name)
    assert match is not None
    assert match.convention == "asterisk"
    assert match.fields["to"] == to
    assert match.fields.get("from", "") == caller
    assert match.fields["call_id"] == call_id
    assert match.fields["started_at"] == moment.isoformat()
    direction = {"out": "outbound", "in": "inbound", "external": "inbound"}.get(mode)
    assert match.fields.get("direction") == direction


@given(moment=_moments, to=_numbers, caller=_numbers, uuid=st.uuids(), extension=_extensions)
def test_freeswitch_round_trip(moment: datetime, to: str, caller: str, uuid: object, extension: str) -> None:
    name = f"{moment:%Y-%m-%d-%H-%M-%S}_{to}_{caller}{extension}"
    expected = {"to": to, "from": caller, "started_at": moment.isoformat()}
    assert parse_recording_name(name) == NameMatch("freeswitch", expected)
    assert parse_recording_name(f"{uuid}{extension}") == NameMatch("freeswitch", {"call_id": str(uuid)})
