"""From paths on disk to (file, metadata) pairs: folder expansion, ``NAME.json`` sidecars, filename hints.

Metadata precedence, most specific first: the file's own sidecar, then ``--meta``, then what the dialer's
file naming convention says. A sidecar that does not parse is an error for that file, never silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from callwarden.domain.metadata import CallMetadata, MetadataError, parse_metadata, parse_metadata_json
from callwarden.ingest.naming import is_partial_name, parse_recording_name

AUDIO_SUFFIXES = frozenset(
    {".wav", ".mp3", ".flac", ".ogg", ".opus", ".gsm", ".au", ".m4a", ".aac", ".amr", ".wma", ".webm", ".oga"}
)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named explicitly are taken as they are; folders are searched recursively for audio files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES and not is_partial_name(p.name)
                )
            )
        else:
            found.append(path)
    return found


def sidecar_for(path: Path) -> Path | None:
    """``call.json`` or ``call.wav.json`` beside ``call.wav``."""
    for candidate in (path.with_suffix(".json"), path.with_name(path.name + ".json")):
        if candidate.is_file() and candidate != path:
            return candidate
    return None


def read_meta_file(path: Path, *, default_region: str, dialer_timezone: str) -> CallMetadata:
    """Parse a META.json file, naming the file in any error."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MetadataError(f"{path}: cannot read metadata ({exc})") from exc
    try:
        return parse_metadata_json(text, default_region=default_region, dialer_timezone=dialer_timezone)
    except MetadataError as exc:
        raise MetadataError(f"{path.name}: {exc}") from exc


def metadata_for(
    path: Path,
    given: CallMetadata | None,
    *,
    default_region: str,
    dialer_timezone: str,
    extra_pattern: str | None = None,
) -> CallMetadata:
    """Everything known about ``path``'s call, merged by precedence."""
    merged = given or CallMetadata()
    sidecar = sidecar_for(path)
    if sidecar is not None:
        merged = read_meta_file(sidecar, default_region=default_region, dialer_timezone=dialer_timezone).merged_over(
            merged
        )
    hint = parse_recording_name(path.name, extra_pattern)
    if hint is not None:
        merged = merged.merged_over(_hint_metadata(hint.fields, default_region, dialer_timezone))
    return merged


def _hint_metadata(fields: dict[str, str], default_region: str, dialer_timezone: str) -> CallMetadata:
    """Filename hints, field by field: a name part that does not parse (an extension such as 1001 where a number
    is expected) is a wrong guess to drop, not a reason to refuse the recording."""
    hints = CallMetadata()
    for key, value in fields.items():
        try:
            one = parse_metadata({key: value}, default_region=default_region, dialer_timezone=dialer_timezone)
        except MetadataError:
            continue
        hints = one.merged_over(hints)
    return hints
