"""Builds one spider per site in the registry, so `scrapy list` and `scrapy crawl KEY` just work."""

from __future__ import annotations

import importlib
import inspect
import sys

from crawler.fetch.spider import GenericCourseSpider
import scope_rules
from crawler.catalogue import read_catalogue
from crawler.configfile import ConfigError
from crawler.paths import project_path
from crawler.registry import Registry, RegistryError, Site, load_registry
from crawler.terms import load_terms


def spider_class_for(site: Site) -> type[GenericCourseSpider]:
    """The generic spider, or the site's own subclass from spiders/<name>.py."""
    base = GenericCourseSpider
    if site.spider:
        try:
            module = importlib.import_module(f"spiders.{site.spider}")
        except ImportError as exc:
            raise RegistryError("data/sites.yaml", f"site {site.key!r}",
                                f"spider module spiders/{site.spider}.py cannot be imported: {exc}") from None
        subclasses = [
            obj for obj in vars(module).values()
            if inspect.isclass(obj) and issubclass(obj, GenericCourseSpider) and obj is not GenericCourseSpider
            and obj.__module__ == module.__name__
        ]
        if len(subclasses) != 1:
            raise RegistryError("data/sites.yaml", f"site {site.key!r}",
                                f"spiders/{site.spider}.py must define exactly one GenericCourseSpider subclass")
        base = subclasses[0]
    class_name = "".join(part.capitalize() for part in site.key.split("_")) + "Spider"
    return type(class_name, (base,), {
        "name": site.key,
        "site": site,
        "allowed_domains": list(site.allowed_domains),
        "__module__": base.__module__,
    })


class RegistrySpiderLoader:
    """Scrapy spider loader reading data/sites.yaml (setting SITES_FILE)."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self._spiders = {site.key: spider_class_for(site) for site in registry}

    @classmethod
    def from_settings(cls, settings):
        try:
            registry = load_registry(settings.get("SITES_FILE"))
            # Every configuration file is read now, so a typo stops the run before any request.
            load_terms(settings.get("SEARCH_TERMS_FILE"))
            scope_rules.use_terms_file(project_path(settings.get("SCOPE_TERMS_FILE")))
            read_catalogue(settings.get("CATALOGUE_FILE"))
            return cls(registry)
        except ConfigError as exc:
            # A bad configuration stops the run before any request, with file, entry and reason.
            print(f"configuration error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None

    def load(self, spider_name: str):
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name} (sites are listed in {self.registry.path})") from None

    def list(self) -> list[str]:
        return list(self._spiders)

    def find_by_request(self, request) -> list[str]:
        return [name for name, cls in self._spiders.items() if cls.handles_request(request)]
