"""Honour a site's `Retry-After` on 429 and 503: wait as long as it asks (up to RETRY_AFTER_MAX), for the whole site.

Scrapy's RetryMiddleware retries these at once, so a site that asked for 20 s of quiet
got three requests in a second and the page was given up. This middleware sits just
outside it (response order), retries the request itself, and holds back every request
to that download slot until the wait is over.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.utils.defer import deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)

# The statuses RFC 9110 pairs with Retry-After as "come back later".
RETRY_AFTER_STATUSES = (429, 503)


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    """Downloader middleware: a 429/503 with Retry-After pauses its site, then the request is retried."""

    def __init__(self, crawler, max_wait: float):
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_wait = max_wait
        self.resume_at: dict[str, float] = {}  # download slot -> monotonic time its pause ends

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getfloat("RETRY_AFTER_MAX"))

    def _slot(self, request) -> str:
        return self.crawler.engine.downloader.get_slot_key(request)

    async def process_request(self, request, spider=None):
        wait = self.resume_at.get(self._slot(request), 0.0) - time.monotonic()
        if wait > 0:
            await deferred_to_future(deferLater(reactor, wait, lambda: None))
        return None

    def process_response(self, request, response, spider=None):
        if response.status not in RETRY_AFTER_STATUSES:
            return response
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        if asked is None:
            return response  # no Retry-After: Scrapy's RetryMiddleware decides
        wait = min(asked, self.max_wait)
        retry = get_retry_request(request, spider=self.crawler.spider, reason=f"retry_after_{response.status}")
        if retry is None:
            return response
        slot = self._slot(request)
        self.resume_at[slot] = max(self.resume_at.get(slot, 0.0), time.monotonic() + wait)
        self.stats.inc_value("politeness/retry_after")
        self.stats.inc_value("politeness/retry_after_seconds", round(wait))
        if asked > self.max_wait:
            self.stats.inc_value("politeness/retry_after_capped")
        logger.info("%s asked to wait %.0f s (Retry-After), waiting %.0f s: %s",
                    slot, asked, wait, request.url)
        return retry
