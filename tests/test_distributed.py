"""A crawl shared by two worker processes through a real Redis, stored by the one `scrapy ingest` writer."""

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter

import pytest
import yaml

from crawler.analyse.analyser import Analysis
from crawler.paths import PROJECT_ROOT
from tests.support.local_site import LocalSite, html

COURSES = 150
PER_LISTING = 25
HOST_LIMIT = 2  # CONCURRENT_REQUESTS_PER_DOMAIN, shared by every worker
SUBJECTS = ["Improvement Science", "Patient Safety", "Implementation Science", "Healthcare Leadership",
            "Clinical Research", "Mechanical Engineering", "Medieval History"]
# Distinct titles: pages of one course with the same title fold into one candidate.
CAMPUSES = ["Guy's", "Waterloo", "Denmark Hill", "Strand", "St Thomas'"]


@pytest.fixture(scope="module")
def redis_url():
    """A throwaway redis-server on a free port; CI must have it (.ci/run installs it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed: .ci/run must `apt-get install -y redis-server`")
        pytest.skip("redis-server is not installed (apt-get install redis-server); CI runs these tests")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        server.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


class CountingSite(LocalSite):
    """LocalSite that also records the most requests it was answering at one moment."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.active = self.max_active = 0
        lock = threading.Lock()
        handler = self.server.RequestHandlerClass
        answer = handler.do_GET
        site = self

        def do_GET(request_handler):
            with lock:
                site.active += 1
                site.max_active = max(site.max_active, site.active)
            try:
                answer(request_handler)
            finally:
                with lock:
                    site.active -= 1

        handler.do_GET = do_GET


def course_path(i: int) -> str:
    return f"/courses/{SUBJECTS[i % len(SUBJECTS)].lower().replace(' ', '-')}-{i}"


def build_site() -> dict:
    """A course A-Z over several listing pages, so the crawl fans out in steps, as a real one does."""
    listings = (COURSES + PER_LISTING - 1) // PER_LISTING
    pages = {"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")}
    for n in range(listings):
        links = "".join(f'<li><a href="{course_path(i)}">MSc {SUBJECTS[i % len(SUBJECTS)]}</a></li>'
                        for i in range(n * PER_LISTING, min(COURSES, (n + 1) * PER_LISTING)))
        more = f'<a href="/courses/?page={n + 2}">Next</a>' if n + 1 < listings else ""
        pages["/courses/" if n == 0 else f"/courses/?page={n + 1}"] = html(
            f"<main><h1>Courses A-Z</h1><ul>{links}</ul>{more}</main>", title="Courses")
    for i in range(COURSES):
        subject = SUBJECTS[i % len(SUBJECTS)]
        pages[course_path(i)] = html(f"""<main><h1>MSc {subject} ({CAMPUSES[i % len(CAMPUSES)]} campus, cohort {i})</h1>
          <p class="lead">A part-time master's for NHS staff who lead quality improvement in health care.</p>
          <table class="key-facts"><tr><th>Award</th><td>MSc</td></tr>
          <tr><th>Fees</th><td>UK £9,{i:03d}</td></tr></table></main>""", title=f"MSc {subject} {i}")
    return pages


@pytest.fixture
def shared_crawl(tmp_path, redis_url):
    """Starts workers and the writer of one run against a local site, as separate processes."""
    run = f"test-{uuid.uuid4().hex[:8]}"
    db_path = tmp_path / "courses.db"
    processes = []

    def sites_file(site):
        path = tmp_path / "sites.yaml"
        path.write_text(yaml.safe_dump({"sites": [{
            "key": "shared_uni", "name": "Shared University", "region": "south", "kind": "university",
            "home": f"{site.origin}/courses/", "allowed_domains": ["127.0.0.1"],
            "listings": [f"{site.origin}/courses/"], "follow": ["/courses/"], "max_pages": 1000, "max_depth": 10}]}))
        return path

    def crawl_settings(site, db):
        return ["-s", f"SITES_FILE={sites_file(site)}", "-s", f"DATABASE={db}",
                "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "HTTPCACHE_ENABLED=0",
                "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={HOST_LIMIT}", "-s", "LOG_LEVEL=INFO", *worker.settings]

    def start(site, *command):
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapy", *command, "--distributed", redis_url, *crawl_settings(site, db_path),
             "-s", f"DISTRIBUTED_RUN={run}", "-s", "DISTRIBUTED_WORKER_TTL=2", "-s", "DISTRIBUTED_FINISH_GRACE=1"],
            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        processes.append(process)
        return process

    def one_process(site, db):
        """The same crawl without Redis: `scrapy crawl` extracting, matching and storing by itself."""
        return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "shared_uni", *crawl_settings(site, db)],
                              cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})

    def worker(site, command="crawl"):
        return start(site, *(["crawl", "shared_uni"] if command == "crawl" else ["crawlall"]))

    def writer(site):
        return start(site, "ingest", "--run", run)

    worker.settings = []  # more -s settings for every process, set by a test before it starts them
    worker.writer = writer
    worker.one_process = one_process
    worker.run = run
    worker.db_path = db_path
    yield worker
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate()


