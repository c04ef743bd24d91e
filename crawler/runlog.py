"""Run records: one row per run, one per site, and the per-site summary."""

from __future__ import annotations

import logging

from scrapy import signals

from crawler.alerts import facts_empty_share, previous_site_result, record_alerts, run_alerts, site_alerts
from crawler.changes import run_changes
from crawler.storage import finish_run, open_db, record_site_result, start_run
from crawler.summary import run_summary

logger = logging.getLogger(__name__)


def close_run(db, run_id: int) -> dict:
    """Finish a run and return its morning summary (figures, changes, alerts, and whether it failed)."""
    summary = run_summary(db, run_id)
    summary["failed"] = (not summary["sites"] or all(s["pages_fetched"] == 0 for s in summary["sites"].values())
                         or archive_answered_almost_nothing(summary))
    status = "failed" if summary["failed"] else "finished"
    # Finished first, so "not seen for N runs" counts this run too.
    finish_run(db, run_id, status, summary)
    summary["changes"] = run_changes(db, run_id)
    summary["alerts"] = run_alerts(db, run_id)
    finish_run(db, run_id, status, summary)
    return summary


# A replay whose archive answers less than this share of the requests is not a night's crawl
# (an empty or wrong archive): the run fails, so it cannot count towards "not seen".
# Replaying last night's archive answers nearly all of them; new links after a rule change are few.
REPLAY_MIN_ANSWERED_SHARE = 0.1


def archive_answered_almost_nothing(summary: dict) -> bool:
    if summary.get("mode") != "replay":
        return False
    answered = sum(s["pages_fetched"] for s in summary["sites"].values())
    missing = sum(s.get("replay_missing", 0) for s in summary["sites"].values())
    return answered + missing > 0 and answered < REPLAY_MIN_ANSWERED_SHARE * (answered + missing)


def crawl_mode(settings) -> str:
    return "replay" if settings.get("REPLAY") else "live"


def run_id_for(crawler, db) -> int:
    """The run this crawler belongs to: the RUN_ID setting (crawlall), or a new run of its own."""
    run_id = getattr(crawler, "course_run_id", None)
    if run_id is None:
        given = crawler.settings.get("RUN_ID")
        if given:
            run_id = int(given)
        else:
            run_id = start_run(db, [crawler.spidercls.name], crawl_mode(crawler.settings))
            crawler.course_run_owned = True
        crawler.course_run_id = run_id
    return run_id


def site_figures(stats: dict, finish_reason: str | None) -> dict:
    """The summary's figures for one site, from the crawl's counters."""
    errors = sum(v for k, v in stats.items() if k.startswith("errors/") and isinstance(v, int))
    # log_count/ERROR is not used: in one process every crawler counts every crawler's log lines.
    return {
        "finish_reason": finish_reason,
        # A replayed URL missing from the archive is answered 404 without being fetched: not a page.
        "pages_fetched": stats.get("downloader/response_count", 0) - stats.get("archive/replay_missing", 0),
        "course_pages": stats.get("courses/found", 0),
        "candidates_in_scope": stats.get("courses/in_scope", 0),
        "errors": errors,
        "bytes": stats.get("wire/response_bytes", 0),
    }


def _plain(value):
    return value if isinstance(value, (int, float, str, bool)) or value is None else str(value)


class RunRecorder:
    """Extension: writes the site's figures to run_sites when its spider closes."""

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self, spider, reason):
        db = open_db(self.crawler.settings.get("DATABASE"))
        try:
            run_id = run_id_for(self.crawler, db)
            stats = {k: _plain(v) for k, v in self.crawler.stats.get_stats().items()}
            figures = site_figures(stats, reason)
            previous = previous_site_result(db, run_id, spider.name, crawl_mode(self.crawler.settings))
            empty_share, course_pages_seen = facts_empty_share(db, run_id, spider.name)
            alerts = site_alerts(figures, stats, previous, empty_share, course_pages_seen)
            with db.atomic():
                record_site_result(db, run_id, spider.name, figures, stats)
                record_alerts(db, run_id, spider.name, alerts)
            logger.info(
                "Site %s: %d pages fetched, %d course pages, %d in scope, %d errors (%s)",
                spider.name, figures["pages_fetched"], figures["course_pages"],
                figures["candidates_in_scope"], figures["errors"], reason,
            )
            for alert in alerts:
                logger.error("ALERT %s %s: %s", spider.name, alert["kind"], alert["message"])
            if getattr(self.crawler, "course_run_owned", False):
                finish_run(db, run_id, "finished", {spider.name: figures})
        finally:
            db.conn.close()
