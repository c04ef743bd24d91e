"""The single writer: moves the workers' pages from Redis into SQLite, then records the run.

Reliable-queue pattern: an item is moved (BLMOVE) from the run's item list to a processing
list, stored in one SQLite transaction, and only then removed from the processing list.
A writer killed in between finds it there on restart and stores it again; the
`ingested_pages` row written in the same transaction as the page makes that second store
(and a page fetched twice because its worker died) a no-op, so each URL is stored once a run.

Workers send each page extracted and judged (worker.py); the writer only matches it against
the catalogue in the database (accepted rows and "not same" pairs included) and stores it.
A page sent raw, by an older worker or one with DISTRIBUTED_WORKER_ANALYSIS=0, is analysed
here in full, as `crawlall` does.
"""

from __future__ import annotations

import json
import logging
import time
import uuid

from crawler.alerts import facts_empty_share, previous_site_result, record_alerts, site_alerts
from crawler.analyse.analyser import Analysis
from crawler.distributed import keys_for, redis_client
from crawler.distributed.frontier import SiteFrontier
from crawler.distributed.worker import decode_item
from crawler.items import FetchedPage
from crawler.pipelines import CoursePipeline
from crawler.runlog import close_run, site_figures
from crawler.storage import INGESTED_PAGES as INGESTED_TABLE  # a migration too; kept for older databases
from crawler.storage import add_candidate_urls, close_stale_runs, open_db, record_site_result, start_run
from crawler.summary import format_summary

logger = logging.getLogger(__name__)

# The writer's lease on a run; refreshed every loop, so a second writer is refused while this one lives.
WRITER_LOCK_MS = 30_000
# How long the run must look finished (no worker, nothing queued) before the writer closes it:
# covers a worker that was started but has not yet said which sites it crawls.
DEFAULT_FINISH_GRACE = 5.0
DEFAULT_REPORT_INTERVAL = 5.0
POP_TIMEOUT = 1.0

EXIT_OK, EXIT_RUN_FAILED, EXIT_CONFIG, EXIT_ALERTS = 0, 1, 2, 3

REFRESH_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


class WriterBusy(Exception):
    """Another writer holds this run."""


class SiteStats:
    """The part of Scrapy's stats collector CoursePipeline uses, one per site."""

    def __init__(self):
        self.values: dict = {}

    def inc_value(self, key, count=1, start=0, spider=None):
        self.values[key] = self.values.get(key, start) + count

    def get_value(self, key, default=None, spider=None):
        return self.values.get(key, default)

    def set_value(self, key, value, spider=None):
        self.values[key] = value

    def get_stats(self, spider=None):
        return self.values


class _PipelineHost:
    """What CoursePipeline reads from a crawler: settings, stats and the run it stores into."""

    def __init__(self, settings, run_id: int):
        self.settings = settings
        self.stats = SiteStats()
        self.course_run_id = run_id


def merge_worker_stats(snapshots: list[dict]) -> dict:
    """Counters added up over workers; times the earliest start and the latest finish."""
    merged: dict = {}
    for snapshot in snapshots:
        for key, value in snapshot.items():
            if key == "finish_reason":
                continue
            if key not in merged:
                merged[key] = value
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                merged[key] = merged[key] + value
            elif key == "start_time":
                merged[key] = min(merged[key], value)
            elif key == "finish_time":
                merged[key] = max(merged[key], value)
    merged["distributed/workers"] = len(snapshots)
    return merged


def finish_reason_of(closed: str | None, snapshots: list[dict]) -> str | None:
    if closed:
        return closed
    reasons = [s.get("finish_reason") for s in snapshots if s.get("finish_reason")]
    unusual = [r for r in reasons if r != "finished"]
    return unusual[0] if unusual else ("finished" if reasons else None)


