"""`scrapy crawlall`: the nightly job. Crawls every site in one process, then prints and stores the morning summary."""

from __future__ import annotations

import sys
from datetime import date

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.archive import load_replay_index, prune_archives, replay_paths
from crawler.catalogue import load_catalogue
from crawler.configfile import ConfigError
from crawler.distributed import is_distributed
from crawler.distributed.commands import run_worker
from crawler.operations.database_file import check_database_file
from crawler.operations.start_up import unlist_remote_control_when_off
from crawler.operations.terminal import quiet_by_default
from crawler.paths import project_path
from crawler.registry import load_registry
from crawler.runlog import close_run, crawl_mode
from crawler.storage import close_stale_runs, open_db, start_run
from crawler.summary import format_summary

# Exit statuses a scheduler can act on (README: "Exit status").
EXIT_OK = 0
EXIT_RUN_FAILED = 1  # the run could not do its job (no site fetched a page)
EXIT_CONFIG = 2      # bad configuration: nothing was crawled
EXIT_ALERTS = 3      # the run finished, but a site looks broken (see the alerts)


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self):
        return "[options]"

    def short_desc(self):
        return "Crawl every site in the registry (the nightly job) and print the morning summary"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--only", default="", help="comma-separated site keys to crawl (default: all)")
        parser.add_argument("--skip", default="", help="comma-separated site keys to leave out")
        parser.add_argument("--replay", default="", metavar="WARC",
                            help="replay from these WARC files (comma-separated) instead of the network")
        parser.add_argument("--record", default="", metavar="WARC", help="record every response to this WARC file")
        parser.add_argument("--archive", action="store_true",
                            help="record the night to ARCHIVE_DIR/<date>.warc.gz, keeping ARCHIVE_KEEP nights")
        parser.add_argument("--db", default="", metavar="PATH", help="SQLite database (default: setting DATABASE)")
        parser.add_argument("--distributed", default="", metavar="REDIS_URL",
                            help="run as one worker of a crawl shared through Redis (docs/distributed.md)")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        unlist_remote_control_when_off(self.settings)
        if opts.replay:
            self.settings.set("REPLAY", opts.replay, priority="cmdline")
        if opts.archive and not opts.record:
            opts.record = f"{self.settings.get('ARCHIVE_DIR')}/{date.today().isoformat()}.warc.gz"
        if opts.record:
            self.settings.set("ARCHIVE_WRITE", opts.record, priority="cmdline")
        if opts.db:
            self.settings.set("DATABASE", opts.db, priority="cmdline")
        if opts.distributed:
            self.settings.set("DISTRIBUTED_REDIS_URL", opts.distributed, priority="cmdline")
        quiet_by_default(self.settings, on_terminal=sys.stderr.isatty())

    def run(self, args, opts):
        if args:
            raise UsageError("crawlall takes no positional arguments; use --only KEY,KEY")
        try:
            registry = load_registry(self.settings.get("SITES_FILE"))
            keys = select_sites(registry.keys(), opts.only, opts.skip)
            if self.settings.get("REPLAY"):
                # Read once here (each crawler replays from this index): a file that cannot be
                # replayed stops the run before any crawl, naming it.
                load_replay_index(replay_paths(self.settings))
            if is_distributed(self.settings):
                # A worker never opens the database: `scrapy ingest` stores and summarises the run.
                self.exitcode = run_worker(self.crawler_process, self.settings, keys)
                return
            check_database_file(self.settings.get("DATABASE"), must_exist=False)
            db = open_db(self.settings.get("DATABASE"))
            load_catalogue(db, self.settings.get("CATALOGUE_FILE"))
            # Loaded for the whole run: each site's pipeline would upsert every row again.
            self.settings.set("CATALOGUE_LOADED", True, priority="cmdline")
        except (ConfigError, UsageError) as exc:
            print(f"configuration error: {exc}", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        # A run killed last night (kill -9, reboot) is marked so; this run does its work again.
        close_stale_runs(db)
        run_id = start_run(db, keys, crawl_mode(self.settings))
        self.settings.set("RUN_ID", str(run_id), priority="cmdline")
        db.conn.close()

        process = self.crawler_process
        for key in keys:
            process.crawl(key)
        process.start()

        db = open_db(self.settings.get("DATABASE"))
        summary = close_run(db, run_id)
        failed = summary["failed"]
        db.conn.close()
        if opts.archive:
            prune_archives(project_path(self.settings.get("ARCHIVE_DIR")), self.settings.getint("ARCHIVE_KEEP"))
        print(format_summary(summary))
        if failed:
            self.exitcode = EXIT_RUN_FAILED
        elif summary["alerts"]:
            self.exitcode = EXIT_ALERTS


def select_sites(all_keys: list[str], only: str, skip: str) -> list[str]:
    wanted = [k.strip() for k in only.split(",") if k.strip()] or list(all_keys)
    skipped = {k.strip() for k in skip.split(",") if k.strip()}
    unknown = [k for k in [*wanted, *skipped] if k not in all_keys]
    if unknown:
        raise UsageError(f"unknown site key(s): {', '.join(unknown)} (see `scrapy list`)")
    return [k for k in wanted if k not in skipped]
