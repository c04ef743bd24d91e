"""`scrapy explain`: what the crawler makes of one page, a saved file, or every page of an archive."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import scrapy
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.archive import iter_archived_pages, load_replay_index
from crawler.catalogue import read_catalogue
from crawler.operations.start_up import unlist_remote_control_when_off
from crawler.paths import project_path
from crawler.configfile import ConfigError
from crawler.registry import load_registry
from crawler.storage import catalogue_rows, open_db
from crawler.terms import load_terms

if TYPE_CHECKING:
    from crawler.analyse.analyser import PageAnalyser

logger = logging.getLogger(__name__)


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self):
        return "URL | FILE.html --url URL | --warc ARCHIVE.warc.gz"

    def short_desc(self):
        return "Print what the crawler extracts and decides for a page, one JSON object per line"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--url", help="the page's real URL, when explaining a saved FILE.html")
        parser.add_argument("--warc", action="append", default=[], metavar="ARCHIVE",
                            help="explain every HTML page in this WARC file (repeatable)")
        parser.add_argument("--pretty", action="store_true", help="indented JSON for a person")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        unlist_remote_control_when_off(self.settings)
        if self.settings.getpriority("LOG_LEVEL") < 40:
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")

    def run(self, args, opts):
        if not args and not opts.warc:
            raise UsageError("give a URL, a FILE.html with --url, or --warc ARCHIVE")
        try:
            analyser = build_analyser(self.settings)
            for path in opts.warc:
                load_replay_index([project_path(path)])  # a file that is not a WARC: one line, exit 2
        except ConfigError as exc:
            print(f"configuration error: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        printer = JsonLinePrinter(sys.stdout, pretty=opts.pretty)
        for path in opts.warc:
            # Damage part way was named once by load_replay_index; the readable records are explained.
            for url, status, headers, body, _ in iter_archived_pages([project_path(path)], damage=[]):
                content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
                if status == 200 and "html" in content_type.lower():
                    printer.print(explain_safely(analyser, body, url))
        urls = []
        for target in args:
            path = Path(target)
            if path.is_file():
                if not opts.url:
                    raise UsageError(f"{target} is a file: say its real URL with --url")
                printer.print(explain_safely(analyser, path.read_bytes(), opts.url))
            elif target.startswith(("http://", "https://")):
                urls.append(target)
            else:
                printer.print({"url": target, "error": "neither an http(s) URL nor an existing file"})
                self.exitcode = 1
        # The reactor runs once per process, so every URL is fetched in one crawl.
        for result in fetch_pages(urls, self.crawler_process) if urls else []:
            if "body" in result:
                printer.print(explain_safely(analyser, result["body"], result["url"], result["encoding"]))
            else:
                printer.print({"url": result["url"], "error": result["error"]})


def build_analyser(settings) -> PageAnalyser:
    # Imported here: Scrapy imports every command module for every command (`scrapy list`,
    # `review`, `export`), and the analysis compiles its patterns on import (~0.45 s).
    from crawler.analyse.analyser import PageAnalyser

    registry = load_registry(settings.get("SITES_FILE"))
    terms = load_terms(settings.get("SEARCH_TERMS_FILE"))
    db_path = project_path(settings.get("DATABASE"))
    if db_path.is_file():
        db = open_db(db_path)
        catalogue = catalogue_rows(db)
        db.conn.close()
    else:
        catalogue = read_catalogue(settings.get("CATALOGUE_FILE"))
    return PageAnalyser(registry, terms, catalogue)


def explain_safely(analyser: PageAnalyser, body: bytes, url: str, encoding: str | None = None) -> dict:
    try:
        return analyser.analyse(body, url, encoding=encoding, terms_on_every_page=True).as_explain_json()
    except Exception as exc:  # explain must give a line for every page, with the reason
        logger.warning("Could not explain %s: %r", url, exc)
        return {"url": url, "error": f"{exc.__class__.__name__}: {exc}"}


class JsonLinePrinter:
    def __init__(self, stream, pretty: bool):
        self.stream, self.pretty = stream, pretty

    def print(self, obj: dict):
        text = json.dumps(obj, ensure_ascii=False, indent=2 if self.pretty else None)
        self.stream.write(text + "\n")
        self.stream.flush()


class FetchOneSpider(scrapy.Spider):
    """Fetches the given URLs with the project's settings (robots.txt, User-Agent, REPLAY)."""

    name = "explain-fetch"
    custom_settings = {"ITEM_PIPELINES": {}, "EXTENSIONS": {"crawler.runlog.RunRecorder": None}}

    def __init__(self, urls, sink, **kwargs):
        super().__init__(**kwargs)
        self.urls, self.sink = urls, sink

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.got, errback=self.failed, dont_filter=True)

    def got(self, response):
        self.sink.append({"url": response.url, "body": response.body,
                          "encoding": getattr(response, "encoding", None)})

    def failed(self, failure):
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else repr(failure.value)
        self.sink.append({"url": failure.request.url, "error": reason})


def fetch_pages(urls: list[str], process) -> list[dict]:
    sink: list[dict] = []
    process.crawl(FetchOneSpider, urls=urls, sink=sink)
    process.start()
    if not sink:
        return [{"url": u, "error": "not fetched (robots.txt forbids it, or it is off the site)"} for u in urls]
    return sink
