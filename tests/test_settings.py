from __future__ import annotations

from pathlib import Path

import pytest

from retailpulse.errors import ConfigError
from retailpulse.settings import SETTINGS, load_settings, settings_markdown


def test_precedence_override_env_config_default(tmp_path: Path) -> None:
    cfg = tmp_path / "rp.toml"
    cfg.write_text('[retailpulse]\nbatch_size = 10\nport = 9000\nhost = "0.0.0.0"\n')
    env = {"RETAILPULSE_BATCH_SIZE": "20", "RETAILPULSE_PORT": "9100"}
    s = load_settings(config_file=cfg, env=env, port=9200)
    assert (s.port, s.source("port")) == (9200, "override")
    assert (s.batch_size, s.source("batch_size")) == (20, "env")
    assert (s.host, s.source("host")) == ("0.0.0.0", "config")
    assert s.source("timezone") == "default"


def test_bad_values_name_the_setting() -> None:
    with pytest.raises(ConfigError, match="'batch_size' \\(env RETAILPULSE_BATCH_SIZE\\)"):
        load_settings(env={"RETAILPULSE_BATCH_SIZE": "lots"})
    with pytest.raises(ConfigError, match="must be one of"):
        load_settings(env={"RETAILPULSE_ENRICH_TIER": "magic"})


def test_unknown_config_key_and_missing_file(tmp_path: Path) -> None:
    cfg = tmp_path / "rp.toml"
    cfg.write_text("colour = 'red'\n")
    with pytest.raises(ConfigError, match="Unknown setting 'colour'"):
        load_settings(config_file=cfg)
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(config_file=tmp_path / "none.toml")


def test_lists_and_secrets() -> None:
    s = load_settings(
        env={"RETAILPULSE_COMPETITORS": "Shopee, Zalora", "RETAILPULSE_SECRET_KEY": "k"}
    )
    assert s.competitors == ("Shopee", "Zalora")
    assert s.public()["secret_key"] == "••••"


def test_every_setting_is_documented() -> None:
    page = settings_markdown()
    doc = (Path(__file__).parent.parent / "docs" / "settings.md").read_text(encoding="utf-8")
    for s in SETTINGS:
        assert s.help and f"`{s.name}`" in page
    assert doc == page, (
        "docs/settings.md is stale: run `retailpulse settings --markdown > docs/settings.md`"
    )