class Writer:
    def __init__(self, settings, out=print, follow: bool = False):
        self.settings = settings
        self.out = out
        self.follow = follow
        self.keys = keys_for(settings)
        self.server = redis_client(settings)
        self.grace = settings.getfloat("DISTRIBUTED_FINISH_GRACE", DEFAULT_FINISH_GRACE)
        self.report_interval = settings.getfloat("DISTRIBUTED_REPORT_INTERVAL", DEFAULT_REPORT_INTERVAL)
        self.db_path = settings.get("DATABASE")
        self.lock_token = uuid.uuid4().hex
        self._refresh_lock = self.server.register_script(REFRESH_LOCK)
        self.pipeline: CoursePipeline | None = None
        self.host: _PipelineHost | None = None
        self.site_stats: dict[str, SiteStats] = {}
        self.finished_sites: set[str] = set()
        self.stored = self.duplicates = self.failed = 0
        self.first_store: float | None = None
        self.last_store: float | None = None

    # -- the loop ------------------------------------------------------------

    def run(self) -> int:
        if not self.server.set(self.keys.writer_lock, self.lock_token, nx=True, px=WRITER_LOCK_MS):
            raise WriterBusy(f"another `scrapy ingest` is writing run {self.keys.run}; one writer per run")
        try:
            return self._run()
        except KeyboardInterrupt:
            if not (self.follow and self.pipeline is not None):
                raise
            # --follow ends here: the run is closed with what the workers have reported so far.
            for site in self.registered_sites():
                if site not in self.finished_sites:
                    self.finish_site(site)
            return self.finish_run()
        finally:
            if self.server.get(self.keys.writer_lock) == self.lock_token.encode():
                self.server.delete(self.keys.writer_lock)
            if self.pipeline is not None:
                self.pipeline.db.conn.close()

    def _run(self) -> int:
        requeued = self._requeue_processing()
        if requeued:
            self.out(f"ingest: {requeued} items a previous writer had not confirmed are queued again")
        self.out(f"ingest: writing run {self.keys.run} from {self.settings.get('DISTRIBUTED_REDIS_URL')} "
                 f"into {self.db_path}")
        finished_since = None
        next_report = time.monotonic() + self.report_interval
        while True:
            if not self._refresh_lock(keys=[self.keys.writer_lock], args=[self.lock_token, WRITER_LOCK_MS]):
                raise WriterBusy(f"lost the writer lock of run {self.keys.run} (stalled for {WRITER_LOCK_MS} ms?)")
            data = self.server.blmove(self.keys.items, self.keys.items_processing, POP_TIMEOUT, "RIGHT", "LEFT")
            if data is not None:
                self.store(data)
            now = time.monotonic()
            if now >= next_report:
                self.out(self.progress_line())
                next_report = now + self.report_interval
            if data is not None:
                continue
            if self.crawl_finished():
                finished_since = finished_since or now
                if now - finished_since >= self.grace and not self.follow:
                    return self.finish_run()
            else:
                finished_since = None

    def _requeue_processing(self) -> int:
        count = 0
        while self.server.lmove(self.keys.items_processing, self.keys.items, "RIGHT", "RIGHT") is not None:
            count += 1
        return count

    # -- storing -------------------------------------------------------------

    def _ensure_run(self) -> None:
        if self.pipeline is not None:
            return
        db = open_db(self.db_path)
        try:
            db.execute(INGESTED_TABLE)
            field = str(db.conn.execute("PRAGMA database_list").fetchone()[2] or self.db_path)
            known = self.server.hget(self.keys.sqlite_run_id, field)
            row = db.execute("SELECT id FROM runs WHERE id = ?", [int(known)]).fetchone() if known else None
            if row:
                run_id = row[0]  # a restarted writer carries on with its run
                db.execute("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?", [run_id])
            else:
                close_stale_runs(db)
                mode = (self.server.get(self.keys.mode) or b"live").decode()
                run_id = start_run(db, sorted(self.registered_sites()), mode)
                self.server.hset(self.keys.sqlite_run_id, field, run_id)
            db.conn.commit()
        finally:
            db.conn.close()
        self.host = _PipelineHost(self.settings, run_id)
        self.pipeline = CoursePipeline(self.host)
        self.pipeline.open_spider()
        self.out(f"ingest: run {self.keys.run} is run {run_id} in the database")

    @property
    def run_id(self) -> int:
        return self.host.course_run_id

    def stats_for(self, site: str) -> SiteStats:
        return self.site_stats.setdefault(site, SiteStats())

    def store(self, data: bytes) -> None:
        """Store one item in one transaction, then confirm it to Redis."""
        self._ensure_run()
        db = self.pipeline.db
        try:
            page, analysed = decode_item(data)
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("Skipped an unreadable item from Redis: %s", exc)
            self.failed += 1
            self.server.lrem(self.keys.items_processing, 1, data)
            return
        try:
            with db.atomic():
                seen = db.execute("SELECT 1 FROM ingested_pages WHERE run_id = ? AND url = ?",
                                  [self.run_id, page.url]).fetchone()
                if seen:
                    self.duplicates += 1
                    self.stats_for(page.site).inc_value("distributed/duplicate_items")
                else:
                    self.pipeline.stats = self.stats_for(page.site)
                    if analysed is None:
                        self.pipeline.store_page(page)  # from a worker that sends raw pages
                    else:
                        self.store_analysed(page, analysed)
                    db.execute("INSERT INTO ingested_pages (run_id, url, ingested_at) VALUES (?, ?, ?)",
                               [self.run_id, page.url, page.fetched_at or ""])
        except Exception as exc:  # one bad page must not stop the writer; the crawl logs and skips it too
            logger.error("Could not store %s: %s", page.url, exc, exc_info=True)
            self.failed += 1
            self.stats_for(page.site).inc_value("errors/store_failed")
        else:
            if not seen:
                self.stored += 1
                self.last_store = time.monotonic()
                self.first_store = self.first_store or self.last_store
                self.server.incr(self.keys.items_stored)
        self.server.lrem(self.keys.items_processing, 1, data)

    def store_analysed(self, page: FetchedPage, analysed: dict) -> dict:
        """CoursePipeline.store_page for a page the worker extracted and judged: only match and store."""
        pipeline = self.pipeline
        unchanged = pipeline.skip_if_unchanged(page)
        if unchanged:
            return unchanged  # the worker's extraction is discarded: only the pages table knows
        analysis = Analysis(page.url, pipeline.registry.get(page.site), analysed["facts"], analysed["verdict"],
                            None, analysed["search_terms"])
        try:
            pipeline.analyser.complete(analysis, canonical_url=page.canonical_url or page.url)
        except Exception as exc:  # logged and skipped as store_page does with a page that breaks the analyser
            return pipeline.analysis_failed(page, exc)
        return pipeline.write_page(page, analysis)

    # -- finishing -------------------------------------------------------------

    def registered_sites(self) -> list[str]:
        return sorted(s.decode() for s in self.server.smembers(self.keys.sites))

    def crawl_finished(self) -> bool:
        """Every site's workers are gone and its frontier drained, and every item is stored."""
        sites = self.registered_sites()
        if not sites:
            return False
        for site in sites:
            frontier = SiteFrontier(self.server, self.keys, site)
            requeued = frontier.reap()  # a killed worker's leases go back to the queue for the live ones
            if requeued:
                self.out(f"ingest: {site}: {requeued} requests leased by a worker that stopped answering are queued again")
            progress = frontier.progress()
            if progress["workers"] or not (progress["closed"] or (progress["queued"] == 0 and progress["in_flight"] == 0)):
                return False
        if self.server.llen(self.keys.items) or self.server.llen(self.keys.items_processing):
            return False
        for site in sites:
            if site not in self.finished_sites:
                self.finish_site(site)
        return True

    def finish_site(self, site: str) -> None:
        """The site's run_sites row and alerts, as RunRecorder writes them in a one-process crawl."""
        self._ensure_run()
        db = self.pipeline.db
        frontier = SiteFrontier(self.server, self.keys, site)
        snapshots = [json.loads(v) for v in self.server.hvals(self.keys.site(site, "stats"))]
        stats = merge_worker_stats(snapshots)
        for key, value in self.stats_for(site).values.items():
            stats[key] = stats.get(key, 0) + value
        closed = self.server.get(frontier.closed)
        figures = site_figures(stats, finish_reason_of(closed.decode() if closed else None, snapshots))
        aliases: dict[str, set[str]] = {}
        for member in self.server.smembers(frontier.aliases):
            target, _, old = member.decode().partition("\t")
            aliases.setdefault(target, set()).add(old)
        mode = (self.server.get(self.keys.mode) or b"live").decode()
        with db.atomic():
            for target, old_urls in aliases.items():
                add_candidate_urls(db, target, sorted(old_urls))
        previous = previous_site_result(db, self.run_id, site, mode)
        empty_share, course_pages_seen = facts_empty_share(db, self.run_id, site)
        alerts = site_alerts(figures, stats, previous, empty_share, course_pages_seen)
        with db.atomic():
            record_site_result(db, self.run_id, site, figures, stats)
            record_alerts(db, self.run_id, site, alerts)
        self.finished_sites.add(site)

    def finish_run(self) -> int:
        self._ensure_run()
        db = self.pipeline.db
        db.execute("UPDATE runs SET sites = ? WHERE id = ?", [json.dumps(self.registered_sites()), self.run_id])
        db.conn.commit()
        summary = close_run(db, self.run_id)
        db.conn.commit()
        self.out(format_summary(summary))
        self.out(self.throughput_line())
        if summary["failed"]:
            return EXIT_RUN_FAILED
        return EXIT_ALERTS if summary["alerts"] else EXIT_OK

    # -- reporting -------------------------------------------------------------

    def items_per_second(self) -> float:
        if not self.stored or self.first_store is None or self.last_store == self.first_store:
            return 0.0
        return (self.stored - 1) / (self.last_store - self.first_store)

    def throughput_line(self) -> str:
        return (f"ingest: stored {self.stored} items ({self.items_per_second():.1f} items/s), "
                f"{self.duplicates} duplicates skipped, {self.failed} failed")

    def progress_line(self) -> str:
        status = run_status(self.server, self.keys)
        line = (f"ingest: {self.stored} stored ({self.items_per_second():.1f}/s), {status['items_waiting']} waiting; "
                f"frontier {status['queued']} queued, {status['in_flight']} in flight; {status['workers']} workers")
        if status["queued"] and not status["workers"]:
            line += " - requests are queued but no worker is running: start one"
        return line


