"""The HTTP cache for incremental nights, without hiding a site that has gone.

Scrapy's HttpCacheMiddleware answers a connection error or timeout from the cache
("error recovery"). For a nightly map that is wrong: a site that vanished would look
unchanged for ever. This subclass lets the failure through to retries and the errback,
so it is counted and alerted on.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware


class RevalidatingCacheMiddleware(HttpCacheMiddleware):
    def process_exception(self, request, exception, spider=None):
        if request.meta.pop("cached_response", None) is not None:
            self.stats.inc_value("httpcache/errors_not_hidden")
        return None
