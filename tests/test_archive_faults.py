"""Archives that cannot be trusted: an empty recording is not kept, a damaged archive is named once
and its readable records replayed, and a replay whose archive answers (almost) nothing fails
without counting towards "not seen". Real WARC files, real crawls as subprocesses."""

import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.archive import WarcIndex, WarcRecorder, load_replay_index
from crawler.paths import PROJECT_ROOT

SNAPSHOT = PROJECT_ROOT / "data" / "snapshot" / "snapshot.warc.gz"


def scrapy(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=timeout)


def cut_in_half(tmp_path) -> Path:
    data = SNAPSHOT.read_bytes()
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: len(data) // 2])
    return path


def corrupt_in_the_middle(tmp_path) -> Path:
    data = SNAPSHOT.read_bytes()
    middle = len(data) // 2
    path = tmp_path / "corrupt.warc.gz"
    path.write_bytes(data[:middle] + bytes(range(256)) * 40 + data[middle + 10240:])
    return path


def test_a_recording_that_got_nothing_leaves_no_file(tmp_path):
    recorder = WarcRecorder(tmp_path / "night.warc.gz")
    recorder.close()
    assert not (tmp_path / "night.warc.gz").exists()


def test_record_on_a_night_that_fetched_nothing_keeps_no_archive(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        origin = "http://127.0.0.1:%d" % probe.getsockname()[1]
    sites = tmp_path / "sites.yaml"
    sites.write_text(f"""sites:
  - key: dark_uni
    name: Dark University
    region: south
    kind: university
    home: {origin}/courses/
    listings: [{origin}/courses/]
    allowed_domains: [127.0.0.1]
""")
    archive = tmp_path / "night.warc.gz"
    result = scrapy("crawlall", "--record", str(archive), "--db", str(tmp_path / "c.db"), "-s", f"SITES_FILE={sites}",
                    "-s", "RETRY_TIMES=0", "-s", "HTTPCACHE_ENABLED=0")
    assert result.returncode == 1
    assert not archive.exists()


@pytest.mark.parametrize("damage", [cut_in_half, corrupt_in_the_middle])
def test_damage_part_way_keeps_the_records_before_it(tmp_path, damage):
    path = damage(tmp_path)
    index = WarcIndex([path])
    whole = WarcIndex([SNAPSHOT])
    assert 0 < len(index) < len(whole)
    [(damaged, offset, problem)] = index.damage
    assert damaged == path and 0 < offset < path.stat().st_size and problem
    # Every record it gives is whole: the same body as in the undamaged archive.
    for url in index.urls():
        assert index.read(url)[2] == whole.read(url)[2]


@pytest.mark.parametrize("content, problem", [
    (b"", "is empty"),
    (b"<!doctype html><html><body>not an archive</body></html>\n", "not a readable WARC"),
    (bytes(range(256)) * 8, "not a readable WARC"),
])
def test_an_archive_that_cannot_be_replayed_at_all_is_refused(tmp_path, content, problem):
    from crawler.archive import ArchiveError

    path = tmp_path / "bad.warc.gz"
    path.write_bytes(content)
    with pytest.raises(ArchiveError, match=problem):
        load_replay_index([path])


@pytest.mark.parametrize("damage", [cut_in_half, corrupt_in_the_middle])
def test_crawlall_replays_a_damaged_archive_naming_the_damage_once(tmp_path, damage):
    path = damage(tmp_path)
    result = scrapy("crawlall", "--replay", str(path), "--db", str(tmp_path / "c.db"))
    assert result.returncode in (0, 3), result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "Error -3" not in result.stderr
    naming = [line for line in result.stderr.splitlines() if str(path) in line]
    assert len(naming) == 1 and "damaged at byte" in naming[0], result.stderr[-2000:]
    assert "replay archive is damaged part way" in result.stdout
    with sqlite3.connect(tmp_path / "c.db") as conn:
        assert conn.execute("SELECT count(*) FROM candidates").fetchone()[0] > 0


def test_replays_of_an_archive_with_nothing_for_the_sites_fail_and_do_not_count_as_not_seen(tmp_path):
    db = tmp_path / "c.db"
    first = scrapy("crawlall", "--replay", str(SNAPSHOT), "--only", "kcl", "--db", str(db))
    assert first.returncode in (0, 3), first.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        linked = conn.execute("SELECT count(*) FROM matches WHERE decision = 'duplicate'").fetchone()[0]
    assert linked > 0  # catalogue courses seen on the first night
    other = tmp_path / "other.warc.gz"
    recorder = WarcRecorder(other)
    recorder.write("https://www.example.org/", 200, "OK", [("Content-Type", "text/html")], b"<html>elsewhere</html>")
    recorder.close()
    for _ in range(3):
        night = scrapy("crawlall", "--replay", str(other), "--only", "kcl", "--db", str(db))
        assert night.returncode == 1
        assert "Run failed (exit status 1): the archive answered 0 of the" in night.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM possibly_discontinued").fetchone()[0] == 0
        assert [s for (s,) in conn.execute("SELECT status FROM runs ORDER BY id")] == ["finished"] + ["failed"] * 3


def test_an_unknown_site_gets_the_same_line_and_status_from_crawl_and_crawlall(tmp_path):
    crawl = scrapy("crawl", "nosuch", "-s", f"DATABASE={tmp_path / 'c.db'}")
    crawlall = scrapy("crawlall", "--only", "nosuch", "--db", str(tmp_path / "c.db"))
    assert crawl.returncode == crawlall.returncode == 2
    assert crawl.stderr.strip() == crawlall.stderr.strip() == \
        "configuration error: unknown site key(s): nosuch (see `scrapy list`)"
    assert not (tmp_path / "c.db").exists()
