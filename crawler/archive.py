"""Record every response to a WARC file, or replay a crawl from WARC files offline.

WARC is the standard web-archive format, so last night's pages can be
re-extracted after a rule change, or opened with any WARC tool.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.paths import project_path

logger = logging.getLogger(__name__)

# Headers that describe the wire framing, which Scrapy has already undone.
FRAMING_HEADERS = {b"transfer-encoding"}


def archive_key(url: str) -> str:
    return canonicalize_url(url, keep_fragments=False)


class WarcIndex:
    """Where each URL's response record sits in a set of WARC files."""

    def __init__(self, paths: list[Path]):
        self.paths = paths
        self._where: dict[str, tuple[Path, int]] = {}
        for path, records, record in _response_records(paths):
            url = record.rec_headers.get_header("WARC-Target-URI")
            if url:
                # A later record (a later night) wins over an earlier one.
                self._where[archive_key(url)] = (path, records.get_record_offset())

    def __len__(self):
        return len(self._where)

    def __contains__(self, url: str) -> bool:
        return archive_key(url) in self._where

    def urls(self) -> list[str]:
        return list(self._where)

    def locate(self, url: str) -> tuple[Path, int] | None:
        return self._where.get(archive_key(url))

    def read(self, url: str) -> tuple[int, list[tuple[str, str]], bytes, str] | None:
        """Status, headers, body and record location of the URL, or None if absent."""
        where = self.locate(url)
        if where is None:
            return None
        path, offset = where
        with path.open("rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
            status = int(record.http_headers.get_statuscode() or 200)
            headers = list(record.http_headers.headers)
            body = record.content_stream().read()
        return status, headers, body, f"{path.name}#{offset}"


def _response_records(paths: list[Path]):
    """(path, iterator, record) for every response record of the WARC files, in order.

    The record's offset is asked of the iterator after its body is read: warcio's
    get_record_offset() consumes a body not yet read.
    """
    for path in paths:
        with path.open("rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                if record.rec_type == "response":
                    yield path, records, record


def iter_archived_pages(paths: list[Path]):
    """Yield (url, status, headers, body, location) for every response record."""
    for path, records, record in _response_records(paths):
        url = record.rec_headers.get_header("WARC-Target-URI")
        status = int(record.http_headers.get_statuscode() or 200)
        body = record.content_stream().read()
        yield url, status, list(record.http_headers.headers), body, f"{path.name}#{records.get_record_offset()}"


def prune_archives(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` nightly archives (named by date) in the directory."""
    nights = sorted(directory.glob("*.warc.gz"))
    removed = nights[:-keep] if keep > 0 else []
    for path in removed:
        path.unlink()
        logger.info("Removed an archive past retention: %s", path)
    return removed


class WarcRecorder:
    """Appends response records to one gzipped WARC file."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._stream = path.open("ab")
        self._writer = WARCWriter(self._stream, gzip=True)

    def write(self, url: str, status: int, reason: str, headers: list[tuple[str, str]], body: bytes) -> str:
        # Several crawlers in one process may append to the same file.
        self._stream.seek(0, 2)
        offset = self._stream.tell()
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol="HTTP/1.1")
        record = self._writer.create_warc_record(
            url, "response", payload=BytesIO(body), http_headers=http_headers,
            warc_headers_dict={"WARC-Date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")},
        )
        self._writer.write_record(record)
        self._stream.flush()
        return f"{self.path.name}#{offset}"

    def close(self):
        self._stream.close()


def _split_paths(value: str) -> list[Path]:
    return [project_path(p.strip()) for p in value.split(",") if p.strip()]


class ArchiveMiddleware:
    """Downloader middleware: ARCHIVE_WRITE records responses, REPLAY serves them.

    In replay mode no request reaches the network: a URL missing from the
    archives is answered with a 404 and counted as ``archive/replay_missing``.
    """

    def __init__(self, crawler, replay_paths: list[Path], write_path: Path | None):
        self.crawler = crawler
        self.stats = crawler.stats
        self.index = WarcIndex(replay_paths) if replay_paths else None
        self.recorder = WarcRecorder(write_path) if write_path else None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        replay = crawler.settings.get("REPLAY", "")
        write = crawler.settings.get("ARCHIVE_WRITE", "")
        if not replay and not write:
            raise NotConfigured  # a plain live crawl: silent, not a warning
        replay_paths = _split_paths(replay)
        for path in replay_paths:
            if not path.is_file():
                raise FileNotFoundError(f"REPLAY archive {path} does not exist")
        return cls(crawler, replay_paths, project_path(write) if write else None)

    def process_request(self, request, spider=None):
        if self.index is None:
            return None
        found = self.index.read(request.url)
        if found is None:
            self.stats.inc_value("archive/replay_missing")
            logger.debug("Not in the archive, answered 404: %s", request.url)
            return responsetypes.from_args(url=request.url)(
                url=request.url, status=404, body=b"", request=request, flags=["replay", "missing"],
            )
        status, headers, body, location = found
        self.stats.inc_value("archive/replayed")
        request.meta["archive_record"] = location
        scrapy_headers = Headers()
        for name, value in headers:
            scrapy_headers.appendlist(name, value)
        response_cls = responsetypes.from_args(headers=scrapy_headers, url=request.url, body=body)
        return response_cls(
            url=request.url, status=status, headers=scrapy_headers, body=body,
            request=request, flags=["replay"],
        )

    def process_response(self, request, response, spider=None):
        if self.recorder is None or "replay" in response.flags:
            return response
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, values in response.headers.items()
            if name.lower() not in FRAMING_HEADERS
            for value in values
        ]
        reason = _reason_phrase(response.status)
        request.meta["archive_record"] = self.recorder.write(
            response.url, response.status, reason, headers, response.body
        )
        self.stats.inc_value("archive/recorded")
        return response

    def spider_closed(self, spider):
        if self.recorder:
            self.recorder.close()


def _reason_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
