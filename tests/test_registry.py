import copy

import pytest
import yaml

from crawler.registry import RegistryError, load_registry

GOOD_SITE = {
    "key": "example_uni",
    "name": "Example University",
    "region": "south",
    "kind": "university",
    "home": "https://www.example.ac.uk/",
    "allowed_domains": ["example.ac.uk"],
    "listings": ["https://www.example.ac.uk/courses/a-z"],
    "search_url": "https://search.example.ac.uk/?q={term}",
    "follow": ["/courses/"],
}


def write(tmp_path, sites, defaults=None):
    path = tmp_path / "sites.yaml"
    document = {"sites": sites}
    if defaults:
        document["defaults"] = defaults
    path.write_text(yaml.safe_dump(document))
    return path


def with_change(**change):
    site = copy.deepcopy(GOOD_SITE)
    for name, value in change.items():
        if value is None:
            site.pop(name, None)
        else:
            site[name] = value
    return site


def test_a_good_entry_loads_with_defaults(tmp_path):
    registry = load_registry(write(tmp_path, [GOOD_SITE], defaults={"max_pages": 50}))
    site = registry.get("example_uni")
    assert site.max_pages == 50 and site.max_depth == 4
    assert site.follow[0].search("https://www.example.ac.uk/courses/msc-x")
    assert site.start_hosts() == ["https://www.example.ac.uk", "https://search.example.ac.uk"]


def test_site_for_url_uses_allowed_domains(tmp_path):
    registry = load_registry(write(tmp_path, [GOOD_SITE]))
    assert registry.site_for_url("https://study.example.ac.uk/x").key == "example_uni"
    assert registry.site_for_url("https://notexample.ac.uk/x") is None


@pytest.mark.parametrize("change, problem", [
    # typos and missing fields
    ({"kye": "x"}, "unknown field(s) kye"),
    ({"name": None}, "missing required field 'name'"),
    ({"region": "south-east"}, "region 'south-east' is not one of"),
    ({"kind": "college"}, "kind 'college' is not one of"),
    ({"key": "Example-Uni"}, "key must match"),
    # URLs and domains
    ({"home": "www.example.ac.uk"}, "is not an absolute http(s) URL"),
    ({"listings": ["https://www.other.ac.uk/a-z"]}, "is outside allowed_domains"),
    ({"allowed_domains": ["https://example.ac.uk"]}, "must be a bare domain"),
    ({"search_url": "https://www.example.ac.uk/search?q=term"}, "must be a URL containing {term}"),
    ({"listings": None, "search_url": None}, "needs at least one of sitemaps, listings or search_url"),
    # patterns and limits
    ({"follow": ["/courses/("]}, "is not a valid regular expression"),
    ({"max_pages": 0}, "'max_pages' must be a positive whole number"),
    ({"aliases": "LSBU"}, "'aliases' must be a list"),
])
def test_a_bad_entry_names_file_entry_and_problem(tmp_path, change, problem):
    path = write(tmp_path, [with_change(**change)])
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    message = str(caught.value)
    assert str(path) in message
    assert "site" in message
    assert problem in message


def test_duplicate_keys_are_refused(tmp_path):
    with pytest.raises(RegistryError, match="duplicate key"):
        load_registry(write(tmp_path, [GOOD_SITE, GOOD_SITE]))


@pytest.mark.parametrize("text, problem", [
    ("sites: [", "not valid YAML"),
    ("- just a list", "expected a mapping with a 'sites' list"),
])
def test_a_broken_file_is_refused(tmp_path, text, problem):
    path = tmp_path / "sites.yaml"
    path.write_text(text)
    with pytest.raises(RegistryError, match=problem):
        load_registry(path)


def test_the_bundled_registry_is_valid_and_covers_the_report():
    registry = load_registry()
    keys = set(registry.keys())
    assert len(registry) >= 25
    assert {"ihi", "bmj_learning", "ou", "nihr", "health_foundation"} <= keys
    london_universities = [s for s in registry if s.kind in ("university", "medical-school") and s.region != "national"]
    assert len(london_universities) >= 20
    assert registry.site_for_url("https://www.kcl.ac.uk/study/postgraduate-taught").name.startswith("King")


def test_a_configuration_file_read_twice_is_parsed_once_and_each_reader_gets_its_own_copy(tmp_path):
    from crawler.configfile import read_yaml

    path = tmp_path / "config.yaml"
    path.write_text("sites:\n  - key: a\n")
    first = read_yaml(path)
    first["sites"].append({"key": "b"})
    assert read_yaml(path) == {"sites": [{"key": "a"}]}
    path.write_text("sites:\n  - key: c\n")  # edited between two reads: read again
    assert read_yaml(path) == {"sites": [{"key": "c"}]}


def test_the_registry_is_validated_once_per_text(tmp_path):
    path = write(tmp_path, [GOOD_SITE])
    first, second = load_registry(path), load_registry(path)
    assert first.sites[0] is second.sites[0]
    assert first.sites is not second.sites  # each caller's list is its own
    write(tmp_path, [with_change(max_pages=7)])
    assert load_registry(path).sites[0].max_pages == 7
