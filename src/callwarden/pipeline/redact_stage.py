"""The redact stage: the redacted derivative people hear, the PCI-clean original, and the self-check.

- The derivative: every PII span (padded) replaced by tone or silence on the channel that spoke; this is what
  ``GET /calls/{id}/audio`` and the player serve to everyone allowed to hear the call.
- The original: PCI DSS 3.3.1 forbids keeping card numbers' security codes after authorisation, even
  encrypted, so card numbers and security codes are silenced in the stored original too. The cleaned file
  (lossless, same rate and channels) replaces the old one, whose data key is shredded in the same transaction;
  the audit chain gets both SHA-256s and the redaction map, so the evidence stays verifiable. The call keeps its
  ``sha256`` as the recording's identity (duplicate uploads are still recognised).
- The self-check (``redaction_check``): the derivative's windows are re-transcribed; a leak, or a detector that
  was unsure, flags the call ``redaction_review`` and restricts it until a person has checked it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callwarden.audio.encode import AudioFormat, encode_pcm, media_type, write_pcm_file
from callwarden.audio.probe import AudioSource
from callwarden.audio.redact import Fill, MuteWindow, mute_windows, read_pcm, redact_blocks
from callwarden.domain.audit import AuditEvent
from callwarden.domain.pii import PiiSpan
from callwarden.pipeline.redaction_check import check_redaction
from callwarden.pipeline.runner import ORIGINAL
from callwarden.pipeline.stage import AudioArtifact, CallChanges, StageInput, StageOutput, pipeline_event
from callwarden.speech.engine import AsrEngine
from callwarden.store.vault import SealedBlob

REDACTED_AUDIO = "audio.redacted"
REVIEW_FLAG = "redaction_review"
AUDIO_FORMAT: AudioFormat = "flac"


@dataclass(frozen=True)
class RedactionSettings:
    """What replaces redacted speech in the derivative, how far each span is padded, how wide the self-check
    listens around each window. The stored original's card data is always silenced."""

    fill: Fill = Fill.TONE
    pad_s: float = 0.25
    check_margin_s: float = 0.25

    def __post_init__(self) -> None:
        if self.pad_s < 0 or self.check_margin_s < 0:
            raise ValueError(
                f"redaction padding and check margin must be >= 0 s, got {self.pad_s}, {self.check_margin_s}"
            )

    @classmethod
    def parse(cls, fill: str, pad_s: float, check_margin_s: float) -> RedactionSettings:
        """From configuration values; an unknown fill is an error naming the choices."""
        if fill not in {f.value for f in Fill}:
            raise ValueError(f"redaction fill must be one of {', '.join(f.value for f in Fill)}, not {fill!r}")
        return cls(Fill(fill), pad_s, check_margin_s)

    def describe(self) -> str:
        return f"fill {self.fill.value} pad {self.pad_s:g} margin {self.check_margin_s:g}"


def redaction_map(
    spans: Sequence[PiiSpan], *, pad_s: float, channels: int, duration_s: float | None
) -> list[dict[str, Any]]:
    """Per span: its type and the padded window that was silenced (channel None: every channel)."""
    entries = []
    for span in spans:
        for window in mute_windows([span], pad_s=pad_s, channels=channels, duration_s=duration_s):
            entries.append({"type": span.type.value, **window.to_dict()})
    return entries


def rendered(source: AudioSource, windows: Sequence[MuteWindow], fill: Fill, fmt: AudioFormat) -> Iterator[bytes]:
    """The bytes of ``source`` re-encoded losslessly as ``fmt`` with ``windows`` replaced by ``fill``, streamed."""
    pcm = read_pcm(source)
    blocks = redact_blocks(pcm.blocks, windows, sample_rate=pcm.sample_rate, fill=fill)
    return encode_pcm(blocks, sample_rate=pcm.sample_rate, channels=pcm.channels, fmt=fmt)


def write_redacted_audio(
    source: Path, spans: Sequence[PiiSpan], settings: RedactionSettings, out: Path, *, channels: int
) -> list[MuteWindow]:
    """``callwarden analyze --redacted-audio``: the redacted derivative of ``source`` as a WAV at ``out``,
    written atomically (``OSError`` naming ``out`` when it cannot be)."""
    windows = mute_windows(spans, pad_s=settings.pad_s, channels=channels)
    pcm = read_pcm(source)
    blocks = redact_blocks(pcm.blocks, windows, sample_rate=pcm.sample_rate, fill=settings.fill)
    write_pcm_file(out, blocks, sample_rate=pcm.sample_rate, channels=pcm.channels, fmt="wav")
    return windows


