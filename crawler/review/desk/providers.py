"""Whether a catalogue entry's provider is the candidate's site, in the matcher's own terms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crawler.match.matching import ProviderResolver
from crawler.registry import load_registry

# (candidate's site key, catalogue entry's provider name) -> same provider?
SameProvider = Callable[[str, str], bool]


def same_provider_from_registry(sites_file: str | Path | None = None) -> SameProvider:
    """The registry's names, former names and aliases decide, as they do for the matcher."""
    resolver = ProviderResolver.from_registry(load_registry(sites_file))

    def same_provider(site: str, provider: str) -> bool:
        return bool(site) and site in resolver.keys(provider or "")

    return same_provider
