"""`scrapy export KIND`: files for people outside the database (verification sheets, the report's tables)."""

from __future__ import annotations

import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.configfile import ConfigError
from crawler.operations.database_file import check_database_file
from crawler.paths import project_path
from crawler.publish.build import export_site
from crawler.registry import load_registry
from crawler.report_tables import build_report, to_csv, to_html, to_markdown
from crawler.storage import now_iso, open_db
from crawler.verification import sheet_rows, write_sheets

EXIT_CONFIG = 2
DEFAULT_OUTPUT = "exports"


def export_verification(db, registry, opts, out_dir: Path) -> list[Path]:
    """One spreadsheet (XLSX and CSV) per institution, or only --provider's."""
    sheets = sheet_rows(db, registry)
    if opts.provider:
        if opts.provider not in registry.keys():
            raise UsageError(f"unknown provider key {opts.provider!r} (see data/sites.yaml)")
        sheets = {opts.provider: sheets.get(opts.provider, [])}
    names = {site.key: site.name for site in registry.sites}
    return write_sheets(sheets, out_dir, names)


def export_report(db, registry, opts, out_dir: Path) -> list[Path]:
    """The report's summary tables from the current catalogue: HTML with charts, Markdown and CSV."""
    if opts.provider:
        raise UsageError("--provider applies to `export verification` only")
    tables = build_report(db, registry)
    generated_at = now_iso()
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"report.html": to_html(tables, generated_at), "report.md": to_markdown(tables, generated_at),
             "report.csv": to_csv(tables)}
    for name, text in files.items():
        (out_dir / name).write_text(text, encoding="utf-8")
    return [out_dir / name for name in files]


# Each kind of export is one function (db, registry, opts, out_dir) -> files written,
# registered here by name; a new kind (for example `export site`) is a function and a line.
EXPORTS = {
    "verification": export_verification,
    "report": export_report,
    "site": export_site,
}


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self):
        return f"{{{'|'.join(EXPORTS)}}} [OUTDIR] [options]"

    def short_desc(self):
        return "Write verification spreadsheets per institution, or the report's summary tables"

    def long_desc(self):
        return "\n".join(f"  {name}: {function.__doc__}" for name, function in EXPORTS.items())

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--db", default="", metavar="PATH", help="SQLite database (default: setting DATABASE)")
        parser.add_argument("--provider", default="", metavar="KEY",
                            help="verification: only this institution's sheet (a site key in data/sites.yaml)")
        parser.add_argument("--output", default="", metavar="DIR",
                            help=f"directory for the files (default: {DEFAULT_OUTPUT}/KIND)")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if opts.db:
            self.settings.set("DATABASE", opts.db, priority="cmdline")

    def run(self, args, opts):
        if not args or args[0] not in EXPORTS:
            raise UsageError(f"say what to export: {', '.join(EXPORTS)}")
        kind = args[0]
        # `scrapy export site OUTDIR` (or any kind): a second argument is the output directory.
        if len(args) == 2 and not opts.output:
            opts.output = args[1]
        elif len(args) > 2 or (len(args) == 2 and opts.output):
            raise UsageError("give the output directory once: as OUTDIR or as --output DIR")
        try:
            registry = load_registry(self.settings.get("SITES_FILE"))
            path = check_database_file(self.settings.get("DATABASE"))
        except ConfigError as exc:
            print(f"configuration error: {exc}", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        out_dir = project_path(opts.output or f"{DEFAULT_OUTPUT}/{kind}")
        db = open_db(path)
        try:
            written = EXPORTS[kind](db, registry, opts, out_dir)
        finally:
            db.conn.close()
        for file in written:
            print(file)
