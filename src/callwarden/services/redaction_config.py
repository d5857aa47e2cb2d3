"""The redaction settings of this deployment (``CALLWARDEN_REDACTION_*``), as the pipeline and analyze use them."""

from __future__ import annotations

from callwarden.config import Settings
from callwarden.pipeline.redact_stage import RedactionSettings


def redaction_settings(settings: Settings) -> RedactionSettings:
    """Fill, padding and self-check margin from the environment."""
    return RedactionSettings.parse(settings.redaction_fill, settings.redaction_pad_s, settings.redaction_check_margin_s)
