"""The worker's side: heartbeat, staying open while the shared crawl runs, shared page cap, analysed items to Redis."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.extensions.closespider import CloseSpider
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

import scope_rules
from crawler.analyse.analyser import Analysis, PageAnalyser
from crawler.distributed import DEFAULT_WORKER_TTL, HEARTBEAT_INTERVAL, keys_for, new_worker_id, redis_client
from crawler.distributed.frontier import SiteFrontier
from crawler.items import FetchedPage
from crawler.paths import project_path
from crawler.registry import load_registry
from crawler.terms import load_terms

logger = logging.getLogger(__name__)

# The worker's counters are copied to Redis this often, for the writer's run_sites row.
STATS_INTERVAL = 5.0
CODEC_VERSION = 1


def encode_page(page: FetchedPage, analysis: Analysis | None = None) -> bytes:
    """JSON, not pickle: the writer must never run code that arrived through Redis.

    With the worker's analysis (not matched yet), the writer only matches and stores. The
    "analysis" key is optional in format 1: a writer predating it ignores it and extracts
    the page itself, and an item without it (an older worker) is analysed by the writer.
    """
    fields = dataclasses.asdict(page)
    # The page's links travel beside the page, not in it: a writer that predates the field
    # ignores them rather than refusing the item. A writer that knows them stores them, so a
    # later night's spider need not parse the page again.
    links = fields.pop("links")
    fields["body"] = base64.b64encode(page.body).decode("ascii")
    message = {"v": CODEC_VERSION, "page": fields}
    if links is not None:
        message["links"] = links
    if analysis is not None:
        message["analysis"] = {"facts": analysis.facts, "verdict": analysis.verdict,
                               "search_terms": analysis.search_terms}
    return json.dumps(message).encode()


def decode_item(data: bytes) -> tuple[FetchedPage, dict | None]:
    """The page and the worker's analysis fields (facts, verdict, search_terms), None from an older worker."""
    message = json.loads(data)
    if message.get("v") != CODEC_VERSION:
        raise ValueError(f"item format {message.get('v')!r}, expected {CODEC_VERSION}")
    fields = message["page"]
    fields["body"] = base64.b64decode(fields["body"])
    page = FetchedPage(**fields, links=message.get("links"))
    analysed = message.get("analysis")
    if analysed is not None and not (isinstance(analysed, dict) and isinstance(analysed.get("facts"), dict)
                                     and isinstance(analysed.get("verdict"), dict)
                                     and isinstance(analysed.get("search_terms"), list)):
        # The page itself is sound: the writer analyses it, rather than losing it.
        logger.warning("Item for %s has an analysis without facts, verdict and search terms; analysing it here",
                       page.url)
        analysed = None
    return page, analysed


def decode_page(data: bytes) -> FetchedPage:
    return decode_item(data)[0]


def plain_stats(stats: dict) -> dict:
    return {k: v if isinstance(v, (int, float, str, bool)) or v is None else str(v) for k, v in stats.items()}


class RedisItemPipeline:
    """Extracts and judges each fetched page, then pushes page and analysis onto the run's item list.

    Matching needs the catalogue and storing needs the database, both on the writer's
    machine; extraction, the scope rules and search terms need neither, so they run here,
    where adding workers adds cores. DISTRIBUTED_WORKER_ANALYSIS=0 pushes raw pages and
    leaves all of it to the writer (cheaper for workers on nights when most pages are
    unchanged, which only the writer can tell).
    """

    def __init__(self, crawler):
        settings = crawler.settings
        self.keys = keys_for(settings)
        self.server = redis_client(settings)
        self.stats = crawler.stats
        self.analyser = None
        if settings.getbool("DISTRIBUTED_WORKER_ANALYSIS", True):
            scope_rules.use_terms_file(project_path(settings.get("SCOPE_TERMS_FILE")))
            # No catalogue: workers never match, so they never read the database or the CSV.
            self.analyser = PageAnalyser(load_registry(settings.get("SITES_FILE")),
                                         load_terms(settings.get("SEARCH_TERMS_FILE")))

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def analyse(self, page: FetchedPage) -> Analysis | None:
        """The page extracted and judged, not matched; None leaves it to the writer (which logs a failure)."""
        if self.analyser is None:
            return None
        try:
            analysis = self.analyser.analyse(page.body, page.url, encoding=page.encoding,
                                             site=self.analyser.registry.get(page.site), match=False)
        except Exception as exc:  # the writer analyses it again, and logs and counts it if it fails there too
            logger.warning("Could not analyse %s, left to the writer: %r", page.url, exc)
            self.stats.inc_value("distributed/analysis_left_to_writer")
            return None
        self.stats.inc_value("distributed/items_analysed")
        return analysis

    def process_item(self, item, spider=None):
        if not isinstance(item, FetchedPage):
            return item
        analysis = self.analyse(item)
        try:
            data = encode_page(item, analysis)
        except (TypeError, ValueError) as exc:  # a fact JSON cannot hold: the writer extracts this page itself
            logger.warning("Could not send the analysis of %s, left to the writer: %r", item.url, exc)
            self.stats.inc_value("distributed/analysis_left_to_writer")
            data = encode_page(item)
        # Pushed before the request's lease is released (frontier.py): a killed worker's
        # page is fetched again rather than lost; the writer stores a URL once per run.
        self.server.lpush(self.keys.items, data)
        self.stats.inc_value("distributed/items_pushed")
        # What Scrapy logs as scraped: a summary, as CoursePipeline returns, not the page's body.
        return {"url": item.url, "site": item.site, "queued_for_writer": True}


