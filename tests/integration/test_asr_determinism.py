"""The same call decoded in two fresh processes gives the same words, even where Whisper fell back to sampling.

Without a fixed seed CTranslate2 seeds its sampler from the OS, and a spoken card number that needed the
temperature fallback came back as "5, 5, 5, 4..." in one run and "9, 9, 9, 4..." in the next, so a re-run of a
call could not be checked against the first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_pii_on_calls import INTRO, READ_OUT_CALLS
from tests.synth import CallSpec, Voice, make_call, tools_missing

pytestmark = pytest.mark.skipif(bool(tools_missing()), reason=f"missing tools: {tools_missing()}")

DECODE = """
import json, sys
import numpy as np
from callwarden.audio.decode import decode_channels
from callwarden.speech.engine import SAMPLE_RATE, FasterWhisperEngine
audio = decode_channels(sys.argv[1], target_rate=SAMPLE_RATE)
result = FasterWhisperEngine().transcribe(np.ascontiguousarray(audio.samples[1]))
print(json.dumps({"text": result.text, "sampled": result.stats.fallback_segments}))
"""


def decode_in_a_new_process(path: Path) -> dict[str, object]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", DECODE, str(path)], capture_output=True, text=True, env=env, check=True, timeout=300
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_sampled_transcript_is_the_same_in_every_run(tmp_path: Path) -> None:
    seed, turns = READ_OUT_CALLS["card-digits-fast"]
    spec = CallSpec("card-digits-fast", (*INTRO, *turns), prospect_voice=Voice("espeak-ng", "en-us+f2"))
    call = make_call(spec, tmp_path, seed=seed)
    first, second = decode_in_a_new_process(call.path), decode_in_a_new_process(call.path)
    assert first["sampled"], "this call must exercise the temperature fallback, or the test shows nothing"
    assert first == second
