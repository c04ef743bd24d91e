"""Match every row of a CSV of course titles against the catalogue (`scrapy match`)."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from typing import BinaryIO, TextIO

from crawler.matching import Matcher

REQUIRED_COLUMNS = ("title", "provider")
MATCH_COLUMNS = ("catalogue_id", "catalogue_title", "catalogue_provider", "score", "decision")
# Course titles run to about 200 characters; anything much longer is a page pasted
# into the title column, and matching its first words would invent a duplicate.
MAX_TITLE_CHARS = 500


class InputError(ValueError):
    """The input CSV cannot be read at all (no header, or a required column missing)."""


def decode_csv(data: bytes, name: str, err: TextIO) -> str:
    """UTF-8 (with or without BOM), else cp1252 with a warning, else UTF-8 with replacements."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        position = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        print(f"{name}: warning: not UTF-8 (byte {position}) nor cp1252; undecodable bytes replaced", file=err)
        return data.decode("utf-8", errors="replace")
    print(f"{name}: warning: not UTF-8 (byte {position}); read as cp1252 (Windows Latin)", file=err)
    return text


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
    """Write each input row plus its match, in input order; bad rows are reported on `err` and left unmatched."""
    text = decode_csv(in_file.read(), name, err).replace("\x00", "")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(f"{name}: missing column(s) {', '.join(missing)} (found: {', '.join(columns) or 'none'})")
    reader.fieldnames = columns
    out_columns = columns + [c for c in MATCH_COLUMNS if c not in columns]
    writer = None if as_json else csv.DictWriter(out_file, out_columns, extrasaction="ignore", lineterminator="\n")
    if writer:
        writer.writeheader()

    rows, good = [], []
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
        else:
            good.append(len(rows))
        rows.append(row)

    matches = dict(zip(good, matcher.match_many([rows[i] for i in good])))
    counts = Counter()
    for index, row in enumerate(rows):
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
            writer.writerow(row)
        else:
            out_file.write(json.dumps({c: row.get(c) for c in out_columns}, ensure_ascii=False) + "\n")
    return counts
