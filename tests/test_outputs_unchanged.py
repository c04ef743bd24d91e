"""Speed work changes no output: `scrapy explain --warc` of the bundled snapshot, the full
analysis of the snapshot's and the development pages' (in every wrapping), and what
`crawlall --replay` of the snapshot stores, match digests taken from the code before the
speed work (tests/support/golden.py).

A change meant to change outputs (a new rule) rewrites the digests with
`UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_outputs_unchanged.py`; the diff then shows
how many pages it changed, and the commit says why.
"""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from crawler.analyse.analyser import PageAnalyser
from crawler.archive import iter_archived_pages
from crawler.catalogue import read_catalogue
from crawler.facts import realpages
from crawler.paths import project_path
from crawler.registry import load_registry
from crawler.terms import load_terms
from tests.support import golden
from tests.support.scrapy_run import run_scrapy

SNAPSHOT = "data/snapshot/snapshot.warc.gz"


def _keyed(pairs) -> dict[str, str]:
    """{key: digest}; a key seen again (the same URL twice in an archive) gets #2, #3..."""
    out: dict[str, str] = {}
    for key, value in pairs:
        name, n = key, 1
        while name in out:
            n += 1
            name = f"{key}#{n}"
        out[name] = value
    return out


def _check(section: str, got: dict) -> None:
    if golden.updating():
        golden.save(section, got)
        return
    expected = golden.load().get(section)
    assert expected is not None, f"no golden digests for {section}; take them with UPDATE_GOLDEN=1"
    assert got == expected, f"{section}: {golden.differences(expected, got)}"


@pytest.fixture(scope="module")
def analyser():
    return PageAnalyser(load_registry(), load_terms(), read_catalogue())


def test_explain_of_every_snapshot_page_is_unchanged(tmp_path):
    # A database left by an earlier crawl would bring its own catalogue: the CSV's is the baseline.
    result = run_scrapy("explain", "--warc", SNAPSHOT, "-s", f"DATABASE={tmp_path / 'none.db'}")
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) > 50
    _check("explain_snapshot", _keyed((line["url"], golden.digest(line)) for line in lines))


def test_analysis_of_every_snapshot_page_is_unchanged(analyser):
    def digests():
        for url, status, headers, body, _ in iter_archived_pages([project_path(SNAPSHOT)]):
            content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
            if status == 200 and "html" in content_type.lower():
                yield url, golden.analysis_digest(analyser.analyse(body, url, terms_on_every_page=True))

    _check("analysis_snapshot", _keyed(digests()))


@pytest.fixture(scope="module")
def dev_pages():
    path = realpages.dev_pages_path()
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path}: the development pages are missing; CI lays shared/ beside the clone")
        pytest.skip(f"{path}: no development pages on this machine (set DEV_PAGES)")
    expected = golden.load().get("dev_pages_file")
    if not golden.updating() and expected and golden.file_digest(path) != expected:
        pytest.skip(f"{path} is not the set the digests were taken on; take them again with UPDATE_GOLDEN=1")
    if golden.updating():
        golden.save("dev_pages_file", golden.file_digest(path))
    return realpages.load_dev_pages(path)


@pytest.mark.parametrize("wrapping", realpages.WRAPPINGS)
def test_analysis_of_the_development_pages_is_unchanged(analyser, dev_pages, wrapping):
    got = {}
    for page in dev_pages:
        analysis = analyser.analyse(realpages.wrap_page(page, wrapping), page["url"], terms_on_every_page=True)
        got[f"{wrapping}#{page['index']}"] = golden.analysis_digest(analysis)
    _check(f"analysis_dev_pages_{wrapping}", got)


# Columns that say what the crawl found and decided; ids, run numbers and clocks are left out.
PAGE_COLUMNS = ("site", "status", "content_type", "content_hash", "page_kind", "page_kind_sure", "is_course", "error")
CANDIDATE_COLUMNS = (
    "site", "provider", "region", "title", "awards", "fheq_level", "credits", "modes", "duration",
    "months_full_time", "months_part_time", "fees", "entry_requirements", "requires_registration", "regulators",
    "topics", "start_dates", "summary", "search_terms", "urls", "facts", "facts_hash", "scope_category",
    "scope_score", "scope_reasons", "match_catalogue_id", "match_score", "match_decision", "page_type_sure",
)
RUN_SITE_COLUMNS = ("finish_reason", "pages_fetched", "course_pages", "candidates_in_scope", "errors", "bytes")


def test_what_a_replay_of_the_snapshot_stores_is_unchanged(tmp_path):
    db_path = tmp_path / "courses.db"
    result = run_scrapy("crawlall", "--replay", SNAPSHOT, "--db", str(db_path), timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(db_path) as conn:
        def rows(columns, table, key):
            query = f"SELECT {key}, {', '.join(columns)} FROM {table}"
            return {row[0]: golden.digest(dict(zip(columns, row[1:]))) for row in conn.execute(query)}

        got = {"pages": rows(PAGE_COLUMNS, "pages", "url"),
               "candidates": rows(CANDIDATE_COLUMNS, "candidates", "canonical_url"),
               "run_sites": rows(RUN_SITE_COLUMNS, "run_sites", "site")}
    if golden.updating():
        golden.save("replay_snapshot", got)
        return
    expected = golden.load().get("replay_snapshot")
    assert expected is not None, "no golden digests for replay_snapshot; take them with UPDATE_GOLDEN=1"
    for table in got:
        assert got[table] == expected[table], f"replay_snapshot {table}: {golden.differences(expected[table], got[table])}"
