"""Every command over a table of bad files: one line naming the file and the problem, the documented
exit status, no traceback, and the database byte for byte as it was.

Each case is a real subprocess run of the command a user types; the cases run a few at a
time (they are independent), and each test reads its own case's result.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.paths import PROJECT_ROOT

GOOD_REGISTRY = (PROJECT_ROOT / "data" / "sites.yaml").read_text(encoding="utf-8")
GOOD_TERMS = (PROJECT_ROOT / "search_terms.yaml").read_text(encoding="utf-8")
GOOD_SCOPE = (PROJECT_ROOT / "data" / "scope_terms.yaml").read_text(encoding="utf-8")
GOOD_CATALOGUE = (PROJECT_ROOT / "data" / "catalogue.csv").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Case:
    name: str
    command: tuple[str, ...]   # {db}, {sites}, {terms}, {scope}, {catalogue}, {input}, {archive} are filled in
    bad: str                   # which file is bad: db, sites, terms, scope, catalogue, input, archive
    kind: str                  # how it is bad (see make_bad)
    status: int                # the documented exit status
    problem: str               # words the one line must contain

    @property
    def id(self):
        return f"{self.command[0]}-{self.bad}-{self.kind}-{self.name}"


DB_COMMANDS = {
    "crawlall": ("crawlall", "--only", "kcl", "--replay", "data/snapshot/snapshot.warc.gz", "--db", "{db}"),
    "crawl": ("crawl", "kcl", "-s", "REPLAY=data/snapshot/snapshot.warc.gz", "-s", "DATABASE={db}"),
    "rescore": ("rescore", "--db", "{db}"),
    "export": ("export", "verification", "--db", "{db}", "--output", "{out}"),
    "review": ("review", "--db", "{db}", "--port", "1"),
    "match": ("match", "{input}", "--db", "{db}"),
}
CONFIG_COMMANDS = {
    "crawlall": ("crawlall", "--only", "kcl", "--replay", "data/snapshot/snapshot.warc.gz", "--db", "{db}"),
    "crawl": ("crawl", "kcl", "-s", "REPLAY=data/snapshot/snapshot.warc.gz", "-s", "DATABASE={db}"),
    "list": ("list",),
    "rescore": ("rescore", "--db", "{db}"),
    "export": ("export", "report", "--db", "{db}", "--output", "{out}"),
    "match": ("match", "{input}", "--db", "{db}"),
    "explain": ("explain", "{page}", "--url", "https://www.kcl.ac.uk/x"),
}

DB_PROBLEMS = {
    "missing": "not found",
    "empty": "is empty",
    "truncated": "truncated",
    "corrupt": "damaged",
    "text": "not an SQLite database",
    "other_sqlite": "not a crawl database",
    "read_only": "read-only",
}

CASES = [
    # The crawl database: every command that reads it refuses a bad one the same way.
    *[Case("all", DB_COMMANDS["rescore"], "db", kind, 2, problem) for kind, problem in DB_PROBLEMS.items()],
    *[Case("missing", DB_COMMANDS[c], "db", "missing", 2, "not found") for c in ("export", "review", "match")],
    *[Case("damaged", DB_COMMANDS[c], "db", kind, 2, DB_PROBLEMS[kind])
      for c in ("crawlall", "crawl", "export", "review", "match") for kind in ("text", "read_only")],
    *[Case("damaged", DB_COMMANDS["crawlall"], "db", kind, 2, DB_PROBLEMS[kind])
      for kind in ("empty", "truncated", "corrupt")],
    Case("damaged", DB_COMMANDS["export"], "db", "other_sqlite", 2, "not a crawl database"),
    # The registry, every way it can be bad, on the nightly command.
    *[Case("all", CONFIG_COMMANDS["crawlall"], "sites", kind, 2, problem) for kind, problem in {
        "missing": "not found", "empty": "expected a mapping", "not_utf8": "not UTF-8", "binary": "binary",
        "duplicate_max_pages": "duplicate key 'max_pages'", "duplicate_defaults": "duplicate key 'defaults'",
        "truncated": "line", "directory": "directory"}.items()],
    # ... and one bad registry on every command that reads it.
    *[Case("every", CONFIG_COMMANDS[c], "sites", "not_utf8", 2, "not UTF-8")
      for c in ("crawl", "list", "rescore", "export", "match", "explain")],
    Case("every", CONFIG_COMMANDS["list"], "sites", "duplicate_max_pages", 2, "duplicate key"),
    # The other configuration files.
    Case("all", CONFIG_COMMANDS["crawlall"], "terms", "not_utf8", 2, "not UTF-8"),
    Case("all", CONFIG_COMMANDS["crawlall"], "terms", "duplicate_term", 2, "duplicate term"),
    Case("all", CONFIG_COMMANDS["crawlall"], "terms", "duplicate_key", 2, "duplicate key 'variants'"),
    Case("all", CONFIG_COMMANDS["rescore"], "scope", "binary", 2, "binary"),
    Case("all", CONFIG_COMMANDS["rescore"], "scope", "duplicate_key", 2, "duplicate key"),
    Case("all", CONFIG_COMMANDS["crawlall"], "catalogue", "not_utf8", 2, "not UTF-8"),
    Case("all", CONFIG_COMMANDS["crawlall"], "catalogue", "binary", 2, "binary"),
    # A replay archive that cannot be replayed at all: refused before any crawl, by every command that replays.
    *[Case("archive", command, "archive", kind, 2, problem)
      for command in (("crawlall", "--only", "kcl", "--replay", "{archive}", "--db", "{db}"),
                      ("crawl", "kcl", "-s", "REPLAY={archive}", "-s", "DATABASE={db}"),
                      ("explain", "--warc", "{archive}"))
      for kind, problem in {"missing": "not found", "empty": "is empty", "text": "not a readable WARC",
                            "corrupt": "not a readable WARC"}.items()],
    # The list `scrapy match` is given: status 1, the input could not be read.
    *[Case("input", CONFIG_COMMANDS["match"], "input", kind, 1, problem) for kind, problem in {
        "missing": "No such file", "binary": "binary"}.items()],
]


def make_good_db(path: Path) -> None:
    from crawler.storage import open_db

    db = open_db(path)
    db.execute("INSERT INTO runs (started_at, mode, sites, status) VALUES ('2026-12-01', 'live', '[]', 'finished')")
    db.conn.commit()
    db.conn.close()


def garbage(size: int) -> bytes:
    return (bytes(range(256)) * (size // 256 + 1))[:size]


def make_bad(kind: str, path: Path, good: str | bytes, template_db: Path) -> None:
    """Write `path` bad in the way `kind` says, from the good content."""
    data = good.encode("utf-8") if isinstance(good, str) else good
    if kind == "missing":
        return
    if kind == "directory":
        path.mkdir()
        return
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("id,title\n1,not a database\n")
    elif kind == "truncated":
        path.write_bytes(data[: len(data) // 2 + 7])
    elif kind == "corrupt":  # the header survives, what follows is noise
        keep = 100 if data.startswith(b"SQLite") else 20
        path.write_bytes(data[:keep] + garbage(len(data) - keep))
    elif kind == "other_sqlite":
        import sqlite3

        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        conn.close()
    elif kind == "read_only":
        shutil.copy(template_db, path)
    elif kind == "not_utf8":
        path.write_bytes(data.replace(b"\n", "\n# caf\u00e9 \u2014 Latin-1\n".encode("latin-1", "replace"), 3))
    elif kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + garbage(200))
    elif kind == "duplicate_max_pages":
        path.write_bytes(data.replace(b"    max_pages:", b"    max_pages: 5\n    max_pages:", 1))
    elif kind == "duplicate_defaults":
        path.write_bytes(data + b"\ndefaults:\n  max_pages: 10\n")
    elif kind == "duplicate_term":
        path.write_bytes(data + b"  - term: improvement science\n    targets: courses\n")
    elif kind == "duplicate_key":
        marker = b"    variants:" if b"    variants:" in data else None
        if marker:
            path.write_bytes(data.replace(marker, b"    variants: [x]\n" + marker, 1))
        else:  # scope_terms.yaml: a top-level key given twice
            path.write_bytes(data + b"\nfield_weights: {}\n")
    else:
        raise ValueError(kind)


def set_read_only(path: Path) -> None:
    if os.geteuid() != 0:
        path.chmod(0o444)
        return
    # Root writes through file modes; an immutable file is read-only even for root.
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("cannot make a read-only file here (root, and no chattr)")


def clear_read_only(path: Path) -> None:
    if os.geteuid() == 0 and path.exists():
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)


def run_case(case: Case, workdir: Path, template_db: Path) -> dict:
    workdir.mkdir(parents=True)
    files = {
        "db": workdir / "courses.db",
        "sites": workdir / "sites.yaml",
        "terms": workdir / "search_terms.yaml",
        "scope": workdir / "scope_terms.yaml",
        "catalogue": workdir / "catalogue.csv",
        "input": workdir / "list.csv",
        "archive": workdir / "night.warc.gz",
    }
    good = {"db": template_db.read_bytes(), "sites": GOOD_REGISTRY, "terms": GOOD_TERMS, "scope": GOOD_SCOPE,
            "catalogue": GOOD_CATALOGUE, "input": "title,provider\nMSc Improvement Science,LSBU\n",
            "archive": (PROJECT_ROOT / "data" / "snapshot" / "snapshot.warc.gz").read_bytes()}
    for name, path in files.items():
        if name == case.bad:
            make_bad(case.kind, path, good[name], template_db)
        else:
            path.write_bytes(good[name].encode("utf-8") if isinstance(good[name], str) else good[name])
    page = workdir / "page.html"
    page.write_text("<html><head><title>MSc</title></head><body><h1>MSc Improvement Science</h1></body></html>")
    values = {**{k: str(v) for k, v in files.items()}, "out": str(workdir / "out"), "page": str(page)}
    args = [part.format(**values) for part in case.command]
    settings = ["-s", f"SITES_FILE={files['sites']}", "-s", f"SEARCH_TERMS_FILE={files['terms']}",
                "-s", f"SCOPE_TERMS_FILE={files['scope']}", "-s", f"CATALOGUE_FILE={files['catalogue']}"]
    if case.kind == "read_only":
        set_read_only(files[case.bad])
    before = files["db"].read_bytes() if files["db"].is_file() else None
    try:
        result = subprocess.run([sys.executable, "-m", "scrapy", *args, *settings], cwd=PROJECT_ROOT,
                                capture_output=True, text=True, timeout=120)
    finally:
        if case.kind == "read_only":
            clear_read_only(files[case.bad])
    after = files["db"].read_bytes() if files["db"].is_file() else None
    created = case.bad == "db" and case.kind == "missing" and files["db"].exists()
    return {"result": result, "bad_path": str(files[case.bad]), "db_unchanged": before == after,
            "db_not_created": not created}


@pytest.fixture(scope="module")
def results(request, tmp_path_factory):
    selected = {item.callspec.params["case"].id for item in request.session.items
                if isinstance(getattr(item, "callspec", None) and item.callspec.params.get("case"), Case)}
    template_db = tmp_path_factory.mktemp("template") / "courses.db"
    make_good_db(template_db)
    root = tmp_path_factory.mktemp("bad-input")
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {case.id: pool.submit(run_case, case, root / f"case{n}", template_db)
                   for n, case in enumerate(CASES) if case.id in selected}
        return {case_id: future for case_id, future in futures.items()}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_a_bad_file_gets_one_line_naming_it_and_the_documented_status(case, results):
    outcome = results[case.id].result()
    result = outcome["result"]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert len(lines) == 1, result.stderr[-3000:]
    assert outcome["bad_path"] in lines[0] and case.problem in lines[0], lines[0]
    assert result.returncode == case.status, lines[0]
    # The database is as it was (and a missing one was not created).
    assert outcome["db_unchanged"]
    assert outcome["db_not_created"]


@pytest.mark.parametrize("command", ["crawlall", "crawl", "rescore", "export", "review", "match"])
def test_an_in_memory_database_is_refused_in_one_line(command, tmp_path):
    # ":memory:" would give the pipeline and the run log an empty database each (the crawl
    # then failed on a foreign key, with a traceback) and keep nothing for review.
    values = {"db": ":memory:", "out": str(tmp_path / "out"), "input": str(tmp_path / "list.csv")}
    (tmp_path / "list.csv").write_text("title,provider\nMSc Improvement Science,kcl\n")
    args = [part.format(**values) for part in DB_COMMANDS[command]]
    result = subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=120)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert len(lines) == 1 and ":memory:" in lines[0] and "in-memory database" in lines[0], result.stderr[-3000:]
    assert result.returncode == 2
    assert not (PROJECT_ROOT / ":memory:").exists() and not (tmp_path / "out").exists()
