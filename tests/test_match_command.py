"""`scrapy match` as a user runs it: against the catalogue the database holds (accepted courses
too, as the crawl matches), and streaming, so a long list takes no more memory than a short one."""

import csv
import io
import subprocess
import sys

from crawler.paths import PROJECT_ROOT
from support.scrapy_run import run_scrapy
from test_review_fixtures import build_review_db

KCL_PGCERT = 2


def test_match_uses_the_courses_accepted_in_review(tmp_path):
    path = tmp_path / "courses.db"
    db = build_review_db(path)
    db.execute("INSERT INTO decisions (action, candidate_id, reviewer) VALUES ('accept', ?, 'ana')", [KCL_PGCERT])
    db.conn.commit()
    db.conn.close()
    before = path.read_bytes()
    source = tmp_path / "kcl.csv"
    source.write_text("title,provider\nPgCert Quality Improvement in Healthcare,King's College London\n")

    from_db = run_scrapy("match", str(source), "--db", str(path))
    assert from_db.returncode == 0, from_db.stderr
    row = next(csv.DictReader(io.StringIO(from_db.stdout)))
    assert (row["catalogue_id"], row["decision"]) == ("acc-2", "duplicate")
    assert path.read_bytes() == before  # read, never written

    # The report's CSV alone does not know it: that is what made accepted courses come back as new.
    from_csv = run_scrapy("match", str(source), "--catalogue", "data/catalogue.csv")
    assert next(csv.DictReader(io.StringIO(from_csv.stdout)))["catalogue_id"] != "acc-2"


def test_match_refuses_db_and_catalogue_together(tmp_path):
    source = tmp_path / "l.csv"
    source.write_text("title,provider\nx,y\n")
    result = run_scrapy("match", str(source), "--db", str(tmp_path / "x.db"), "--catalogue", "data/catalogue.csv")
    assert result.returncode == 2 and "not both" in result.stderr


PEAK_RSS = """
import resource, sys
from scrapy.cmdline import execute
sys.argv = ["scrapy", "match", "-", "--catalogue", "data/catalogue.csv"]
try:
    execute()
finally:
    print("peak_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def peak_memory_kb(rows: int) -> int:
    """Peak resident memory of `scrapy match -` over `rows` generated rows, fed through a pipe."""
    process = subprocess.Popen([sys.executable, "-c", PEAK_RSS], cwd=PROJECT_ROOT, stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    subjects = ["Improvement Science", "Patient Safety", "Astrophysics", "Clinical Research", "Nursing Studies"]
    providers = ["UWL", "UCL", "KCL", "LSBU", "Kingston University"]

    def feed():
        process.stdin.write(b"title,provider,notes\n")
        for i in range(rows):
            process.stdin.write(f"MSc {subjects[i % 5]} {i % 97},{providers[i % 4]},row {i}\n".encode())
        process.stdin.close()

    import threading

    writer = threading.Thread(target=feed)
    writer.start()
    stderr = process.stderr.read().decode()
    writer.join()
    assert process.wait() == 0, stderr[-2000:]
    return int(stderr.rsplit("peak_kb", 1)[1].split()[0])


def test_a_long_list_takes_no_more_memory_than_a_short_one():
    short, long = peak_memory_kb(10_000), peak_memory_kb(100_000)
    # Before streaming, the long list took 170 MB more than the short one (2 GB for a million rows).
    assert long - short < 25_000, (short, long)
