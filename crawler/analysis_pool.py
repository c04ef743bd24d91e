"""Page analysis in worker processes, so a crawl uses more than the reactor's one core.

Extraction, scope rules and matching are pure CPU work (about 15 ms on a 15 KB page,
bench/bench_crawl.py); on the reactor thread they cap a crawl at one core. With
ANALYSIS_PROCESSES=N the pipeline sends each page's bytes to one of N processes and
stores the result when it comes back; the database is still written by the crawl alone.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import scope_rules
from crawler.analysis import Analysis, PageAnalyser
from crawler.registry import load_registry
from crawler.terms import load_terms

_worker_analyser: PageAnalyser | None = None


def _start_worker(sites_file: str, terms_file: str, scope_terms_file: str, catalogue: list[dict],
                  never_link: set) -> None:
    global _worker_analyser
    scope_rules.use_terms_file(scope_terms_file)
    _worker_analyser = PageAnalyser(load_registry(sites_file), load_terms(terms_file), catalogue, never_link)


def _analyse(body: bytes, url: str, encoding: str | None, site_key: str, canonical_url: str) -> Analysis:
    site = _worker_analyser.registry.get(site_key)
    return _worker_analyser.analyse(body, url, encoding=encoding, site=site, canonical_url=canonical_url)


class AnalysisPool:
    """N processes, each with its own PageAnalyser built from the same files and catalogue."""

    def __init__(self, processes: int, sites_file: str, terms_file: str, scope_terms_file: str,
                 catalogue: list[dict], never_link: set):
        # "spawn": a forked child would inherit the running reactor and open sockets.
        self.executor = ProcessPoolExecutor(
            max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(sites_file, terms_file, scope_terms_file, catalogue, never_link),
        )

    def submit(self, body: bytes, url: str, encoding: str | None, site_key: str, canonical_url: str):
        return self.executor.submit(_analyse, body, url, encoding, site_key, canonical_url)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


# crawlall runs one crawler (and one pipeline) per site in one process: they share one pool.
_shared: dict[tuple, list] = {}


def open_shared_pool(processes: int, *config) -> tuple[tuple, AnalysisPool]:
    """The process's pool for this configuration, started on first use; pair with close_shared_pool."""
    key = (processes, *config[:3])
    if key not in _shared:
        _shared[key] = [AnalysisPool(processes, *config), 0]
    _shared[key][1] += 1
    return key, _shared[key][0]


def close_shared_pool(key: tuple) -> None:
    entry = _shared.get(key)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] <= 0:
        del _shared[key]
        entry[0].close()
