"""The page as the crawl saw it: one WARC response record, found by the name the crawl stored in pages.archive_record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

# "snapshot.warc.gz#360": a file name (never a path) and the record's byte offset.
RECORD_NAME = re.compile(r"^(?P<file>[\w.-]+\.warc(?:\.gz)?)#(?P<offset>\d+)$")

# Served inside a sandboxed frame with no scripts, no forms, and nothing fetched from the
# network: the archived page must not run the site's code or reach the live site.
ARCHIVED_PAGE_HEADERS = {
    "content-security-policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "private, max-age=3600",
}


class NotArchived(LookupError):
    """The crawl kept no readable copy of the page; the message says why, in one line."""


@dataclass
class ArchivedPage:
    url: str
    date: str
    status: int
    content_type: str
    body: bytes


def find_archive(record: str | None, directories: list[Path]) -> tuple[Path, int]:
    if not record:
        raise NotArchived("The crawl kept no copy of this page (a live crawl without --record).")
    match = RECORD_NAME.match(record)
    if not match:
        raise NotArchived(f"The page's archive record {record!r} is not a WARC file name and offset.")
    for directory in directories:
        path = directory / match["file"]
        if path.is_file():
            return path, int(match["offset"])
    searched = ", ".join(str(directory) for directory in directories) or "no directory"
    raise NotArchived(f"Archive {match['file']} is not in {searched} (pruned, or give its folder with --archives).")


def read_archived_page(record: str | None, directories: list[Path]) -> ArchivedPage:
    """The response stored at `record`; NotArchived if it cannot be read."""
    path, offset = find_archive(record, directories)
    with path.open("rb") as stream:
        stream.seek(offset)
        try:
            found = next(iter(ArchiveIterator(stream)), None)
            if found is None or found.rec_type != "response":
                raise NotArchived(f"No response record at {record}: the archive may have been rewritten.")
            return ArchivedPage(
                url=found.rec_headers.get_header("WARC-Target-URI") or "",
                date=found.rec_headers.get_header("WARC-Date") or "",
                status=int(found.http_headers.get_statuscode() or 200),
                content_type=found.http_headers.get_header("Content-Type") or "text/html",
                body=found.content_stream().read(),
            )
        except NotArchived:
            raise
        except Exception as error:  # warcio raises several kinds on a damaged file
            raise NotArchived(f"Archive record {record} cannot be read: {error}") from error