class SharedCloseSpider(CloseSpider):
    """CloseSpider whose page cap (the registry's max_pages) counts every worker's pages, not one's."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.server = redis_client(crawler.settings)
        self.keys = keys_for(crawler.settings)
        self.closing = False

    def page_count(self, response, request, spider=None):
        name = self.crawler.spider.name
        shared = self.server.incr(self.keys.site(name, "responses"))
        self.counter["pagecount"] += 1
        self.counter["pagecount_since_last_item"] += 1
        if self.close_on["pagecount"] and shared >= self.close_on["pagecount"] and not self.closing:
            self.closing = True
            # The other workers see the flag on their next heartbeat and close too.
            self.server.set(self.keys.site(name, "closed"), "closespider_pagecount")
            self._close_spider("closespider_pagecount")
        if self.close_on["pagecount_no_item"] and (
            self.counter["pagecount_since_last_item"] >= self.close_on["pagecount_no_item"]
        ):
            self._close_spider("closespider_pagecount_no_item")


class WorkerExtension:
    """Keeps a worker registered and alive while the shared crawl of its site goes on.

    A plain Scrapy spider on scrapy-redis's scheduler closes the moment the shared queue is
    empty, although another worker may be about to queue more. This one stays open while
    any request of the site is queued or leased anywhere, and closes when neither is true:
    a leased request's follow-ups are queued before its lease is released, so "nothing
    queued, nothing leased" cannot change back.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.settings = crawler.settings
        self.keys = keys_for(crawler.settings)
        self.server = redis_client(crawler.settings)
        self.ttl_ms = int(1000 * (crawler.settings.getfloat("DISTRIBUTED_WORKER_TTL") or DEFAULT_WORKER_TTL))
        self.frontier: SiteFrontier | None = None
        self.loop: task.LoopingCall | None = None
        self.ticks = 0
        self.closing = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def worker_id(self) -> str:
        if getattr(self.crawler, "distributed_worker_id", None) is None:
            self.crawler.distributed_worker_id = new_worker_id(self.crawler.spider.name)
        return self.crawler.distributed_worker_id

    def spider_opened(self, spider):
        self.frontier = SiteFrontier(self.server, self.keys, spider.name)
        mode = "replay" if self.settings.get("REPLAY") else "live"
        pipe = self.server.pipeline()
        pipe.set(self.keys.heartbeat(self.worker_id), "1", px=self.ttl_ms)
        pipe.sadd(self.frontier.workers, self.worker_id)
        pipe.sadd(self.keys.sites, spider.name)
        pipe.set(self.keys.mode, mode, nx=True)
        pipe.execute()
        logger.info("Worker %s joined run %s (redis %s)", self.worker_id, self.keys.run,
                    self.settings.get("DISTRIBUTED_REDIS_URL"))
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(HEARTBEAT_INTERVAL, now=False)

    def tick(self):
        """Heartbeat; close when another worker hit the shared page cap; wake an idle engine."""
        self.server.set(self.keys.heartbeat(self.worker_id), "1", px=self.ttl_ms)
        self.ticks += 1
        if self.ticks % int(STATS_INTERVAL / HEARTBEAT_INTERVAL) == 0:
            self.push_stats()
            self.requeue_from_dead_workers()
        engine = self.crawler.engine
        closed = self.server.get(self.frontier.closed)
        if closed and not self.closing:
            self.closing = True
            deferred_from_coro(engine.close_spider_async(reason=closed.decode()))
            return
        slot = getattr(engine, "_slot", None)
        if slot is not None:
            # An idle engine asks the scheduler for work only every 5 s; another worker may have queued some.
            slot.nextcall.schedule()

    def requeue_from_dead_workers(self):
        requeued = self.frontier.reap()
        if requeued:
            logger.warning("Requeued %d requests leased by workers that stopped answering", requeued)
            self.crawler.stats.inc_value("distributed/requeued_from_dead_workers", requeued)

    def spider_idle(self, spider):
        self.requeue_from_dead_workers()
        if not self.frontier.is_drained():
            raise DontCloseSpider

    def push_stats(self, finish_reason: str | None = None):
        stats = plain_stats(self.crawler.stats.get_stats())
        if finish_reason:
            stats["finish_reason"] = finish_reason
        self.server.hset(self.keys.site(self.crawler.spider.name, "stats"), self.worker_id, json.dumps(stats))

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.frontier is None:
            return
        self.push_stats(finish_reason=reason)
        # Leases still held (a worker stopped early) go back to the queue at once, not after the TTL.
        pipe = self.server.pipeline()
        pipe.delete(self.keys.heartbeat(self.worker_id))
        pipe.srem(self.frontier.workers, self.worker_id)
        pipe.execute()
        self.frontier.reap()
