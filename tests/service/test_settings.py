"""Settings: validated when built, derived defaults, one EngineConfig, no torch on import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO_ROOT

from models.config import BatchConfig, EngineConfig
from service.settings import Settings


def test_importing_the_settings_loads_no_inference_stack() -> None:
    code = (
        "import sys, service.settings, service.main\n"
        "heavy = [m for m in ('torch', 'transformers', 'sklearn') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    # service.main imports the engines (and torch) — the settings alone must not.
    settings_only = subprocess.run(
        [sys.executable, "-c", code.replace(", service.main", "")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert settings_only.stdout.strip() == ""
    assert "torch" in out.stdout


@pytest.mark.parametrize(
    ("update", "workers"),
    [
        ({}, 32),
        ({"max_batch_size": 8}, 8),
        ({"micro_batching": False}, 1),
        ({"inference_workers": 3}, 3),
    ],
)
def test_inference_workers_default_is_derived_when_built(
    update: dict[str, object], workers: int
) -> None:
    assert Settings(**update).inference_workers == workers  # type: ignore[arg-type]


def test_engine_config_carries_every_setting_it_shares(tmp_path: Path) -> None:
    settings = Settings(
        model_profile="offline",
        model_manifest=tmp_path / "m.toml",
        cache_dir=tmp_path,
        hf_hub_offline=True,
        device="cpu",
        torch_threads=2,
        translation_backend="ctranslate2",
        ct2_compute_type="int8",
        micro_batching=False,
        batch_wait_ms=7.0,
        llm_batch_wait_ms=90.0,
        max_batch_size=4,
        max_batch_tokens=512,
        num_beams=3,
        fixed_new_tokens=5,
    )
    config = settings.engine_config()
    assert isinstance(config, EngineConfig)
    assert (config.model_profile, config.model_manifest, config.cache_dir) == (
        "offline",
        tmp_path / "m.toml",
        tmp_path,
    )
    assert (config.hf_hub_offline, config.device, config.torch_threads) == (True, "cpu", 2)
    assert (config.translation_backend, config.ct2_compute_type) == ("ctranslate2", "int8")
    assert config.batch == BatchConfig(False, 7.0, 4, 512)
    assert config.llm_batch() == BatchConfig(False, 90.0, 4, 512)
    assert (config.generation.num_beams, config.generation.fixed_new_tokens) == (3, 5)


def test_a_bad_value_fails_when_the_settings_are_built() -> None:
    with pytest.raises(ValueError, match="model_loading"):
        Settings(model_loading="lazy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_batch_size"):
        Settings(max_batch_size=0)
