"""The ordered list of stages every call goes through; later issues append theirs."""

from __future__ import annotations

from callwarden.pipeline.decode_stage import DecodeStage
from callwarden.pipeline.stage import Stage


def default_stages() -> list[Stage]:
    """Stages in the order they run."""
    return [DecodeStage()]
