"""The speech engine of this process, built once from settings (loading a model is the slow part)."""

from __future__ import annotations

import threading
from functools import lru_cache

from callwarden.config import Settings
from callwarden.speech.engine import AsrSettings, FasterWhisperEngine, bundled_model_path
from callwarden.speech.speakers import ChannelRoles

_lock = threading.Lock()


def asr_settings(settings: Settings) -> AsrSettings:
    """Map ``CALLWARDEN_ASR_*`` onto the engine's settings; no model means the bundled offline tiny.en."""
    return AsrSettings(
        model=settings.asr_model or bundled_model_path(),
        device=settings.asr_device,
        compute_type=settings.asr_compute_type,
        beam_size=settings.asr_beam_size,
        batch_size=settings.asr_batch_size,
        cpu_threads=settings.asr_cpu_threads,
        hotwords=settings.asr_hotwords,
    )


@lru_cache(maxsize=4)
def _engine(config: AsrSettings) -> FasterWhisperEngine:
    return FasterWhisperEngine(config)


def asr_engine(settings: Settings) -> FasterWhisperEngine:
    """One engine per distinct configuration per process; the model itself loads on first use."""
    with _lock:
        return _engine(asr_settings(settings))


def channel_roles(settings: Settings) -> ChannelRoles:
    """The default channel-to-party mapping (``CALLWARDEN_CHANNEL_ROLES``)."""
    return ChannelRoles.parse(settings.channel_roles)
