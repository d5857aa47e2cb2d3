"""A campaign's prompt audio is checked when its policy file loads, so a bad reference fails loudly, once."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from callwarden.config import Settings
from callwarden.domain.disclosure import PromptReference
from callwarden.services.consent_config import checked_prompt_templates, consent_policies
from callwarden.services.errors import InvalidInput
from tests.synth import tools_missing

pytestmark = pytest.mark.skipif(bool(tools_missing()), reason=f"missing tools: {tools_missing()}")
NOTICE = "This call may be monitored or recorded for quality assurance."


def _policy(tmp_path: Path, prompt: Path) -> Settings:
    policy = tmp_path / "policy.json"
    solar = {"methods": "ivr", "prompts": [{"name": "notice", "path": str(prompt)}]}
    body = {"default": {}, "campaigns": {"SOLAR": solar}}
    policy.write_text(json.dumps(body))
    return Settings(home=tmp_path / "home", policy_file=policy)


@pytest.fixture(scope="module")
def notice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("notice") / "notice.wav"
    subprocess.run(["flite", "-voice", "kal", "-t", NOTICE, "-o", str(path)], check=True)
    return path


def test_a_policy_with_a_whole_notice_loads_with_it(tmp_path: Path, notice: Path) -> None:
    policies = consent_policies(_policy(tmp_path, notice))
    assert [p.name for p in policies.for_campaign("SOLAR").prompts] == ["notice"]
    assert policies.for_campaign("OTHER").prompts == ()


def test_a_clipped_notice_is_refused_naming_the_campaign_and_the_prompt(tmp_path: Path, notice: Path) -> None:
    clipped = tmp_path / "clipped.wav"
    subprocess.run(["sox", str(notice), str(clipped), "trim", "0.1", "0.35"], check=True)
    with pytest.raises(
        InvalidInput, match=r"policy 'SOLAR': prompt audio .*clipped\.wav: prompt 'notice' has 0\.\d+ s"
    ):
        consent_policies(_policy(tmp_path, clipped))


def test_a_missing_notice_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"policy 'SOLAR': prompt audio .*gone\.wav: No such file or directory$"):
        consent_policies(_policy(tmp_path, tmp_path / "gone.wav"))


def test_the_bad_one_of_several_prompts_is_named(tmp_path: Path, notice: Path) -> None:
    """With several references, the error says which file is not audio, or is a folder."""
    junk = tmp_path / "menu.wav"
    junk.write_bytes(b"RIFF not really a wave file" * 40)
    references = [PromptReference("notice", str(notice)), PromptReference("menu", str(junk))]
    with pytest.raises(InvalidInput, match=r"^prompt audio .*menu\.wav: not_audio: "):
        checked_prompt_templates(references)
    with pytest.raises(InvalidInput, match=r"^prompt audio .*: Is a directory$"):
        checked_prompt_templates([PromptReference("folder", str(tmp_path))])
    assert [t.name for t in checked_prompt_templates(references[:1])] == ["notice"]
