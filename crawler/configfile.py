"""The project's configuration files: one error type and one YAML reader for all of them."""

from __future__ import annotations

from pathlib import Path

import yaml


class ConfigError(ValueError):
    """A configuration file or entry is invalid; the message names file, entry and problem."""

    def __init__(self, path: Path | str, entry: str, problem: str):
        self.path, self.entry, self.problem = str(path), entry, problem
        super().__init__(f"{path}: {entry}: {problem}")


def read_yaml(path: Path, error: type[ConfigError] = ConfigError):
    """The parsed file; a missing or unparsable file raises `error` naming it."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(path, "file", "not found") from None
    except yaml.YAMLError as exc:
        raise error(path, "file", f"not valid YAML: {exc}") from None
