"""A call under redaction review: its audio is for the compliance role only, whatever else the role may do."""

from __future__ import annotations

import pytest

from callwarden.domain.access import Action, Actor, CallResource, Role, can

UNDER_REVIEW = CallResource(agent_id="a-1", restricted=True, redaction_review=True)


@pytest.mark.parametrize("action", [Action.CALL_PLAY_REDACTED, Action.CALL_PLAY_ORIGINAL, Action.CALL_EXPORT])
def test_only_compliance_plays_or_exports_a_call_under_redaction_review(action: Action) -> None:
    assert can(Actor("c", Role.COMPLIANCE), action, UNDER_REVIEW)
    for role in (Role.ADMIN, Role.QA_MANAGER, Role.AUDITOR):
        assert not can(Actor("x", role), action, UNDER_REVIEW), role
    assert not can(Actor("a", Role.AGENT, agent_id="a-1"), action, UNDER_REVIEW)


def test_review_does_not_hide_the_call_from_compliance_and_admin() -> None:
    assert can(Actor("adm", Role.ADMIN), Action.CALL_VIEW, UNDER_REVIEW)
    assert can(Actor("c", Role.COMPLIANCE), Action.CALL_VIEW, UNDER_REVIEW)
    assert not can(Actor("q", Role.QA_MANAGER), Action.CALL_VIEW, UNDER_REVIEW)


def test_without_review_admin_keeps_playback() -> None:
    cleared = CallResource(agent_id="a-1", restricted=True)
    assert can(Actor("adm", Role.ADMIN), Action.CALL_PLAY_REDACTED, cleared)
