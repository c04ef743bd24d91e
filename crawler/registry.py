"""The site registry: every provider the crawl covers, validated when loaded."""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawler.configfile import ConfigError, built_from_yaml
from crawler.paths import project_path

DEFAULT_SITES_FILE = "data/sites.yaml"

REGIONS = ("south", "north-west", "north-east/north-central", "national", "online")
KINDS = ("university", "medical-school", "online-provider", "funder", "nhs-programme")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
REQUIRED_FIELDS = ("key", "name", "region", "kind", "home", "allowed_domains")
LIST_FIELDS = ("former_names", "aliases", "allowed_domains", "sitemaps", "listings", "follow", "avoid")
KNOWN_FIELDS = set(REQUIRED_FIELDS) | set(LIST_FIELDS) | {
    "search_url", "max_pages", "max_depth", "spider", "notes", "health_focused",
}
DEFAULTS = {"max_pages": 400, "max_depth": 4}
# Hosts whose site site_for_url remembers; past this the memory starts again (a crawl sees a few hundred hosts).
MAX_REMEMBERED_HOSTS = 4096


class RegistryError(ConfigError):
    """data/sites.yaml or one of its entries is invalid."""


@dataclass(frozen=True)
class Site:
    key: str
    name: str
    region: str
    kind: str
    home: str
    allowed_domains: tuple[str, ...]
    former_names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    search_url: str | None = None
    follow: tuple[re.Pattern, ...] = ()
    avoid: tuple[re.Pattern, ...] = ()
    max_pages: int = DEFAULTS["max_pages"]
    max_depth: int = DEFAULTS["max_depth"]
    spider: str | None = None
    notes: str = ""
    # Everything the provider teaches is for health or social care (IHI, NIHR, an NHS programme).
    health_focused: bool = False

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.former_names, *self.aliases)

    def owns_host(self, host: str) -> bool:
        host = host.lower().split(":")[0]
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def start_hosts(self) -> list[str]:
        """Scheme and host of every URL the crawl starts from, home first."""
        urls = [self.home, *self.sitemaps, *self.listings]
        if self.search_url:
            urls.append(self.search_url)
        hosts: list[str] = []
        for url in urls:
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in hosts:
                hosts.append(origin)
        return hosts


