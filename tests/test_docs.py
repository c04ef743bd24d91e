"""Every command the project adds has help and is documented in the README (sqlite-utils' habit)."""

from pathlib import Path

import pytest

from crawler.paths import PROJECT_ROOT
from tests.support.scrapy_run import run_scrapy

COMMANDS = sorted(p.stem for p in (PROJECT_ROOT / "crawler" / "commands").glob("*.py") if p.stem != "__init__")
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    assert f"scrapy {command}" in README


def test_every_command_has_help():
    listing = run_scrapy("-h")
    assert listing.returncode == 0, listing.stderr
    for command in COMMANDS:
        line = next((l for l in listing.stdout.splitlines() if l.strip().startswith(command + " ")), "")
        assert len(line.split(None, 1)) == 2, f"`scrapy {command}` has no one-line description"


def test_docs_named_in_the_readme_exist():
    for name in ("docs/architecture.md", "docs/review.md", "docs/publish.md", "docs/distributed.md"):
        assert name in README, f"README does not point to {name}"
        assert Path(PROJECT_ROOT / name).is_file()
