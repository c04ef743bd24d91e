"""The project's configuration files: one error type and one YAML reader for all of them."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml


class ConfigError(ValueError):
    """A configuration file or entry is invalid; the message names file, entry and problem."""

    def __init__(self, path: Path | str, entry: str, problem: str):
        self.path, self.entry, self.problem = str(path), entry, problem
        super().__init__(f"{path}: {entry}: {problem}")


class DuplicateKey(yaml.YAMLError):
    """A mapping names the same key twice; YAML would silently keep the last."""

    def __init__(self, key, line: int):
        self.key, self.line = key, line
        super().__init__(f"duplicate key {key!r}")


# libyaml's parser when PyYAML was built with it (the wheels are): the same documents and
# types as the pure-Python SafeLoader, at a tenth of the time (data/sites.yaml: 85 -> 6 ms,
# the three files a crawl reads: 128 -> 10 ms, paid again by every analysis worker).
# Its error messages are shorter but still give the line and column.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UniqueKeyLoader(_SAFE_LOADER):
    """SafeLoader that refuses a key given twice in one mapping (`max_pages` twice, a second `defaults`)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: SafeLoader reports it itself
                break
            if duplicate:
                raise DuplicateKey(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_text(path: Path, error: type[ConfigError] = ConfigError) -> str:
    """The file as UTF-8 text; a missing, binary or mis-encoded file raises `error` naming it (and the line)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise error(path, "file", "not found") from None
    except IsADirectoryError:
        raise error(path, "file", "is a directory, not a file") from None
    except OSError as exc:
        raise error(path, "file", f"cannot be read: {exc.strerror or exc}") from None
    if b"\0" in data:
        line = data[:data.index(b"\0")].count(b"\n") + 1
        raise error(path, f"line {line}", "binary data (a NUL byte), not a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise error(path, f"line {line}", f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8") from None


def read_yaml(path: Path, error: type[ConfigError] = ConfigError):
    """The parsed file; a missing, unreadable or unparsable file, or a key given twice, raises `error` naming it."""
    return _parsed(path, read_text(path, error), error)


def built_from_yaml(path: Path, error: type[ConfigError], build):
    """``build(path, parsed file)``, run once per text of the file in a process; the result is shared.

    A crawlall opens one crawler per site, and each validated the registry and compiled the
    search terms again (1-2 ms each, 38 and 73 times a replay). ``build`` must raise for a bad
    file (nothing is kept then) and return an object its callers do not change."""
    text = read_text(path, error)
    key = (build, str(path), text)
    built = _BUILT.get(key, _UNSEEN)
    if built is _UNSEEN:
        built = build(path, _parsed(path, text, error))
        if len(_BUILT) >= MAX_PARSED_FILES:
            _BUILT.clear()
        _BUILT[key] = built
    return built


def _parsed(path: Path, text: str, error: type[ConfigError]):
    parsed = _PARSED.get(text, _UNSEEN)
    if parsed is _UNSEEN:
        try:
            parsed = yaml.load(text, Loader=UniqueKeyLoader)
        except DuplicateKey as exc:
            raise error(path, f"line {exc.line}", f"duplicate key {exc.key!r} (YAML would keep only the last)") from None
        except yaml.YAMLError as exc:
            raise error(path, "file", f"not valid YAML: {' '.join(str(exc).split())}") from None
        if len(_PARSED) >= MAX_PARSED_FILES:
            _PARSED.clear()
        _PARSED[text] = parsed
    # A copy, so a caller that changes what it got cannot change what the next caller gets.
    return copy.deepcopy(parsed)


# A crawlall opens one crawler per site, and each read the registry and the search terms again
# with the pure-Python loader (0.06-0.2 s a read, 38 and 73 reads a replay of the snapshot).
# Parsed files are kept by their text, so a file edited between two reads is parsed again.
_PARSED: dict[str, object] = {}
_BUILT: dict[tuple, object] = {}
_UNSEEN = object()
MAX_PARSED_FILES = 16


def sequence_item_lines(path: Path, key: str) -> list[int]:
    """Line numbers of the items of the top-level list `key`, for errors about an item as a whole."""
    node = yaml.compose(read_text(path), Loader=yaml.SafeLoader)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key and isinstance(value_node, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value_node.value]
    return []
