"""What a spider hands to the pipeline: one fetched page, not yet understood."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property


@dataclass
class FetchedPage:
    url: str
    site: str
    status: int
    body: bytes
    content_type: str = ""
    encoding: str | None = None
    fetched_at: str = ""
    # Every URL that led here (the requested URL before redirects, rel=canonical).
    urls: list[str] = field(default_factory=list)
    canonical_url: str = ""
    archive_record: str | None = None
    depth: int = 0
    # The page's links as crawler/fetch/page_links.py stores them, so the next night can skip
    # parsing the page if it has not changed; None when they could not be read.
    links: str | None = None

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the body, computed once: the unchanged-page check and the pages row both need it."""
        return hashlib.sha256(self.body).hexdigest()


@dataclass
class SitemapUnchangedPage:
    """A stored page the spider did not request: the site's sitemap says it has not changed since
    it was last fetched (crawler/fetch/revisits.py). The pipeline only marks it seen."""

    url: str
    site: str
    seen_at: str
    lastmod: str
