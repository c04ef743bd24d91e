"""`scrapy ingest`: the one writer of a distributed crawl; stores the workers' pages into SQLite."""

from __future__ import annotations

import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.configfile import ConfigError
from crawler.distributed import is_distributed, keys_for, redis_client
from crawler.commands.crawlall import EXIT_CONFIG
from crawler.operations.database_file import check_database_file


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self):
        return "--distributed REDIS_URL [options]"

    def short_desc(self):
        return "Store the pages of a distributed crawl into SQLite (the single writer; docs/distributed.md)"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--distributed", default="", metavar="REDIS_URL",
                            help="Redis of the crawl (default: setting DISTRIBUTED_REDIS_URL)")
        parser.add_argument("--run", default="", metavar="NAME",
                            help="run to write, as the workers were given it (default: today's UTC date)")
        parser.add_argument("--db", default="", metavar="PATH", help="SQLite database (default: setting DATABASE)")
        parser.add_argument("--follow", action="store_true",
                            help="keep storing after the crawl looks finished, until interrupted")
        parser.add_argument("--status", action="store_true", help="print the run's progress and exit")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if opts.distributed:
            self.settings.set("DISTRIBUTED_REDIS_URL", opts.distributed, priority="cmdline")
        if opts.run:
            self.settings.set("DISTRIBUTED_RUN", opts.run, priority="cmdline")
        if opts.db:
            self.settings.set("DATABASE", opts.db, priority="cmdline")

    def run(self, args, opts):
        if args:
            raise UsageError("ingest takes no positional arguments")
        if not is_distributed(self.settings):
            print("configuration error: give --distributed redis://HOST:PORT/DB (or set DISTRIBUTED_REDIS_URL)",
                  file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        # Here, not at the top: Scrapy imports every command module for every command, and the
        # writer brings in scrapy_redis and redis (~0.17 s) that only a distributed run needs.
        import redis

        from crawler.distributed.writer import Writer, WriterBusy, format_status, run_status

        try:
            redis_client(self.settings).ping()
        except redis.RedisError as exc:
            print(f"configuration error: cannot reach Redis at {self.settings.get('DISTRIBUTED_REDIS_URL')}: {exc}",
                  file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        try:
            check_database_file(self.settings.get("DATABASE"), must_exist=False)
        except ConfigError as exc:
            print(f"configuration error: {exc}", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        if opts.status:
            print(format_status(run_status(redis_client(self.settings), keys_for(self.settings))))
            return
        writer = Writer(self.settings, out=lambda line: print(line, flush=True), follow=opts.follow)
        try:
            self.exitcode = writer.run()
        except WriterBusy as exc:
            print(f"error: {exc}", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
        except KeyboardInterrupt:
            print(writer.throughput_line(), flush=True)
            self.exitcode = 1