@dataclass
class Registry:
    path: Path
    sites: list[Site] = field(default_factory=list)

    def __post_init__(self):
        self._by_key = {site.key: site for site in self.sites}
        # site_for_url's answer per host, for the sites as they were when it was given.
        self._site_by_host: dict[str, Site | None] = {}
        self._sites_answered: tuple[Site, ...] = ()

    def __iter__(self):
        return iter(self.sites)

    def __len__(self):
        return len(self.sites)

    def get(self, key: str) -> Site:
        try:
            return self._by_key[key]
        except KeyError:
            raise KeyError(f"no site {key!r} in {self.path}") from None

    def site_for_key(self, key: str) -> Site | None:
        return self._by_key.get(key)

    def keys(self) -> list[str]:
        return list(self._by_key)

    def site_for_url(self, url: str) -> Site | None:
        """The site whose allowed domains hold the URL's host (the most specific wins)."""
        host = (urlsplit(url).hostname or "").lower()
        # Every page asks, and the answer needs an owns_host per site: remembered per host. The
        # list of sites is the caller's own and may change, so the memory holds while it is equal.
        answered = self._sites_answered
        same_sites = len(answered) == len(self.sites) and all(map(operator.is_, answered, self.sites))
        if not same_sites or len(self._site_by_host) >= MAX_REMEMBERED_HOSTS:
            self._site_by_host = {}
            self._sites_answered = tuple(self.sites)
        try:
            return self._site_by_host[host]
        except KeyError:
            site = self._site_by_host[host] = self._owner(host)
            return site

    def _owner(self, host: str) -> Site | None:
        """site_for_url's answer for a lowercased host, from every site's allowed domains."""
        owners = [s for s in self.sites if s.owns_host(host)]
        if not owners:
            return None
        return max(owners, key=lambda s: max(len(d) for d in s.allowed_domains if host == d or host.endswith("." + d)))


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and validate the registry; raise RegistryError before any request is made."""
    path = project_path(path or DEFAULT_SITES_FILE)
    registry = built_from_yaml(path, RegistryError, _build_registry)
    # Sites are frozen; the list is the caller's own.
    return Registry(path=registry.path, sites=list(registry.sites))


def _build_registry(path: Path, raw) -> Registry:
    if not isinstance(raw, dict) or not isinstance(raw.get("sites"), list):
        raise RegistryError(path, "file", "expected a mapping with a 'sites' list")
    defaults = {**DEFAULTS, **(raw.get("defaults") or {})}
    sites, seen = [], set()
    for index, entry in enumerate(raw["sites"]):
        site = _parse_site(path, index, entry, defaults)
        if site.key in seen:
            raise RegistryError(path, f"site {site.key!r}", "duplicate key")
        seen.add(site.key)
        sites.append(site)
    return Registry(path=path, sites=sites)


def _parse_site(path: Path, index: int, entry, defaults: dict) -> Site:
    label = f"site #{index + 1}"
    if not isinstance(entry, dict):
        raise RegistryError(path, label, "expected a mapping")
    if isinstance(entry.get("key"), str):
        label = f"site {entry['key']!r}"

    def fail(problem: str):
        raise RegistryError(path, label, problem)

    unknown = sorted(set(entry) - KNOWN_FIELDS)
    if unknown:
        fail(f"unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(KNOWN_FIELDS))})")
    for name in REQUIRED_FIELDS:
        if not entry.get(name):
            fail(f"missing required field '{name}'")
    for name in LIST_FIELDS:
        value = entry.get(name, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            fail(f"'{name}' must be a list of non-empty strings")
    if not KEY_PATTERN.match(entry["key"]):
        fail(f"key must match {KEY_PATTERN.pattern}")
    if entry["region"] not in REGIONS:
        fail(f"region {entry['region']!r} is not one of {', '.join(REGIONS)}")
    if entry["kind"] not in KINDS:
        fail(f"kind {entry['kind']!r} is not one of {', '.join(KINDS)}")
    domains = [d.lower() for d in entry["allowed_domains"]]
    for domain in domains:
        if "/" in domain or ":" in domain or "." not in domain:
            fail(f"allowed domain {domain!r} must be a bare domain such as example.ac.uk")
    urls = [entry["home"], *(entry.get("sitemaps") or []), *(entry.get("listings") or [])]
    search_url = entry.get("search_url")
    if search_url is not None:
        if not isinstance(search_url, str) or "{term}" not in search_url:
            fail("search_url must be a URL containing {term}")
        urls.append(search_url)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            fail(f"{url!r} is not an absolute http(s) URL")
        host = parts.hostname.lower()
        if not any(host == d or host.endswith("." + d) for d in domains):
            fail(f"{url!r} is outside allowed_domains {domains}")
    if not (entry.get("sitemaps") or entry.get("listings") or search_url):
        fail("needs at least one of sitemaps, listings or search_url to find courses")
    follow = tuple(_compile(fail, "follow", p) for p in entry.get("follow") or [])
    avoid = tuple(_compile(fail, "avoid", p) for p in entry.get("avoid") or [])
    limits = {}
    for name in ("max_pages", "max_depth"):
        value = entry.get(name, defaults[name])
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            fail(f"'{name}' must be a positive whole number, not {value!r}")
        limits[name] = value
    health_focused = entry.get("health_focused", False)
    if not isinstance(health_focused, bool):
        fail(f"'health_focused' must be true or false, not {health_focused!r}")
    spider = entry.get("spider")
    if spider is not None and not (isinstance(spider, str) and KEY_PATTERN.match(spider)):
        fail(f"'spider' must name a module in spiders/, not {spider!r}")
    return Site(
        key=entry["key"],
        name=entry["name"].strip(),
        region=entry["region"],
        kind=entry["kind"],
        home=entry["home"],
        allowed_domains=tuple(domains),
        former_names=tuple(entry.get("former_names") or ()),
        aliases=tuple(entry.get("aliases") or ()),
        sitemaps=tuple(entry.get("sitemaps") or ()),
        listings=tuple(entry.get("listings") or ()),
        search_url=search_url,
        follow=follow,
        avoid=avoid,
        spider=spider,
        notes=str(entry.get("notes") or ""),
        health_focused=health_focused,
        **limits,
    )


def _compile(fail, field_name: str, pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as exc:
        fail(f"'{field_name}' pattern {pattern!r} is not a valid regular expression: {exc}")
