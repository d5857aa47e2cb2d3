"""``callwarden redact-text --jsonl`` as a subprocess: good lines answered, a bad line named and fatal."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "callwarden", "redact-text"]


def run(stdin: str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *options], input=stdin, capture_output=True, text=True, timeout=60, check=False)


def test_good_lines_are_redacted_with_offsets_into_the_input() -> None:
    texts = ["my card is 4532 0151 1283 0366", "nothing here", "it's john dot smith at gmail dot com"]
    done = run("".join(json.dumps({"text": t}) + "\n" for t in texts), "--jsonl")
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["text"] for a in answers] == ["my card is [CREDIT_CARD]", "nothing here", "it's [EMAIL_ADDRESS]"]
    [card] = answers[0]["spans"]
    assert card == {"type": "CREDIT_CARD", "start": 11, "end": 30}
    assert texts[0][card["start"] : card["end"]] == "4532 0151 1283 0366"
    assert answers[1]["spans"] == []


@pytest.mark.parametrize(
    ("bad", "message"),
    [("not json", "line 2: not JSON"), ('{"text": 5}', 'line 2: expected an object with a "text" string')],
)
def test_a_bad_line_is_named_and_fails_after_the_good_ones(bad: str, message: str) -> None:
    lines = [json.dumps({"text": "SSN 460-89-9847"}), bad, json.dumps({"text": "x"})]
    done = run("\n".join(lines) + "\n", "--jsonl")
    assert done.returncode == 1
    assert message in done.stderr
    assert [json.loads(line)["text"] for line in done.stdout.splitlines()] == ["SSN [US_SSN]"]


def test_without_jsonl_it_is_a_usage_error() -> None:
    done = run("")
    assert done.returncode == 2
    assert "--jsonl" in done.stderr
