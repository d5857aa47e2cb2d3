"""The speech stage: who said what, when, stored encrypted (it holds what the prospect said)."""

from __future__ import annotations

import threading

from callwarden.pipeline.stage import StageInput, StageOutput, json_artifact
from callwarden.pipeline.transcription import transcribe_recording
from callwarden.speech.engine import AsrEngine
from callwarden.speech.focus import FocusSettings
from callwarden.speech.roles import ROLE_CUES_VERSION
from callwarden.speech.speakers import ChannelRoles

TRANSCRIPT = "transcript"
CONSENT_FOCUS = "consent_focus"  # the consent-focused ASR pass's segments (speech.focus), evidence for consent only
_AGENT_CHANNEL = {"left": "agent,prospect", "0": "agent,prospect", "right": "prospect,agent", "1": "prospect,agent"}


def roles_for(metadata_agent_channel: object, default: ChannelRoles) -> ChannelRoles:
    """The call's channel roles: its own ``agent_channel`` (left/right) if the dialer said, else the default."""
    mapping = _AGENT_CHANNEL.get(str(metadata_agent_channel).strip().lower()) if metadata_agent_channel else None
    return ChannelRoles.parse(mapping) if mapping else default


class TranscribeStage:
    """Transcribes every call with one shared engine (the model loads once per process)."""

    name = "transcribe"
    depends_on: tuple[str, ...] = ("decode",)

    def __init__(self, engine: AsrEngine, roles: ChannelRoles, focus: FocusSettings | None = None) -> None:
        self._engine = engine
        self._roles = roles
        self._focus = focus or FocusSettings()
        self.engine = engine.name
        utterances = " per utterance" if self._focus.per_utterance else ""
        hearings = self._focus.line_hearings
        again = f", line audio heard again: {' and '.join(hearings)}" if hearings else ""
        self.version = (
            f"{engine.model} | {engine.version} | dropped speech decoded again"
            f" | consent focus {self._focus.window_s:g} s{utterances}"
            f", prompt echoes over {self._focus.echo_margin:g} dropped"
            f"{again} | mono roles {ROLE_CUES_VERSION}"
        )
        self._lock = threading.Lock()

    def able_to_run(self, given: StageInput) -> bool:
        """A recording without audio has nothing to transcribe."""
        return bool(given.metadata.get("duration_s"))

    def run(self, given: StageInput) -> StageOutput:
        """Transcribe; one call at a time per process, since each already uses every core it is given."""
        roles = roles_for(given.metadata.get("agent_channel"), self._roles)
        with given.open_audio() as audio, self._lock:
            result = transcribe_recording(audio, self._engine, roles, focus=self._focus)
        artifacts = {TRANSCRIPT: json_artifact(result.transcript_json())}
        if result.focused is not None:
            artifacts[CONSENT_FOCUS] = json_artifact(result.focused.to_json())
        return StageOutput({**result.summary(), "roles": roles.describe()}, artifacts)

    def cleanup(self) -> None:
        """The engine stays loaded for the next call."""