class RedactStage:
    """Renders, seals and checks; the version names the settings and the engine that listens again."""

    name = "redact"
    engine = "callwarden.audio.redact"
    depends_on: tuple[str, ...] = ("pii",)

    def __init__(self, asr: AsrEngine, settings: RedactionSettings | None = None) -> None:
        self._asr = asr
        self._settings = settings or RedactionSettings()
        self.version = f"1 | {self._settings.describe()} | {AUDIO_FORMAT} | check {asr.model}"
        self._lock = threading.Lock()

    def able_to_run(self, given: StageInput) -> bool:
        """Only calls whose transcript was searched (a call without audio has nothing to redact)."""
        pii = given.upstream.get("pii", {})
        return bool(given.metadata.get("duration_s")) and "spans" in pii

    def _render(self, given: StageInput, windows: Sequence[MuteWindow], fill: Fill) -> SealedBlob:
        with given.open_audio() as original:
            return given.seal_audio(rendered(original, windows, fill, AUDIO_FORMAT))

    def run(self, given: StageInput) -> StageOutput:
        """Derivative, PCI-clean original when there is card data, self-check, verdict."""
        s = self._settings
        pii = given.upstream["pii"]
        spans = [PiiSpan.from_dict(raw) for raw in (*pii["spans"], *pii.get("answer_windows", ()))]
        channels = int(given.metadata.get("channels") or 1)
        duration = float(given.metadata.get("duration_s") or 0.0) or None
        windows = mute_windows(spans, pad_s=s.pad_s, channels=channels, duration_s=duration)
        derivative = self._render(given, windows, s.fill)
        audio = [AudioArtifact(REDACTED_AUDIO, media_type(AUDIO_FORMAT), derivative)]
        audit: list[AuditEvent] = []
        pci_spans = [span for span in spans if span.type.is_pci]
        pci: dict[str, Any] | None = None
        if pci_spans:
            pci_windows = mute_windows(pci_spans, pad_s=s.pad_s, channels=channels, duration_s=duration)
            cleaned = self._render(given, pci_windows, Fill.SILENCE)
            if cleaned.plaintext_sha256 != given.recording_sha256:  # already clean: nothing to replace
                audio.append(AudioArtifact(ORIGINAL, media_type(AUDIO_FORMAT), cleaned))
                pci = {
                    "previous_sha256": given.recording_sha256,
                    "sha256": cleaned.plaintext_sha256,
                    "redaction_map": redaction_map(pci_spans, pad_s=s.pad_s, channels=channels, duration_s=duration),
                }
                details = {**pci, "fill": Fill.SILENCE.value, "pad_s": s.pad_s}
                audit.append(pipeline_event(given.call_id, "recording.pci_redacted", details))
        with self._lock, given.open_sealed(derivative) as heard:
            check = check_redaction(self._asr, heard, windows, margin_s=s.check_margin_s, spans=spans)
        reasons = list(pii.get("review_reasons", [])) if pii.get("needs_review") else []
        if check.leaks_found:
            reasons.append(
                f"self-check heard personal data in {check.leaks_found} of {check.windows_checked} window(s)"
            )
        if reasons:
            counts = {"windows_checked": check.windows_checked, "leaks_found": check.leaks_found}
            audit.append(pipeline_event(given.call_id, "redaction.review_required", {"reasons": reasons, **counts}))
        return StageOutput(
            {
                "settings": {"fill": s.fill.value, "pad_s": s.pad_s, "check_margin_s": s.check_margin_s},
                "format": AUDIO_FORMAT,
                "windows": [window.to_dict() for window in windows],
                "pci": pci,
                "self_check": check.to_dict(),
                "review": bool(reasons),
                "review_reasons": reasons,
            },
            audio=tuple(audio),
            call_changes=CallChanges(add_flags=(REVIEW_FLAG,), restrict=True) if reasons else None,
            audit=tuple(audit),
        )

    def cleanup(self) -> None:
        """The engine stays loaded; nothing else held."""