def run_status(server, keys) -> dict:
    """A snapshot of a run for `scrapy ingest --status` and the writer's progress lines."""
    sites = {}
    for name in sorted(s.decode() for s in server.smembers(keys.sites)):
        frontier = SiteFrontier(server, keys, name)
        sites[name] = {**frontier.progress(), "responses": int(server.get(keys.site(name, "responses")) or 0)}
    return {
        "run": keys.run,
        "sites": sites,
        "queued": sum(s["queued"] for s in sites.values()),
        "in_flight": sum(s["in_flight"] for s in sites.values()),
        "workers": len({w for name in sites for w in server.smembers(keys.site(name, "workers"))}),
        "items_waiting": server.llen(keys.items) + server.llen(keys.items_processing),
        "items_stored": int(server.get(keys.items_stored) or 0),
        "writer": bool(server.exists(keys.writer_lock)),
    }


def format_status(status: dict) -> str:
    lines = [f"Run {status['run']}: {status['workers']} workers, writer {'running' if status['writer'] else 'not running'}",
             f"items: {status['items_waiting']} waiting for the writer, {status['items_stored']} stored",
             f"{'site':<20} {'queued':>8} {'in flight':>9} {'seen':>8} {'fetched':>8} {'workers':>7}  closed"]
    for name, site in status["sites"].items():
        lines.append(f"{name:<20} {site['queued']:>8} {site['in_flight']:>9} {site['seen']:>8} "
                     f"{site['responses']:>8} {site['workers']:>7}  {site['closed'] or ''}")
    return "\n".join(lines)