def finish(process, timeout=60):
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def query(db_path, sql):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def expected_paths(site) -> set[str]:
    return {path for path in site.pages if path != "/robots.txt"}


def test_two_workers_fetch_each_page_once_and_the_writer_stores_each_once(shared_crawl):
    with CountingSite(build_site(), delay=0.01) as site:
        workers = [shared_crawl(site, "crawlall"), shared_crawl(site, "crawlall")]
        writer = shared_crawl.writer(site)
        results = [finish(w) for w in workers]
        written = finish(writer)
    for code, out, err in results:
        assert code == 0, err[-3000:]
    assert written[0] == 0, written[2][-3000:] + written[1]

    fetched = Counter(site.requests)
    # robots.txt: once for each worker's RobotsTxtMiddleware, once as the spider's discovery page.
    assert fetched.pop("/robots.txt") == 3
    assert set(fetched) == expected_paths(site)
    assert [path for path, count in fetched.items() if count > 1] == []
    # Both workers took a share of the work.
    shares = [int(out.split("shared_uni: ")[1].split(" pages")[0]) for _, out, _ in results]
    assert all(share > 0 for share in shares), shares
    assert site.max_active <= HOST_LIMIT

    stored = query(shared_crawl.db_path, "SELECT url FROM pages")
    assert len(stored) == len(expected_paths(site)) == len({url for (url,) in stored})
    assert len(query(shared_crawl.db_path, "SELECT id FROM candidates")) == COURSES
    (status, pages_fetched), = query(shared_crawl.db_path,
                                     "SELECT r.status, s.pages_fetched FROM runs r JOIN run_sites s ON s.run_id = r.id")
    assert status == "finished"
    # Every response counts, as in one process: here three robots.txt.
    assert pages_fetched == len(expected_paths(site)) + 3
    assert f"stored {len(expected_paths(site))} items" in written[1]


