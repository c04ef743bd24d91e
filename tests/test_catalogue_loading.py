"""The catalogue is in the database after a crawl: crawlall loads it once for the run, a lone crawl itself."""

import sqlite3
import subprocess
import sys

import pytest

from crawler.catalogue import read_catalogue
from crawler.paths import PROJECT_ROOT

SNAPSHOT = "data/snapshot/snapshot.warc.gz"


@pytest.mark.parametrize("command", [
    ("crawl", "kcl", "-s", f"REPLAY={SNAPSHOT}", "-s", "DATABASE={db}"),
    ("crawlall", "--only", "kcl", "--replay", SNAPSHOT, "--db", "{db}"),
], ids=["crawl", "crawlall"])
def test_the_catalogue_is_loaded(tmp_path, command):
    db = tmp_path / "c.db"
    args = [a.format(db=db) for a in command]
    done = subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode in (0, 3), done.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        ids = {row[0] for row in conn.execute("SELECT id FROM catalogue")}
    assert ids == {row["id"] for row in read_catalogue()}
