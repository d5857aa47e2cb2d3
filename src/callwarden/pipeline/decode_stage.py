"""The first stage: decode the whole recording and measure its duration, channel levels and silence.

Levels and silence tell a reviewer (and later stages) whether a channel is dead or the line was silent, which
is the first thing to know before trusting a transcript of it.
"""

from __future__ import annotations

import av

from callwarden.audio.levels import measure_levels
from callwarden.pipeline.stage import StageInput, StageOutput


class DecodeStage:
    """Decodes with PyAV; engine version is PyAV's and FFmpeg's."""

    name = "decode"
    engine = "pyav"
    version = f"{av.__version__}"
    depends_on: tuple[str, ...] = ()

    def able_to_run(self, given: StageInput) -> bool:
        """Every recording with audio can be decoded (it was decoded once at ingest); a header-only one has none."""
        return bool(given.metadata.get("duration_s"))

    def run(self, given: StageInput) -> StageOutput:
        """Measure levels over the decrypted original, streaming."""
        with given.open_audio() as audio:
            return StageOutput(measure_levels(audio).to_dict())

    def cleanup(self) -> None:
        """Nothing held between runs."""