def test_a_worker_killed_mid_crawl_loses_nothing(shared_crawl, redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    inflight = f"course-crawler:{shared_crawl.run}:shared_uni:inflight"
    with CountingSite(build_site(), delay=0.05) as site:
        victim = shared_crawl(site)
        survivor = shared_crawl(site)
        writer = shared_crawl.writer(site)
        deadline = time.monotonic() + 60
        leases = []
        # Kill once the crawl is well under way and the victim holds leases.
        while time.monotonic() < deadline:
            leases = [t for t in client.hkeys(inflight) if f":{victim.pid}:".encode() in t]
            if len(site.requests) > 40 and leases:
                break
            time.sleep(0.01)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        assert leases, "the victim never held a lease"
        survived = finish(survivor)
        written = finish(writer)
    assert survived[0] == 0, survived[2][-3000:]
    assert written[0] == 0, written[2][-3000:] + written[1]
    assert "queued again" in written[1] or "Requeued" in survived[2]

    fetched = Counter(site.requests)
    fetched.pop("/robots.txt")
    # Nothing lost: every page was fetched, the victim's unfinished ones again by the survivor.
    assert set(fetched) == expected_paths(site)
    stored = [url for (url,) in query(shared_crawl.db_path, "SELECT url FROM ingested_pages")]
    assert len(stored) == len(set(stored)) == len(expected_paths(site))
    assert len(query(shared_crawl.db_path, "SELECT id FROM candidates")) == COURSES
    assert site.max_active <= HOST_LIMIT


def test_ingest_without_redis_is_a_configuration_error():
    result = subprocess.run([sys.executable, "-m", "scrapy", "ingest"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "give --distributed" in result.stderr


# -- the Redis scripts on their own ------------------------------------------------

def test_the_engine_hook_that_releases_leases_still_exists():
    """frontier.py releases a lease in the engine slot's remove_request; a Scrapy upgrade must keep it."""
    from scrapy.core.engine import ExecutionEngine, _Slot

    assert callable(_Slot.remove_request) and callable(ExecutionEngine._remove_request)


@pytest.fixture
def client(redis_url):
    import redis

    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    return server


def test_a_lease_of_a_dead_worker_is_requeued_and_a_live_one_kept(client):
    from crawler.distributed import RunKeys
    from crawler.distributed.frontier import POP_AND_LEASE, SiteFrontier

    keys = RunKeys("unit")
    frontier = SiteFrontier(client, keys, "site")
    client.zadd(frontier.queue, {b"a": -10, b"b": -5})
    pop = client.register_script(POP_AND_LEASE)
    assert pop(keys=[frontier.queue, frontier.inflight, frontier.inflight_scores], args=["alive|1"]) == b"a"
    assert pop(keys=[frontier.queue, frontier.inflight, frontier.inflight_scores], args=["dead|1"]) == b"b"
    client.set(keys.heartbeat("alive"), "1")
    client.sadd(frontier.workers, "alive", "dead")
    assert frontier.progress()["queued"] == 0 and not frontier.is_drained()

    assert frontier.reap() == 1
    assert client.zrange(frontier.queue, 0, -1, withscores=True) == [(b"b", -5.0)]
    assert client.hkeys(frontier.inflight) == [b"alive|1"]
    assert client.smembers(frontier.workers) == {b"alive"}


def test_a_host_slot_is_shared_by_every_worker_and_spaced_by_the_delay(client):
    from crawler.distributed import RunKeys
    from crawler.distributed.politeness import ACQUIRE

    keys = RunKeys("unit")
    acquire = client.register_script(ACQUIRE)
    for worker in ("w1", "w2", "w3"):
        client.set(keys.heartbeat(worker), "1")

    def take(token, limit=2, delay_ms=0):
        return acquire(keys=[keys.host_slots("h"), keys.host_next("h")],
                       args=[token, limit, delay_ms, 60_000, keys.heartbeat_prefix])

    assert take("w1|1") == 0
    assert take("w2|1") == 0
    assert take("w3|1") == 1  # full: two slots across all workers
    client.delete(keys.heartbeat("w1"))  # w1 died holding a slot: it is freed
    assert take("w3|1") == 0
    client.delete(keys.host_slots("h"))
    assert take("w2|2", delay_ms=5_000) == 0
    assert 4_000 < take("w3|2", delay_ms=5_000) <= 5_000  # the next start waits out the delay


# Columns that depend on when and in which run a row was written, not on what was read.
RUN_COLUMNS = {"id", "first_run", "last_run", "first_seen", "last_seen", "run_id", "fetched_at", "candidate_id",
               "archive_record"}


def stored_rows(db_path, table: str, order_by: str) -> list[dict]:
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(f"SELECT * FROM {table} ORDER BY {order_by}").fetchall()
    return [{k: row[k] for k in row.keys() if k not in RUN_COLUMNS} for row in rows]


def test_what_the_writer_stores_from_the_workers_analysis_equals_a_one_process_crawl(shared_crawl, tmp_path):
    """Workers extract and judge, the writer matches and stores: the rows are those of `scrapy crawl` alone."""
    with CountingSite(build_site(), delay=0.01) as site:
        catalogue = tmp_path / "catalogue.csv"
        catalogue.write_text(
            "id,title,provider,category,source_table,unverified,region,url\n"
            # Same title and provider: a duplicate. The same course at its URL: a duplicate by URL.
            "s-1,\"MSc Patient Safety (Waterloo campus, cohort 1)\",Shared University,core,table 1,0,,\n"
            f"s-2,Improvement Science,Shared University,core,table 1,0,,{site.origin}{course_path(7)}\n"
            # A near title: for review. Another provider's course: never this site's match.
            "s-3,Healthcare Leadership,Shared University,core,table 1,0,,\n"
            "o-1,\"MSc Clinical Research (St Thomas' campus, cohort 4)\",Other University,core,table 1,0,,\n")
        shared_crawl.settings += ["-s", f"CATALOGUE_FILE={catalogue}"]
        alone_db = tmp_path / "alone.db"
        alone = shared_crawl.one_process(site, alone_db)
        assert alone.returncode == 0, alone.stderr[-3000:]
        workers = [shared_crawl(site), shared_crawl(site)]
        writer = shared_crawl.writer(site)
        results = [finish(w) for w in workers]
        written = finish(writer)
    for code, _, err in results:
        assert code == 0, err[-3000:]
        assert "distributed/items_analysed" in err  # the workers extracted, not the writer
    assert written[0] == 0, written[2][-3000:] + written[1]

    alone_candidates = stored_rows(alone_db, "candidates", "canonical_url")
    assert len(alone_candidates) == COURSES
    assert stored_rows(shared_crawl.db_path, "candidates", "canonical_url") == alone_candidates
    assert stored_rows(shared_crawl.db_path, "pages", "url") == stored_rows(alone_db, "pages", "url")
    matches = "SELECT c.canonical_url, m.catalogue_id, m.score, m.decision, m.signals FROM matches m " \
              "JOIN candidates c ON c.id = m.candidate_id ORDER BY 1, 2"
    assert query(shared_crawl.db_path, matches) == query(alone_db, matches)
    # The comparison covers what matters: titles, scope categories, and every kind of match decision.
    assert {c["scope_category"] for c in alone_candidates} >= {"core", "related"}
    decisions = Counter(c["match_decision"] for c in alone_candidates)
    assert decisions["duplicate"] and decisions["review"] and decisions["new"], decisions


def test_an_item_from_an_older_worker_is_analysed_by_the_writer():
    """Items without the analysis (a worker from before it, or DISTRIBUTED_WORKER_ANALYSIS=0) still decode."""
    from crawler.distributed.worker import encode_page, decode_item
    from crawler.items import FetchedPage

    page = FetchedPage(url="https://example.ac.uk/c", site="x", status=200, body=b"<h1>x</h1>")
    assert decode_item(encode_page(page)) == (page, None)
    garbled = json.loads(encode_page(page))
    garbled["analysis"] = {"facts": "not a dict"}
    assert decode_item(json.dumps(garbled).encode()) == (page, None)  # analysed by the writer, not lost


def test_extract_on_a_worker_then_match_on_the_writer_equals_analyse(tmp_path):
    """analyse(match=False) sent as JSON, then complete(): the same Analysis as analyse() in one step."""
    from crawler.analyse.analyser import PageAnalyser
    from crawler.distributed.worker import decode_item, encode_page
    from crawler.items import FetchedPage
    from crawler.registry import load_registry
    from crawler.terms import load_terms

    registry, terms = load_registry(), load_terms()
    site = registry.sites[0]
    pages = sorted((PROJECT_ROOT / "tests" / "fixtures" / "extract").glob("*.html"))
    worker = PageAnalyser(registry, terms)  # no catalogue, as on a worker
    titles = [worker.analyse(p.read_bytes(), f"{site.home}{p.stem}", site=site).facts.get("title") for p in pages]
    # The writer's catalogue: some pages' own titles (duplicates), one of them refused by a maintainer.
    catalogue = [{"id": f"c-{n}", "title": title, "provider": site.name, "category": "core", "url": ""}
                 for n, title in enumerate(titles) if title and n % 2 == 0]
    writer = PageAnalyser(registry, terms, catalogue, never_link={(f"{site.home}{pages[0].stem}", "c-0")})
    matched = 0
    for path in pages:
        body, url = path.read_bytes(), f"{site.home}{path.stem}"
        expected = writer.analyse(body, url, site=site)
        page = FetchedPage(url=url, site=site.key, status=200, body=body)
        _, analysed = decode_item(encode_page(page, worker.analyse(body, url, site=site, match=False)))
        analysis = Analysis(url, site, analysed["facts"], analysed["verdict"], None, analysed["search_terms"])
        assert writer.complete(analysis) == expected, path.name
        matched += expected.match is not None
    assert matched
