"""``can``: default-deny, agents confined to their own calls, restricted calls for compliance and admin only."""

from __future__ import annotations

import pytest

from callwarden.domain.access import Action, Actor, CallResource, Role, can, list_scope, needs_purpose

OWN = CallResource(agent_id="a-1")
OTHER = CallResource(agent_id="a-2")
RESTRICTED = CallResource(agent_id="a-1", restricted=True)


def actor(role: Role, agent_id: str | None = None) -> Actor:
    return Actor(name=f"{role}-user", role=role, agent_id=agent_id)


def test_agent_sees_own_call_only() -> None:
    agent = actor(Role.AGENT, "a-1")
    assert can(agent, Action.CALL_VIEW, OWN)
    assert not can(agent, Action.CALL_VIEW, OTHER)


def test_agent_without_agent_id_sees_nothing() -> None:
    assert not can(actor(Role.AGENT), Action.CALL_VIEW, OWN)


@pytest.mark.parametrize("role", [Role.AGENT, Role.QA_MANAGER, Role.AUDITOR])
def test_restricted_calls_are_hidden_from_non_compliance_roles(role: Role) -> None:
    assert not can(actor(role, "a-1"), Action.CALL_VIEW, RESTRICTED)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMPLIANCE])
def test_compliance_and_admin_reach_restricted_calls(role: Role) -> None:
    assert can(actor(role), Action.CALL_VIEW, RESTRICTED)


@pytest.mark.parametrize("role", [Role.AGENT, Role.QA_MANAGER, Role.AUDITOR])
def test_original_audio_is_not_for_reviewers(role: Role) -> None:
    assert not can(actor(role, "a-1"), Action.CALL_PLAY_ORIGINAL, OWN)


def test_original_audio_and_exports_need_a_purpose() -> None:
    assert needs_purpose(Action.CALL_PLAY_ORIGINAL) and needs_purpose(Action.CALL_EXPORT)
    assert not needs_purpose(Action.CALL_VIEW)


def test_only_admin_rotates_keys_and_manages_users() -> None:
    for role in Role:
        assert can(actor(role), Action.KEYS_ROTATE) == (role is Role.ADMIN)
        assert can(actor(role), Action.USER_MANAGE) == (role is Role.ADMIN)


def test_list_scope() -> None:
    assert list_scope(actor(Role.AGENT, "a-9")) == ("a-9", False)
    assert list_scope(actor(Role.COMPLIANCE)) == (None, True)
    assert list_scope(actor(Role.QA_MANAGER)) == (None, False)
