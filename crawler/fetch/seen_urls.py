"""The dupefilter, also remembering the URL strings it has judged, so the spider can skip
building a Request the dupefilter would only drop.

A site's menus and footers put the same links on every page: in a crawl of a generated
1,000-page site the spider yielded 5.5 link requests a page and the dupefilter dropped 4.5
of them, after each had been built and carried through every spider middleware and the
engine. Scrapy's dupefilter knows only fingerprints; this one also keeps the exact URLs of
the plain GET requests it has seen, and the spider asks it before making a Request.

A URL is remembered only once a request for it reached the dupefilter, never when the spider
merely yielded it: a request dropped on the way (too deep for DEPTH_LIMIT, cut by the link-trap
middleware) is not seen, so the same URL linked from a shallower page is still followed.
Skipping a remembered URL is therefore exactly what the dupefilter would have done with it; only
the count of filtered duplicates moves, from ``dupefilter/filtered`` to ``links/already_seen``.
"""

from __future__ import annotations

from scrapy.dupefilters import RFPDupeFilter

# Distinct URLs of the biggest site's crawl, with room to spare; forgetting is always safe.
MAX_REMEMBERED = 500_000


class SeenUrlDupeFilter(RFPDupeFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._seen_urls: set[str] = set()

    def request_seen(self, request) -> bool:
        seen = super().request_seen(request)
        if request.method == "GET" and not request.body and not request.meta.get("verbatim_url"):
            if len(self._seen_urls) >= MAX_REMEMBERED:
                self._seen_urls.clear()
            self._seen_urls.add(request.url)
        return seen

    def has_seen_url(self, url: str) -> bool:
        """True if a plain GET request for exactly this URL has already reached the dupefilter."""
        return url in self._seen_urls


def seen_url_filter(crawler) -> SeenUrlDupeFilter | None:
    """The crawl's dupefilter when it remembers URLs (not in a distributed crawl), else None."""
    try:
        engine = crawler.engine
    except RuntimeError:  # Scrapy 2.19 raises before the crawl starts (a spider driven by a test)
        return None
    scheduler = getattr(engine, "scheduler", None) if engine is not None else None
    dupefilter = getattr(scheduler, "df", None)
    return dupefilter if isinstance(dupefilter, SeenUrlDupeFilter) else None
