"""The consent benchmark's calls: every place a call is set has a number to dial, and the consent model the
benchmark expects there is the shipped rules' (a held-out batch set in Oregon once crashed the run before its
first call because no Oregon number was listed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from callwarden.rules.loader import load_shipped_rules

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import consent
import consent_heldout

PLACES = sorted({c.where for c in consent.cases()} | {c.where for c in consent_heldout.held_out_cases()})


@pytest.mark.parametrize("where", PLACES)
def test_every_place_a_benchmark_call_is_set_has_a_number_and_the_shipped_rules_model(where: str) -> None:
    assert where in consent.NUMBERS, f"bench/consent.py NUMBERS has no number for {where}"
    _, region = consent.NUMBERS[where]
    law = load_shipped_rules().law_for(region)
    assert law is not None and law.consent_model == consent.expected_model(where)
