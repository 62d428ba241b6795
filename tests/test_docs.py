"""The docs stay true: generated references match the code, the README names every command."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from storyline.cli import cli
from storyline.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_references_are_up_to_date():
    for path, text in _gen_docs().outputs().items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is stale: run `python scripts/gen_docs.py`"
        )


def test_readme_names_every_command_and_links_the_references():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert re.search(rf"storyline {name}\b", readme), f"README does not mention {name}"
    assert "docs/cli.md" in readme and "docs/configuration.md" in readme


def test_every_setting_has_help():
    for setting in SETTINGS:
        assert setting.help.strip(), setting.name


def test_readme_quick_start_is_the_two_make_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    assert re.findall(r"^make \w+$", quick, re.M) == ["make run", "make test"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)
