"""`scrapy crawl SITE`, with an exit status a scheduler can trust.

Plain Scrapy exits 0 even when a crawl fetched nothing; this one exits like crawlall:
1 when the site could not be crawled, 3 when the run raised an alert.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.archive import load_replay_index, replay_paths
from crawler.commands.crawlall import EXIT_ALERTS, EXIT_CONFIG, EXIT_RUN_FAILED
from crawler.configfile import ConfigError
from crawler.distributed import is_distributed
from crawler.distributed.commands import worker_exit_status
from crawler.operations.database_file import check_database_file
from crawler.operations.start_up import unlist_remote_control_when_off
from crawler.operations.terminal import quiet_by_default
from crawler.storage import open_db

# Finish reasons of a crawl that did its job (a page cap is the registry's limit, not a failure).
FINISHED_OK = {"finished", "closespider_pagecount"}


class Command(ScrapyCrawlCommand):
    def short_desc(self):
        return "Crawl one site of the registry (live, or from an archive with -s REPLAY=FILE)"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--distributed", default="", metavar="REDIS_URL",
                            help="run as one worker of a crawl shared through Redis (docs/distributed.md)")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        unlist_remote_control_when_off(self.settings)
        if opts.distributed:
            self.settings.set("DISTRIBUTED_REDIS_URL", opts.distributed, priority="cmdline")
        quiet_by_default(self.settings, on_terminal=sys.stderr.isatty())  # as crawlall: -L INFO for the full log

    def run(self, args, opts):
        if len(args) != 1:
            raise UsageError("give one site key (see `scrapy list`)")
        try:
            if args[0] not in self.crawler_process.spider_loader.list():
                raise UsageError(f"unknown site key(s): {args[0]} (see `scrapy list`)")
            if self.settings.get("REPLAY"):
                load_replay_index(replay_paths(self.settings))
            if not is_distributed(self.settings):
                check_database_file(self.settings.get("DATABASE"), must_exist=False)
        except (ConfigError, UsageError) as exc:
            print(f"configuration error: {exc}", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        if is_distributed(crawler.settings):
            self.exitcode = worker_exit_status(crawler)  # the writer (`scrapy ingest`) owns the database
            return
        run_id = getattr(crawler, "course_run_id", None)
        if run_id is None:
            self.exitcode = EXIT_RUN_FAILED
            return
        db = open_db(crawler.settings.get("DATABASE"))
        try:
            row = db.execute("SELECT pages_fetched, finish_reason FROM run_sites WHERE run_id = ? AND site = ?",
                             [run_id, args[0]]).fetchone()
            alerts = db.execute("SELECT count(*) FROM alerts WHERE run_id = ?", [run_id]).fetchone()[0]
        finally:
            db.conn.close()
        if row is None or row[0] == 0 or row[1] not in FINISHED_OK:
            self.exitcode = EXIT_RUN_FAILED
        elif alerts:
            self.exitcode = EXIT_ALERTS
