"""Per-site progress lines on a terminal during `crawlall` (cron gets none: see crawlall)."""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger(__name__)


class SiteProgress:
    """Every PROGRESS_INTERVAL seconds: one line per site with pages, course pages and errors so far."""

    def __init__(self, crawler, interval: float):
        self.crawler, self.interval = crawler, interval
        self.loop = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured  # not wanted (cron, or a single crawl): silent, not a warning
        return cls(crawler, interval)

    def line(self) -> str:
        stats = self.crawler.stats
        errors = sum(v for k, v in stats.get_stats().items() if k.startswith("errors/") and isinstance(v, int))
        return (f"{self.crawler.spider.name}: {stats.get_value('downloader/response_count', 0)} pages, "
                f"{stats.get_value('courses/found', 0)} course pages, "
                f"{stats.get_value('courses/in_scope', 0)} in scope, {errors} errors")

    def spider_opened(self, spider):
        self.loop = task.LoopingCall(lambda: logger.info("%s", self.line()))
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider, reason):
        if self.loop and self.loop.running:
            self.loop.stop()
        logger.info("%s (done: %s)", self.line(), reason)
