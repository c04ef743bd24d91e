"""Record every response to a WARC file, or replay a crawl from WARC files offline.

WARC is the standard web-archive format, so last night's pages can be
re-extracted after a rule change, or opened with any WARC tool.
"""

from __future__ import annotations

import logging
import zlib
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.configfile import ConfigError
from crawler.paths import project_path

logger = logging.getLogger(__name__)

# Headers that describe the wire framing, which Scrapy has already undone.
FRAMING_HEADERS = {b"transfer-encoding"}


def archive_key(url: str) -> str:
    return canonicalize_url(url, keep_fragments=False)


class ArchiveError(ConfigError):
    """A replay archive cannot be used at all (missing, empty, not a WARC, unreadable from its start)."""

    def __init__(self, path: Path | str, problem: str):
        super().__init__(path, "archive", problem)


class WarcIndex:
    """Where each URL's response record sits in a set of WARC files.

    A file damaged part way (corrupt bytes, cut short) gives the records before the damage;
    the damage is kept in `damage` as (path, byte offset, problem), one per file.
    """

    def __init__(self, paths: list[Path]):
        self.paths = paths
        self._where: dict[str, tuple[Path, int]] = {}
        self.damage: list[tuple[Path, int, str]] = []
        self.records: dict[Path, int] = {}
        for path, records, record in _response_records(paths, self.damage, self.records):
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


# What warcio and zlib raise on bytes that are not (or no longer) a WARC record.
_DAMAGE = (ArchiveLoadFailed, zlib.error, EOFError, ValueError, OSError)


def _response_records(paths: list[Path], damage: list | None = None, counts: dict | None = None):
    """(path, iterator, record) for every readable response record of the WARC files, in order.

    The record's offset is asked of the iterator after its body is read: warcio's
    get_record_offset() consumes a body not yet read. Reading stops at the first damage in
    a file (it is noted in `damage`); a record cut short by the end of the file is not given.
    """
    for path in paths:
        read = 0
        with path.open("rb") as stream:
            records = ArchiveIterator(stream)
            offset = 0
            try:
                for record in records:
                    offset = records.offset
                    if record.rec_type != "response":
                        continue
                    # Read the body now, so a record cut short shows as an unfinished gzip member.
                    content = record.content_stream().read()
                    decompressor = getattr(records.reader, "decompressor", None)
                    if decompressor is not None and not decompressor.eof:
                        raise EOFError("the file ends inside this record (cut short)")
                    record.content_stream = _replay_body(content)
                    read += 1
                    yield path, records, record
            except _DAMAGE as exc:
                if damage is None:
                    raise
                damage.append((path, offset, _damage_text(exc)))
        if counts is not None:
            counts[path] = read


def _replay_body(content: bytes):
    return lambda: BytesIO(content)


def _damage_text(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    if isinstance(exc, ArchiveLoadFailed):
        text = text.split(",")[0]  # not the binary first line it quotes
    return text[:120] or type(exc).__name__


# One index per set of files per process: every crawler of a crawlall replays from it, and
# the archive is read (and checked) once, before the crawl starts.
_INDEXES: dict[tuple, WarcIndex] = {}


def load_replay_index(paths: list[Path]) -> WarcIndex:
    """The index of the replay archives; raises ArchiveError for a file that cannot be replayed at all."""
    for path in paths:
        if not path.is_file():
            raise ArchiveError(path, "not found" if not path.exists() else "is not a file")
        if path.stat().st_size == 0:
            raise ArchiveError(path, "is empty (0 bytes): a recording of a night that fetched nothing")
    key = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths)
    if key not in _INDEXES:
        index = WarcIndex(paths)
        for path in paths:
            problem = next((d for d in index.damage if d[0] == path), None)
            if index.records.get(path, 0) == 0:
                raise ArchiveError(path, f"is not a readable WARC file: {problem[2]}" if problem
                                   else "holds no response records")
            if problem:
                # Named once per file, however many crawlers replay from it.
                logger.warning("Archive %s is damaged at byte %d (%s): replaying the %d records before it",
                               path, problem[1], problem[2], index.records[path])
        _INDEXES[key] = index
    return _INDEXES[key]


def iter_archived_pages(paths: list[Path], damage: list | None = None):
    """Yield (url, status, headers, body, location) for every readable response record."""
    for path, records, record in _response_records(paths, damage):
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
    """Appends response records to one gzipped WARC file, made at the first record: a night that
    fetched nothing leaves no file (an empty one would replay as 404s for every page)."""

    def __init__(self, path: Path):
        self.path = path
        self._stream = None
        self._writer = None

    def write(self, url: str, status: int, reason: str, headers: list[tuple[str, str]], body: bytes) -> str:
        if self._stream is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._stream = self.path.open("ab")
            self._writer = WARCWriter(self._stream, gzip=True)
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
        if self._stream is not None:
            self._stream.close()


def replay_paths(settings) -> list[Path]:
    """The REPLAY setting's archives, resolved."""
    return _split_paths(settings.get("REPLAY", ""))


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
        self.index = load_replay_index(replay_paths) if replay_paths else None
        if self.index is not None and self.index.damage:
            self.stats.set_value("archive/damaged_files", len(self.index.damage))
        self.recorder = WarcRecorder(write_path) if write_path else None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        replay = crawler.settings.get("REPLAY", "")
        write = crawler.settings.get("ARCHIVE_WRITE", "")
        if not replay and not write:
            raise NotConfigured  # a plain live crawl: silent, not a warning
        replay_paths = _split_paths(replay)  # checked by the commands before the crawl (load_replay_index)
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
