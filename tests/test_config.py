"""Settings: one typed table, read from defaults, the config file, the environment, flags."""

from __future__ import annotations

import dataclasses
import logging
import typing

import pytest

from storyline.config import SETTINGS, Settings, load_settings
from storyline.errors import ConfigError


def test_every_field_is_a_declared_setting_with_its_type_and_help():
    hints = typing.get_type_hints(Settings)
    fields = {f.name for f in dataclasses.fields(Settings)}
    assert fields == {s.name for s in SETTINGS}
    for setting in SETTINGS:
        assert hints[setting.name] is setting.type and setting.help.strip()
        assert isinstance(setting.default, setting.type)


def test_layers_resolve_in_order_and_values_are_typed(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('throttle_delay = 3\npoll_workers = 2\ntoken = "from-file"\n')
    env = {"STORYLINE_THROTTLE_DELAY": "0.5", "STORYLINE_TOKEN": "s3cret"}
    settings = load_settings(config, environ=env)
    assert settings.throttle_delay == 0.5 and isinstance(settings.throttle_delay, float)
    assert settings.poll_workers == 2 and settings.token == "s3cret"
    assert settings.replace(poll_workers="7").poll_workers == 7
    with pytest.raises(ConfigError, match="must be int"):
        settings.replace(poll_workers="many")


def test_unknown_names_are_refused_in_the_file_and_reported_from_the_environment(tmp_path, caplog):
    config = tmp_path / "config.toml"
    config.write_text("fetch_timeuot = 3\n")
    with pytest.raises(ConfigError, match="unknown setting 'fetch_timeuot'"):
        load_settings(config, environ={})
    with caplog.at_level(logging.WARNING, logger="storyline.config"):
        settings = load_settings(
            None,
            environ={
                "STORYLINE_CONFIG": str(tmp_path / "none.toml"),
                "STORYLINE_FETCH_TIMEUOT": "3",
            },
        )
    assert settings == Settings()
    assert "STORYLINE_FETCH_TIMEUOT" in caplog.text and "fetch_timeuot" in caplog.text
