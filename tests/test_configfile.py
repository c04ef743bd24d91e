"""The one YAML reader every configuration file goes through: what it refuses, with file and line."""

import pytest

from crawler.configfile import ConfigError, built_from_yaml, read_yaml


@pytest.mark.parametrize("data, entry, problem", [
    # a key given twice, at any depth: YAML would keep the last one silently
    (b"sites:\n  - key: a\n    max_pages: 5\n    max_pages: 500\n", "line 4", "duplicate key 'max_pages'"),
    (b"defaults: {max_pages: 5}\nsites: []\ndefaults: {max_pages: 9}\n", "line 3", "duplicate key 'defaults'"),
    (b"a: {b: 1, b: 2}\n", "line 1", "duplicate key 'b'"),
    # not text, or not UTF-8
    (b"sites:\n  - name: Universit\xe9\n", "line 2", "not UTF-8 (byte 0xe9)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "line 3", "binary data"),
    # not YAML
    (b"sites: [\n", "file", "not valid YAML"),
])
def test_bad_yaml_is_refused_naming_file_and_line(tmp_path, data, entry, problem):
    path = tmp_path / "sites.yaml"
    path.write_bytes(data)
    with pytest.raises(ConfigError) as raised:
        read_yaml(path)
    assert (raised.value.path, raised.value.entry) == (str(path), entry)
    assert problem in raised.value.problem


@pytest.mark.parametrize("data, expected", [
    (b"a: 1\nb: {a: 2}\n", {"a": 1, "b": {"a": 2}}),                      # the same key in two mappings
    (b"base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", {"base": {"x": 1}, "other": {"x": 1, "y": 2}}),  # merge keys
    ("name: Universit\u00e9\n".encode("utf-8"), {"name": "Universit\u00e9"}),
])
def test_good_yaml_is_read(tmp_path, data, expected):
    path = tmp_path / "ok.yaml"
    path.write_bytes(data)
    assert read_yaml(path) == expected


def _count_builds(calls):
    def build(path, parsed):
        calls.append(parsed)
        if parsed.get("bad"):
            raise ConfigError(path, "file", "bad")
        return {"built": parsed["a"]}
    return build


def test_a_file_is_built_once_per_text(tmp_path):
    path = tmp_path / "conf.yaml"
    calls = []
    build = _count_builds(calls)
    path.write_text("a: 1\n")
    first = built_from_yaml(path, ConfigError, build)
    assert built_from_yaml(path, ConfigError, build) is first
    assert len(calls) == 1
    # An edited file is built again; a bad one raises every time and keeps nothing.
    path.write_text("a: 2\n")
    assert built_from_yaml(path, ConfigError, build) == {"built": 2}
    path.write_text("a: 3\nbad: true\n")
    for _ in range(2):
        with pytest.raises(ConfigError):
            built_from_yaml(path, ConfigError, build)
    assert len(calls) == 4


@pytest.mark.parametrize("name", ["data/sites.yaml", "search_terms.yaml", "data/scope_terms.yaml"])
def test_the_project_files_read_as_pyyamls_own_safe_loader_reads_them(name):
    """The reader uses libyaml's parser where PyYAML has it; the documents must not change."""
    import yaml

    from crawler.configfile import UniqueKeyLoader
    from crawler.paths import PROJECT_ROOT

    text = (PROJECT_ROOT / name).read_text(encoding="utf-8")
    if yaml.__with_libyaml__:
        assert issubclass(UniqueKeyLoader, yaml.CSafeLoader)
    assert yaml.load(text, Loader=UniqueKeyLoader) == yaml.load(text, Loader=yaml.SafeLoader)
