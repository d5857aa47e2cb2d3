"""Loading the law table (with counsel's overrides) and the disclosure policies named in the settings."""

from __future__ import annotations

import json

from callwarden.config import Settings
from callwarden.pipeline.consent import ConsentPolicies
from callwarden.rules.loader import Rules, RulesError, load_rules
from callwarden.services.errors import InvalidInput


def consent_rules(settings: Settings) -> Rules:
    """The shipped recording-law rules with ``CALLWARDEN_RULES_OVERRIDE_FILE`` applied."""
    try:
        return load_rules(settings.rules_override_file)
    except (RulesError, OSError) as exc:
        raise InvalidInput(f"recording-law rules: {exc}") from exc


def consent_policies(settings: Settings) -> ConsentPolicies:
    """``CALLWARDEN_POLICY_FILE``, or the defaults (verbal or IVR, 15 s deadline) without one."""
    if settings.policy_file is None:
        return ConsentPolicies.from_dict({})
    try:
        raw = json.loads(settings.policy_file.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("expected a JSON object with 'default' and 'campaigns'")
        return ConsentPolicies.from_dict(raw)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"policy file {settings.policy_file}: {exc}") from exc
