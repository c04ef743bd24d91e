"""Bytes that really crossed the wire, apart from responses the HTTP cache answered.

Scrapy's DownloaderStats counts a cached body again on every night; the nightly report
needs what the sites actually sent (a 304 is a few hundred bytes, not the page).
"""

from __future__ import annotations


class WireStatsMiddleware:
    """Outermost downloader middleware: counts each response as it comes off the network (or archive)."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request, response, spider=None):
        if "cached" in response.flags:
            self.stats.inc_value("wire/cache_hits")
            return response
        header_bytes = sum(len(k) + len(v) + 4 for k, values in response.headers.items() for v in values)
        self.stats.inc_value("wire/responses")
        self.stats.inc_value("wire/response_bytes", len(response.body) + header_bytes)
        if response.status == 304:
            self.stats.inc_value("wire/not_modified")
        return response
