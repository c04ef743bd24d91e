"""`scrapy rescore`: apply changed scope rules to every candidate, without crawling."""

from __future__ import annotations

import json
import sys

from scrapy.commands import ScrapyCommand

import scope_rules
from crawler.configfile import ConfigError
from crawler.operations.database_file import check_database_file
from crawler.paths import project_path
from crawler.registry import load_registry
from crawler.rescore import rescore_candidates
from crawler.storage import open_db


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self):
        return "[--db PATH] [--json]"

    def short_desc(self):
        return "Re-classify every candidate with the current scope rules and print how many moved"

    def long_desc(self):
        return (self.short_desc() + ". Review decisions are kept. To re-extract facts as well, replay the "
                "archived pages: scrapy crawlall --replay NIGHT.warc.gz -s REEXTRACT=1")

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--db", default="", metavar="PATH", help="SQLite database (default: setting DATABASE)")
        parser.add_argument("--json", action="store_true", help="print the moves as JSON")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if self.settings.getpriority("LOG_LEVEL") < 40:
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")

    def run(self, args, opts):
        try:
            registry = load_registry(self.settings.get("SITES_FILE"))
            scope_rules.use_terms_file(project_path(self.settings.get("SCOPE_TERMS_FILE")))
            path = check_database_file(opts.db or self.settings.get("DATABASE"))
        except ConfigError as exc:
            print(f"configuration error: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        db = open_db(path)
        try:
            result = rescore_candidates(db, registry)
        finally:
            db.conn.close()
        if opts.json:
            print(json.dumps(result))
            return
        print(f"Re-scored {result['total']} candidates; {result['moved']} moved between categories.")
        for move, count in result["moves"].items():
            print(f"  {move}: {count}")
