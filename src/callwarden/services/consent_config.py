"""Loading the law table (with counsel's overrides) and the disclosure policies named in the settings."""

from __future__ import annotations

import json
from collections.abc import Sequence

from callwarden.audio.probe import AudioValidationError
from callwarden.audio.prompt_match import PromptTemplate
from callwarden.config import Settings
from callwarden.domain.disclosure import PromptReference
from callwarden.pipeline.consent import ConsentPolicies, prompt_templates
from callwarden.rules.loader import Rules, RulesError, load_rules
from callwarden.services.errors import InvalidInput


def consent_rules(settings: Settings) -> Rules:
    """The shipped recording-law rules with ``CALLWARDEN_RULES_OVERRIDE_FILE`` applied."""
    try:
        return load_rules(settings.rules_override_file)
    except (RulesError, OSError) as exc:
        raise InvalidInput(f"recording-law rules: {exc}") from exc


def consent_policies(settings: Settings) -> ConsentPolicies:
    """``CALLWARDEN_POLICY_FILE``, or the defaults (verbal or IVR, 15 s deadline) without one.

    Every policy's prompt audio is loaded here once: a missing, broken, silent or too short reference is an error
    when the workers start or ``analyze`` runs, naming the campaign, not a failure of every call that campaign
    makes afterwards."""
    if settings.policy_file is None:
        return ConsentPolicies.from_dict({})
    try:
        raw = json.loads(settings.policy_file.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("expected a JSON object with 'default' and 'campaigns'")
        policies = ConsentPolicies.from_dict(raw)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"policy file {settings.policy_file}: {exc}") from exc
    for name, policy in (("default", policies.default), *policies.campaigns.items()):
        checked_prompt_templates(policy.prompts, where=f"policy file {settings.policy_file}: policy {name!r}: ")
    return policies


def checked_prompt_templates(prompts: Sequence[PromptReference], where: str = "") -> list[PromptTemplate]:
    """The prompts' templates; a file that is missing, not audio, silent or too short is an ``InvalidInput``
    naming it, after `where` (which policy it came from): with several ``--prompt`` files, the error must say
    which one is bad."""
    templates: list[PromptTemplate] = []
    for prompt in prompts:
        try:
            templates += prompt_templates([prompt])
        except OSError as exc:
            raise InvalidInput(f"{where}prompt audio {prompt.path}: {exc.strerror or exc}") from exc
        except (ValueError, AudioValidationError) as exc:
            raise InvalidInput(f"{where}prompt audio {prompt.path}: {exc}") from exc
    return templates
