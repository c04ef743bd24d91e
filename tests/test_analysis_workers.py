"""ANALYSIS_PROCESSES: pages analysed in real worker processes, fed through pipes by an asyncio loop.

Each test runs the pool in its own event loop (asyncio.run), as the crawl's reactor runs it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time

import pytest

from crawler.analyse.analyser import PageAnalyser
from crawler.analyse.workers import AnalysisPool, AnalysisWorkerError
from crawler.catalogue import read_catalogue
from crawler.paths import PROJECT_ROOT
from crawler.registry import load_registry
from crawler.terms import load_terms

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "extract"
FILES = (str(PROJECT_ROOT / "data" / "sites.yaml"), str(PROJECT_ROOT / "search_terms.yaml"),
         str(PROJECT_ROOT / "data" / "scope_terms.yaml"))
SITE = "kcl"


def pages() -> list[tuple[bytes, str]]:
    return [(path.read_bytes(), f"https://www.kcl.ac.uk/study/{path.stem}") for path in sorted(FIXTURES.glob("*.html"))]


def inline_analysis(body: bytes, url: str) -> dict:
    registry = load_registry(FILES[0])
    analyser = PageAnalyser(registry, load_terms(FILES[1]), read_catalogue())
    return analyser.analyse(body, url, site=registry.get(SITE), canonical_url=url).as_explain_json()


def run_with_pool(processes: int, work):
    """Start a pool, run ``work(pool)`` in a fresh event loop, close the pool; work's result.

    The loop runs on a thread of its own: the test session may already run one on this thread."""
    pool = AnalysisPool(processes, *FILES, read_catalogue(), set())
    outcome = {}

    async def work_then_close():
        try:
            return await work(pool)
        finally:
            pool.close()  # on the loop, as the crawl's last pipeline closes it

    def run():
        try:
            outcome["result"] = asyncio.run(work_then_close())
        except BaseException as exc:  # re-raised on the test's thread
            outcome["error"] = exc

    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]
    finally:
        assert not any(worker.process.is_alive() for worker in pool.workers)


def test_pages_analysed_by_two_workers_at_once_are_the_inline_analyses():
    some = pages()

    async def work(pool):
        return await asyncio.gather(*(pool.analyse(body, url, None, SITE, url) for body, url in some))

    analyses = run_with_pool(2, work)
    assert len(analyses) == len(some) > 40
    assert [a.as_explain_json() for a in analyses] == [inline_analysis(body, url) for body, url in some]


def test_a_page_bigger_than_a_pipe_buffer_goes_through_without_blocking_the_loop():
    body, url = pages()[0]
    padding = b"<!-- " + b"x" * 3_000_000 + b" -->"
    big = body.replace(b"</body>", padding + b"</body>") if b"</body>" in body else body + padding
    ticks = []

    async def ticker():
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.005)

    async def work(pool):
        clock = asyncio.create_task(ticker())
        analysis = await pool.analyse(big, url, None, SITE, url)
        clock.cancel()
        return analysis

    analysis = run_with_pool(1, work)
    assert analysis.as_explain_json() == inline_analysis(big, url)
    assert len(ticks) > 3  # the loop kept running while 3 MB went down the pipe
    assert max(b - a for a, b in zip(ticks, ticks[1:])) < 0.5


def test_an_analysis_that_raises_fails_its_page_alone():
    body, url = pages()[0]

    async def work(pool):
        with pytest.raises(KeyError, match="no site 'nowhere'"):
            await pool.analyse(body, url, None, "nowhere", url)
        return await pool.analyse(body, url, None, SITE, url)

    assert run_with_pool(1, work).as_explain_json() == inline_analysis(body, url)


def test_a_killed_worker_fails_its_waiting_pages_and_the_others_carry_on():
    body, url = pages()[0]

    async def until_lost(worker):
        for _ in range(200):
            if not worker.alive:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"worker {worker.number} still counted alive")

    async def work(pool):
        await pool.analyse(body, url, None, SITE, url)  # both workers started, their pipes connected
        first, second = pool.workers
        # Kill the first worker while a page waits on it.
        waiting = asyncio.ensure_future(pool.analyse(body, url, None, SITE, url))
        await asyncio.sleep(0)
        victim = first if first.waiting else second
        os.kill(victim.process.pid, signal.SIGKILL)
        with pytest.raises(AnalysisWorkerError, match=f"worker {victim.number} exited"):
            await waiting
        await until_lost(victim)
        survivor = second if victim is first else first
        analysis = await pool.analyse(body, url, None, SITE, url)
        os.kill(survivor.process.pid, signal.SIGKILL)
        await until_lost(survivor)
        with pytest.raises(AnalysisWorkerError, match="no analysis worker is running"):
            await pool.analyse(body, url, None, SITE, url)
        return analysis

    assert run_with_pool(2, work).as_explain_json() == inline_analysis(body, url)


def test_workers_start_with_the_first_page_and_leave_when_the_pool_closes():
    body, url = pages()[0]
    started = []

    async def work(pool):
        started.append(len(pool.workers))
        await pool.analyse(body, url, None, SITE, url)
        started.append(len(pool.workers))
        return pool

    pool = run_with_pool(2, work)
    assert started == [0, 2]  # a night of unchanged pages starts no process
    # 0: each left on reading the end of its jobs; one killed after STOP_TIMEOUT_S would show -9.
    assert [worker.process.exitcode for worker in pool.workers] == [0, 0]


def test_a_closed_pool_analyses_nothing():
    body, url = pages()[0]

    async def work(pool):
        pool.close()
        with pytest.raises(AnalysisWorkerError, match="closed"):
            await pool.analyse(body, url, None, SITE, url)
        return pool

    assert run_with_pool(1, work).workers == []
