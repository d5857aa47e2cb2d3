"""Synthetic phone calls with exact ground truth, for speech and analysis tests and benchmarks."""

from tests.synth.calls import (
    IVR_DISCLOSURE,
    LONG_MONOLOGUE,
    OVERTALK,
    TWO_PARTY_SALES,
    TWO_VOICE_ESPEAK,
    CallSpec,
    SynthCall,
    ToolMissing,
    TruthTurn,
    Turn,
    Voice,
    make_call,
    read_audio,
    record_prompt,
    speak,
    tools_missing,
)

__all__ = [
    "IVR_DISCLOSURE",
    "LONG_MONOLOGUE",
    "OVERTALK",
    "TWO_PARTY_SALES",
    "TWO_VOICE_ESPEAK",
    "CallSpec",
    "SynthCall",
    "ToolMissing",
    "TruthTurn",
    "Turn",
    "Voice",
    "make_call",
    "read_audio",
    "record_prompt",
    "speak",
    "tools_missing",
]
