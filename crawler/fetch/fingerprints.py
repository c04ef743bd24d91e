"""Scrapy's request fingerprint, worked out once per URL rather than once per Request.

The dupefilter and the HTTP cache fingerprint every Request, and a page's menu links make a
new Request for the same URL on every page: each costs a canonicalize_url, a JSON dump and
a SHA-1. Scrapy remembers a fingerprint per Request object only; this remembers it per
(method, URL, body), all the default fingerprint depends on. The fingerprints are Scrapy's own.
"""

from __future__ import annotations

from scrapy.utils.request import RequestFingerprinter

# Distinct URLs of the biggest site's crawl, with room to spare; cleared when full.
MAX_REMEMBERED = 500_000


class RememberingFingerprinter(RequestFingerprinter):
    def __init__(self, crawler=None):
        super().__init__(crawler)
        self._known: dict[tuple[str, str, bytes], bytes] = {}

    def fingerprint(self, request) -> bytes:
        if request.meta.get("verbatim_url"):
            return super().fingerprint(request)  # fingerprinted from the URL as given: rare
        key = (request.method, request.url, request.body)
        known = self._known.get(key)
        if known is None:
            if len(self._known) >= MAX_REMEMBERED:
                self._known.clear()
            known = self._known[key] = super().fingerprint(request)
        return known
