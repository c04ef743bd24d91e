"""Crawl speed against bare Scrapy, the cost of a second unchanged night, and peak memory.

Usage: .venv/bin/python bench/bench_crawl.py [--pages 5000] [--profile [NIGHT]] [--cache-control max-age=0]

Serves a generated site (bench/sitegen.py) over HTTP on 127.0.0.1 from a threaded server
with a large backlog, then, in the same run, crawls it four times, each in its own process:

1. bare: a plain Scrapy spider that only follows links on the same site;
2. night 1: the full crawl (`scrapy crawlall --only bench_uni`: extract, scope, match, store)
   with an empty HTTP cache;
3. night 2: the full crawl again over the unchanged site; the sitemap's <lastmod> says which
   pages need no request (crawler/fetch/revisits.py), the rest are revalidated from the cache;
4. night 2 again, revalidating every page (SITEMAP_LASTMOD_MAX_DAYS=0): what a site whose
   sitemap has no <lastmod> costs.

Both crawls run with DOWNLOAD_DELAY=0, AutoThrottle off and CONCURRENT_REQUESTS_PER_DOMAIN=16
(the project's polite default is 2), robots.txt obeyed. Pages/s is responses over the
spider's own elapsed time (open to close, from Scrapy's stats); CPU ms/pg is the child's CPU,
start-up included, per page visited (fetched, or not requested as unchanged); peak memory is the
child process's ru_maxrss. With --profile night 1 (--profile 2: night 2; 3: revalidating) runs under
cProfile and the top costs are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sitegen import DEFAULT_CACHE_CONTROL, BenchSite, serve, write_registry  # noqa: E402

# Aims from issue 7.
AIM_SPEED_RATIO = 0.7
AIM_SECOND_NIGHT_BYTES = 0.10
COMMON_SETTINGS = {
    "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0", "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "ROBOTSTXT_OBEY": "1", "LOG_LEVEL": "INFO",
}
BARE_SPIDER = '''
import json, sys
from urllib.parse import urlsplit
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor

origin, out, settings = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])

class Bare(scrapy.Spider):
    name = "bare"
    start_urls = [origin + "/"]
    links = LinkExtractor()  # allow_domains would compare host:port with the domain

    def parse(self, response):
        for link in self.links.extract_links(response):
            if urlsplit(link.url).netloc == urlsplit(origin).netloc:
                yield response.follow(link.url)

process = CrawlerProcess({**settings, "COOKIES_ENABLED": False, "TELNETCONSOLE_ENABLED": False})
crawler = process.create_crawler(Bare)
process.crawl(crawler)
process.start()
stats = {k: v if isinstance(v, (int, float, str)) else str(v) for k, v in crawler.stats.get_stats().items()}
open(out, "w").write(json.dumps(stats))
'''


def run_child(command: list[str], log: Path) -> tuple[int, float, int, float]:
    """Run a child process; its exit status, wall seconds, peak RSS in KiB and CPU seconds (user + system)."""
    started = time.perf_counter()
    with open(log, "w") as out:
        child = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                 env={**os.environ, "PYTHONUNBUFFERED": "1"})
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, time.perf_counter() - started, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def settings_args(settings: dict) -> list[str]:
    return [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]


def site_stats(db_path: Path) -> dict:
    """The stats of the bench site in the latest run."""
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT stats FROM run_sites WHERE site = 'bench_uni' ORDER BY run_id DESC LIMIT 1").fetchone()
    return json.loads(row[0]) if row else {}


def figures(label: str, stats: dict, wall: float, rss_kib: int, cpu: float) -> dict:
    pages = stats.get("downloader/response_count", 0)
    # Pages fetched, and stored pages not requested as unchanged per the sitemap (crawler/fetch/revisits.py).
    visited = pages + stats.get("pages/unchanged_per_sitemap", 0)
    elapsed = float(stats.get("elapsed_time_seconds") or wall)
    # CPU of the whole child, set-up included, and of the worker processes it reaped
    # (wait4 reports the child's own usage and its waited-for children's), per page visited.
    return {"label": label, "pages": pages, "elapsed": elapsed, "wall": wall, "pages_per_s": pages / elapsed,
            "cpu_ms_per_page": 1000 * cpu / max(visited, 1),
            "rss_mib": rss_kib / 1024, "bytes": stats.get("downloader/response_bytes", 0),
            "wire_bytes": stats.get("wire/response_bytes"), "courses": stats.get("courses/found", 0),
            "errors": sum(v for k, v in stats.items() if k.startswith("errors/") and isinstance(v, int))}


def print_profile(path: Path, night: int, top: int = 30):
    stats = pstats.Stats(str(path))
    print(f"\nProfile of night {night} (top {top} by own time):")
    stats.sort_stats("tottime").print_stats(top)
    print(f"Profile of night {night} (top {top} by cumulative time):")
    stats.sort_stats("cumulative").print_stats(top)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=5000, help="course pages on the generated site (default 5000)")
    parser.add_argument("--profile", type=int, nargs="?", const=1, choices=(1, 2, 3),
                        help="run night 1 (or the night given; 3: night 2 revalidating every page) under cProfile "
                             "and print the top costs")
    parser.add_argument("--cache-control", default=DEFAULT_CACHE_CONTROL,
                        help="Cache-Control the server sends (default %(default)s: revalidate every night)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and the crawl logs")
    parser.add_argument("--processes", type=int, default=0,
                        help="ANALYSIS_PROCESSES for the full crawl (default 0: analyse on the crawl's thread)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench_crawl_"))
    build_started = time.perf_counter()
    site = BenchSite(args.pages)
    server, served = serve(site, cache_control=args.cache_control)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"Site: {len(site.pages)} pages ({args.pages} courses, "
          f"{sum(len(p[1]) for p in site.pages.values()) / len(site.pages) / 1024:.1f} KiB on average) at {origin}, "
          f"built in {time.perf_counter() - build_started:.1f} s; {os.cpu_count()} CPUs")

    # 1. Bare Scrapy.
    bare_out = tmp / "bare.json"
    status, wall, rss, cpu = run_child(
        [sys.executable, "-c", BARE_SPIDER, origin, str(bare_out), json.dumps(COMMON_SETTINGS)], tmp / "bare.log")
    if status != 0:
        sys.exit(f"bare crawl failed ({status}); see {tmp / 'bare.log'}")
    bare = figures("bare Scrapy", json.loads(bare_out.read_text()), wall, rss, cpu)

    # 2 and 3. The full crawl, twice over the unchanged site, sharing one database and one HTTP cache.
    sites_file = write_registry(tmp / "sites.yaml", origin, args.pages)
    full_settings = {**COMMON_SETTINGS, "SITES_FILE": sites_file, "HTTPCACHE_ENABLED": "1",
                     "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy",
                     "HTTPCACHE_DIR": tmp / "httpcache", "ANALYSIS_PROCESSES": args.processes}
    command = ["-m", "scrapy", "crawlall", "--only", "bench_uni", "--db", str(tmp / "courses.db"),
               *settings_args(full_settings)]
    nights = []
    # Night 3 is a second night again (the site is unchanged), with every page revalidated
    # instead of trusting the sitemap's <lastmod> (crawler/fetch/revisits.py).
    for night, label, extra in ((1, "full crawl, night 1", []), (2, "full crawl, night 2", []),
                                (3, "night 2, revalidating", ["-s", "SITEMAP_LASTMOD_MAX_DAYS=0"])):
        before = dict(served)
        profile = ["-m", "cProfile", "-o", str(tmp / f"night{night}.prof")] if args.profile == night else []
        status, wall, rss, cpu = run_child([sys.executable, *profile, *command, *extra], tmp / f"night{night}.log")
        if status not in (0,):
            print(f"night {night}: crawlall exited {status}; see {tmp / f'night{night}.log'}")
        result = figures(label, site_stats(tmp / "courses.db"), wall, rss, cpu)
        result["served_bytes"] = served["body_bytes"] - before["body_bytes"]
        result["served_304"] = served["not_modified"] - before["not_modified"]
        nights.append(result)
    server.shutdown()

    print(f"\n{'run':<22}{'pages':>7}{'seconds':>9}{'wall s':>8}{'pages/s':>9}{'CPU ms/pg':>10}{'peak MiB':>10}"
          f"{'resp bytes':>13}{'wire bytes':>12}{'served':>12}{'304s':>6}{'courses':>8}{'errors':>7}")
    for r in [bare, *nights]:
        wire = "" if r["wire_bytes"] is None else r["wire_bytes"]
        print(f"{r['label']:<22}{r['pages']:>7}{r['elapsed']:>9.1f}{r['wall']:>8.1f}{r['pages_per_s']:>9.1f}"
              f"{r['cpu_ms_per_page']:>10.1f}"
              f"{r['rss_mib']:>10.0f}{r['bytes']:>13}{wire:>12}{r.get('served_bytes', ''):>12}"
              f"{r.get('served_304', ''):>6}{r['courses']:>8}{r['errors']:>7}")
    first, second, revalidating = nights
    ratio = first["pages_per_s"] / bare["pages_per_s"] if bare["pages_per_s"] else 0
    print(f"\nFull crawl speed / bare Scrapy: {ratio:.2f} (aim >= {AIM_SPEED_RATIO})"
          + ("  [profiled: slower than unprofiled]" if args.profile == 1 else ""))
    # Bytes off the wire: the server's count of body bytes sent (the crawler's own
    # downloader/response_bytes counts a 304 answered from the cache as the full cached page).
    if first["served_bytes"]:
        print(f"Second night / first night, body bytes served: {second['served_bytes'] / first['served_bytes']:.3f} "
              f"(aim <= {AIM_SECOND_NIGHT_BYTES}); time: {second['elapsed'] / first['elapsed']:.2f}"
              f" (wall {second['wall'] / first['wall']:.2f}); revalidating every page: "
              f"{revalidating['elapsed'] / first['elapsed']:.2f} (wall {revalidating['wall'] / first['wall']:.2f})")
    if first["wire_bytes"]:
        print(f"Second night / first night, wire/response_bytes: {(second['wire_bytes'] or 0) / first['wire_bytes']:.3f}; "
              f"downloader/response_bytes: {second['bytes'] / max(first['bytes'], 1):.3f}")
    print(f"Peak memory (ru_maxrss): bare {bare['rss_mib']:.0f} MiB, night 1 {first['rss_mib']:.0f} MiB, "
          f"night 2 {second['rss_mib']:.0f} MiB, revalidating {revalidating['rss_mib']:.0f} MiB")
    if args.profile:
        print_profile(tmp / f"night{args.profile}.prof", args.profile)
    if args.keep:
        print(f"\nLogs, database and cache kept in {tmp}")
    else:
        subprocess.run(["rm", "-rf", str(tmp)], check=False)


if __name__ == "__main__":
    main()
