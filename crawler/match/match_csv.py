"""Match every row of a CSV of course titles against the catalogue (`scrapy match`)."""

from __future__ import annotations

import csv
import io
import itertools
import json
import sys
from collections import Counter
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from crawler.match.matching import Matcher
from crawler.operations.safe_cells import safe_csv_row

REQUIRED_COLUMNS = ("title", "provider")
MATCH_COLUMNS = ("catalogue_id", "catalogue_title", "catalogue_provider", "score", "decision")
# Course titles run to about 200 characters; anything much longer is a page pasted
# into the title column, and matching its first words would invent a duplicate.
MAX_TITLE_CHARS = 500
# A NUL byte this near the start means an image, a zipped XLSX or UTF-16, not a CSV to match.
BINARY_SNIFF_BYTES = 1024
# Rows are matched this many at a time (one cdist call per provider block), then written: memory
# stays flat on a million-row file, and a batch is big enough that scoring does not slow down.
BATCH_ROWS = 2000


class InputError(ValueError):
    """The input CSV cannot be read at all (no header, or a required column missing)."""


class LineDecoder:
    """Decodes a CSV line by line: UTF-8 (with or without BOM) until a line is not, then cp1252 with a
    warning, else UTF-8 with replacements; so a million-row file is never held in memory."""

    def __init__(self, name: str, err: TextIO):
        self.name, self.err = name, err
        self.encoding = "utf-8"
        self.offset = 0

    def decode(self, data: bytes) -> str:
        if self.offset == 0 and data.startswith(b"\xef\xbb\xbf"):
            data, self.offset = data[3:], 3
        start, self.offset = self.offset, self.offset + len(data)
        if self.encoding == "utf-8":
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.position = start + exc.start
                self.encoding = "cp1252"
                print(f"{self.name}: warning: not UTF-8 (byte {self.position}); read as cp1252 (Windows Latin)",
                      file=self.err)
        if self.encoding == "cp1252":
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                self.encoding = "replace"
                print(f"{self.name}: warning: not UTF-8 (byte {self.position}) nor cp1252; undecodable bytes "
                      "replaced", file=self.err)
        return data.decode("utf-8", errors="replace")


def text_lines(in_file: BinaryIO, name: str, err: TextIO) -> Iterator[str]:
    """The input's lines as text, ends kept (\\r, \\n or \\r\\n, as the csv module expects), NULs dropped."""
    decoder = LineDecoder(name, err)
    lines = iter(in_file)
    head = []  # the first lines, looked at for binary data before any is decoded
    for raw in lines:
        head.append(raw)
        if sum(map(len, head)) >= BINARY_SNIFF_BYTES:
            break
    if b"\0" in b"".join(head)[:BINARY_SNIFF_BYTES]:
        raise InputError(f"{name}: binary data (a NUL byte at the start), not a CSV file")
    for raw in itertools.chain(head, lines):
        yield from io.StringIO(decoder.decode(raw).replace("\x00", ""), newline="")


def row_problem(row: dict) -> str | None:
    """Why a row cannot be matched, or None."""
    title, provider = (row.get("title") or "").strip(), (row.get("provider") or "").strip()
    if None in row:
        return "more fields than the header"
    if not title:
        return "empty title"
    if len(title) > MAX_TITLE_CHARS:
        return f"title is {len(title):,} characters (limit {MAX_TITLE_CHARS})"
    if not provider:
        return "empty provider"
    if not any(ch.isalnum() for ch in title):
        return "title has no letters or digits"
    return None


def match_csv(in_file: BinaryIO, out_file: TextIO, matcher: Matcher, as_json: bool = False,
              err: TextIO = sys.stderr, name: str = "<input>") -> Counter:
    """Write each input row plus its match, in input order; bad rows are reported on `err` and left unmatched.

    Streams: rows are read, matched and written BATCH_ROWS at a time.
    """
    reader = csv.DictReader(text_lines(in_file, name, err))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise InputError(f"{name}: the header cannot be read: {exc}") from None
    columns = [c.strip() for c in fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(f"{name}: missing column(s) {', '.join(missing)} (found: {', '.join(columns) or 'none'})")
    reader.fieldnames = columns
    out_columns = columns + [c for c in MATCH_COLUMNS if c not in columns]
    writer = None if as_json else csv.DictWriter(out_file, out_columns, extrasaction="ignore", lineterminator="\n")
    if writer:
        writer.writeheader()
    counts = Counter()
    batch: list[tuple[dict, bool]] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            print(f"{name}:{reader.line_num}: skipped: {exc}", file=err)
            continue
        problem = row_problem(row)
        if problem:
            print(f"{name}:{reader.line_num}: not matched: {problem}", file=err)
        batch.append((row, problem is None))
        if len(batch) >= BATCH_ROWS:
            _write_batch(batch, out_file, writer, out_columns, matcher, counts)
            batch = []
    _write_batch(batch, out_file, writer, out_columns, matcher, counts)
    return counts


def _write_batch(batch: list[tuple[dict, bool]], out_file: TextIO, writer, out_columns: list[str],
                 matcher: Matcher, counts: Counter) -> None:
    good = [index for index, (_, ok) in enumerate(batch) if ok]
    matches = dict(zip(good, matcher.match_many([batch[i][0] for i in good]))) if good else {}
    for index, (row, _) in enumerate(batch):
        row.pop(None, None)
        found = matches.get(index)
        decision = (found["decision"] if found else "new") if index in matches else ""
        counts[decision or "not matched"] += 1
        # None: empty in CSV, null in JSON.
        row.update(catalogue_id=found["catalogue_id"] if found else None,
                   catalogue_title=found["title"] if found else None,
                   catalogue_provider=found["provider"] if found else None,
                   score=found["score"] if found else None, decision=decision or None)
        if writer:
            writer.writerow(safe_csv_row(row))  # the list goes back into a spreadsheet
        else:
            out_file.write(json.dumps({c: row.get(c) for c in out_columns}, ensure_ascii=False) + "\n")
