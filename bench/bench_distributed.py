"""Crawl speed with 1, 2 and 4 worker processes sharing one Redis, against one process without Redis.

Usage: .venv/bin/python bench/bench_distributed.py [--pages 5000] [--workers 1,2,4] [--raw-items] [--keep]

Serves a generated site (bench/sitegen.py: robots.txt, sitemap, a paged A-Z and N course
pages of 10-20 KB) from a threaded server with a backlog of 1,024, starts a redis-server
on a free port (`redis-server` must be installed), then, each in its own processes:

1. one process without Redis: `scrapy crawl bench_uni` (fetch, extract, judge, match, store);
2. the same process with no item pipeline (fetch only, the ceiling for a worker);
3. for each worker count N, a fresh run: N `scrapy crawl bench_uni --distributed` workers
   (fetch, extract, judge and push the pages to Redis), then `scrapy ingest` alone drains
   the items (match, store), so the writer's items/s is measured by itself. With
   `--raw-items` the workers push raw pages (DISTRIBUTED_WORKER_ANALYSIS=0) and the writer
   extracts too, as before workers analysed pages.

The "end to end" column is the slower of the two stages, the workers' pages/s and the
writer's items/s: the first-night speed when the writer runs on its own core(s).

Every crawl runs with DOWNLOAD_DELAY=0, AutoThrottle off, CONCURRENT_REQUESTS=16 and
CONCURRENT_REQUESTS_PER_DOMAIN=16 (the project's polite default is 2; with 2 the per-host
limit, held across workers, and not the workers, sets the speed), robots.txt obeyed, no
HTTP cache. Pages/s is responses over the crawl's own time: open to close of the spider
from Scrapy's stats; for N workers, the first worker's open to the last one's close.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sitegen import BenchSite, serve, write_registry  # noqa: E402

COMMON_SETTINGS = {
    "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0", "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "ROBOTSTXT_OBEY": "1", "HTTPCACHE_ENABLED": "0",
    "LOG_LEVEL": "INFO", "LOGSTATS_INTERVAL": "0",
}


def start_redis() -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return server, f"redis://127.0.0.1:{port}/0"
        except redis.ConnectionError:
            time.sleep(0.05)
    server.kill()
    sys.exit("redis-server did not start")


def settings_args(settings: dict) -> list[str]:
    return [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]


def scrapy(*args: str, log: Path) -> subprocess.Popen:
    out = open(log, "w")
    return subprocess.Popen([sys.executable, "-m", "scrapy", *args], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def stats_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def single_process(tmp: Path, settings: dict, fetch_only: bool = False) -> dict:
    name = "fetch-only" if fetch_only else "single"
    db = tmp / f"{name}.db"
    # Fetch only: no item pipeline, so the process does what a worker does, minus Redis.
    extra = ["-s", "ITEM_PIPELINES={}"] if fetch_only else []
    started = time.perf_counter()
    status = scrapy("crawl", "bench_uni", "-s", f"DATABASE={db}", *settings_args(settings), *extra,
                    log=tmp / f"{name}.log").wait()
    wall = time.perf_counter() - started
    if status != 0:
        sys.exit(f"single-process crawl exited {status}; see {tmp / f'{name}.log'}")
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("SELECT stats FROM run_sites ORDER BY run_id DESC LIMIT 1").fetchone()[0])
    pages = stats["downloader/response_count"]
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
    return {"label": "1 process, fetch only" if fetch_only else "1 process, no Redis", "pages": pages, "seconds": stats["elapsed_time_seconds"], "wall": wall,
            "pages_per_s": pages / stats["elapsed_time_seconds"], "stored": stored}


def distributed(tmp: Path, settings: dict, redis_url: str, workers: int, raw_items: bool = False) -> dict:
    import redis

    run = f"bench-{workers}-{uuid.uuid4().hex[:6]}"
    db = tmp / f"workers{workers}.db"
    shared = [*settings_args(settings), "--distributed", redis_url, "-s", f"DISTRIBUTED_RUN={run}",
              "-s", f"DATABASE={db}", "-s", f"DISTRIBUTED_WORKER_ANALYSIS={0 if raw_items else 1}"]
    started = time.perf_counter()
    children = [scrapy("crawl", "bench_uni", *shared, log=tmp / f"workers{workers}-{n}.log") for n in range(workers)]
    statuses = [child.wait() for child in children]
    crawl_wall = time.perf_counter() - started
    if any(statuses):
        sys.exit(f"a worker exited {statuses}; see {tmp}/workers{workers}-*.log")
    client = redis.Redis.from_url(redis_url)
    snapshots = [json.loads(v) for v in client.hvals(f"course-crawler:{run}:bench_uni:stats")]
    pages = sum(s.get("downloader/response_count", 0) for s in snapshots)
    first = min(stats_time(s["start_time"]) for s in snapshots)
    last = max(stats_time(s["finish_time"]) for s in snapshots)
    seconds = (last - first).total_seconds()
    items = client.llen(f"course-crawler:{run}:items")

    started = time.perf_counter()
    log = tmp / f"ingest{workers}.log"
    status = scrapy("ingest", *shared, "--run", run, "-s", "DISTRIBUTED_FINISH_GRACE=0.5", log=log).wait()
    ingest_wall = time.perf_counter() - started
    if status not in (0, 3):  # 3: the run raised an alert (a bench site is not a real one)
        sys.exit(f"ingest exited {status}; see {log}")
    match = re.search(r"stored (\d+) items \(([\d.]+) items/s\)", log.read_text())
    return {"label": f"{workers} worker{'s' if workers > 1 else ''} + Redis", "pages": pages, "seconds": seconds,
            "wall": crawl_wall, "pages_per_s": pages / seconds, "items": items,
            "stored": int(match.group(1)) if match else 0, "writer_items_per_s": float(match.group(2)) if match else 0,
            "ingest_wall": ingest_wall}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=5000, help="course pages on the generated site (default 5000)")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to measure (default 1,2,4)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and the logs")
    parser.add_argument("--raw-items", action="store_true",
                        help="workers push raw pages and the writer extracts them (DISTRIBUTED_WORKER_ANALYSIS=0)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench_distributed_"))
    site = BenchSite(args.pages)
    server, _ = serve(site)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    redis_server, redis_url = start_redis()
    print(f"Site: {len(site.pages)} pages at {origin}; Redis at {redis_url}; {os.cpu_count()} CPUs")
    sites_file = write_registry(tmp / "sites.yaml", origin, args.pages)
    settings = {**COMMON_SETTINGS, "SITES_FILE": sites_file}
    try:
        results = [single_process(tmp, settings), single_process(tmp, settings, fetch_only=True)]
        for workers in (int(n) for n in args.workers.split(",")):
            results.append(distributed(tmp, settings, redis_url, workers, raw_items=args.raw_items))
    finally:
        redis_server.terminate()
        server.shutdown()

    base = results[0]["pages_per_s"]
    one_worker = next((r["pages_per_s"] for r in results if r["label"].startswith("1 worker")), None)
    fetch_only = results[1]["pages_per_s"]
    print(f"\n{'run':<22}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'x 1 process':>12}{'x fetch only':>13}{'x 1 worker':>11}"
          f"{'stored':>8}{'writer items/s':>16}{'end to end':>12}")
    for r in results:
        vs_worker = f"{r['pages_per_s'] / one_worker:.2f}" if one_worker and "writer_items_per_s" in r else ""
        writer = f"{r['writer_items_per_s']:.1f}" if "writer_items_per_s" in r else ""
        end_to_end = f"{min(r['pages_per_s'], r['writer_items_per_s']):.1f}" if "writer_items_per_s" in r else ""
        print(f"{r['label']:<22}{r['pages']:>7}{r['seconds']:>9.1f}{r['pages_per_s']:>9.1f}"
              f"{r['pages_per_s'] / base:>12.2f}{r['pages_per_s'] / fetch_only:>13.2f}{vs_worker:>11}{r['stored']:>8}{writer:>16}{end_to_end:>12}")
    work = "fetch and push raw pages; the writer extracts" if args.raw_items else \
        "fetch, extract and judge pages; the writer matches"
    print(f"\nWorkers {work} and stores them (its items/s is measured draining the queue alone);"
          " the single process does all of it.")
    if args.keep:
        print(f"Logs and databases kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
