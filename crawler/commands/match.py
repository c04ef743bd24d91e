"""`scrapy match FILE.csv`: which catalogue entry each course title in a CSV is, might be, or is not."""

from __future__ import annotations

import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.catalogue import read_catalogue
from crawler.configfile import ConfigError
from crawler.match.match_csv import InputError, match_csv
from crawler.match.matching import Matcher, ProviderResolver
from crawler.operations.database_file import check_database_file
from crawler.registry import load_registry
from crawler.storage import read_only_catalogue_rows

EXIT_OK = 0
EXIT_BAD_INPUT = 1  # the input file could not be read at all
EXIT_CONFIG = 2     # bad database, catalogue, registry or provider table: nothing was matched


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return "[options] FILE.csv"

    def short_desc(self):
        return "Match course titles in a CSV (columns title, provider) against the catalogue"

    def long_desc(self):
        return (
            "Matches against the catalogue the database holds (the report's courses plus those accepted in "
            "review), as the crawl does, or a catalogue CSV with --catalogue. "
            "Writes each input row, in order, plus catalogue_id, catalogue_title, catalogue_provider, score and "
            "decision (duplicate, review or new) to stdout as CSV, or JSON lines with --json. Rows that cannot "
            "be matched are named on stderr and written with an empty decision. FILE may be - for stdin."
        )

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="write JSON lines instead of CSV")
        parser.add_argument("--db", default="", metavar="PATH",
                            help="match against the catalogue this database holds, the report's courses plus those "
                                 "accepted in review (default: setting DATABASE)")
        parser.add_argument("--catalogue", default="", metavar="PATH",
                            help="match against this catalogue CSV instead of the database (e.g. data/catalogue.csv)")
        parser.add_argument("--providers", default="", metavar="YAML",
                            help="provider names as a YAML mapping of key to names (default: the site registry)")

    def run(self, args, opts):
        if len(args) != 1:
            raise UsageError("give one CSV file (or - for stdin)")
        if opts.db and opts.catalogue:
            raise UsageError("match against a database (--db) or a catalogue CSV (--catalogue), not both")
        try:
            if opts.catalogue:
                catalogue = read_catalogue(opts.catalogue)
            else:
                # What the crawl matches against: the report's rows and the courses accepted in review.
                catalogue = read_only_catalogue_rows(check_database_file(opts.db or self.settings.get("DATABASE")))
            if opts.providers:
                resolver = ProviderResolver.from_yaml(opts.providers)
            else:
                resolver = ProviderResolver.from_registry(load_registry(self.settings.get("SITES_FILE")))
        except ConfigError as exc:
            print(f"configuration error: {exc}", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        except (OSError, ValueError) as exc:
            print(f"match: {exc}", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        matcher = Matcher(catalogue, resolver)
        name = args[0]
        try:
            if name == "-":
                counts = match_csv(sys.stdin.buffer, sys.stdout, matcher, opts.json, name="<stdin>")
            else:
                with open(name, "rb") as in_file:
                    counts = match_csv(in_file, sys.stdout, matcher, opts.json, name=name)
        except (InputError, OSError) as exc:
            print(f"match: {exc}", file=sys.stderr)
            self.exitcode = EXIT_BAD_INPUT
            return
        sys.stdout.flush()  # the rows before the tally, when both go to one terminal
        print("match: " + ", ".join(f"{n} {decision}" for decision, n in sorted(counts.items())), file=sys.stderr)
        self.exitcode = EXIT_OK
