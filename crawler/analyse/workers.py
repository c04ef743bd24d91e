"""Page analysis in worker processes, so a crawl uses more than the reactor's one core.

Extraction, scope rules and matching are pure CPU work (about 10 ms on a 15 KB page,
bench/bench_extract.py); on the reactor thread they cap a crawl at one core. With
ANALYSIS_PROCESSES=N the pipeline sends each page's bytes to one of N processes and
stores the result when it comes back; the database is still written by the crawl alone.

Each worker is fed through two pipes that the crawl's own asyncio event loop writes and
reads: no thread runs beside the reactor. concurrent.futures.ProcessPoolExecutor, used
before, runs a management thread and a queue feeder thread in the crawl's process, which
pickled results and woke each other through the GIL: the reactor waited about 1.2 ms for
every page it handed over (bench/bench_crawl.py --processes 2), more than the pickling itself.

A message is one pickled object in multiprocessing's framing (a 4-byte big-endian length,
then the bytes), so a worker reads and writes its ends as plain ``Connection`` objects.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import multiprocessing
import pickle
import struct
from multiprocessing.connection import Connection

import scope_rules
from crawler.analyse.analyser import Analysis, PageAnalyser
from crawler.registry import load_registry
from crawler.terms import load_terms

logger = logging.getLogger(__name__)

_LENGTH = struct.Struct("!i")  # what Connection.send_bytes writes before a message under 2 GiB
MAX_MESSAGE_BYTES = 0x7FFFFFFF
# A worker that does not leave within this after its job pipe closes is killed.
STOP_TIMEOUT_S = 10.0


class AnalysisWorkerError(RuntimeError):
    """A worker died, or the pool is closed: the page was not analysed."""


# -- in the worker process ----------------------------------------------------------------

def _worker_main(jobs: Connection, results: Connection, sites_file: str, terms_file: str,
                 scope_terms_file: str, catalogue: list[dict], never_link: set) -> None:
    scope_rules.use_terms_file(scope_terms_file)
    analyser = PageAnalyser(load_registry(sites_file), load_terms(terms_file), catalogue, never_link)
    while True:
        try:
            body, url, encoding, site_key, canonical_url = jobs.recv()
        except EOFError:  # the crawl closed the pool
            return
        try:
            site = analyser.registry.get(site_key)
            outcome = (True, analyser.analyse(body, url, encoding=encoding, site=site, canonical_url=canonical_url))
        except Exception as exc:  # sent back to fail this page alone, as the analysis on the reactor would
            outcome = (False, _picklable(exc))
        results.send(outcome)


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(repr(exc))


# -- in the crawl's process -----------------------------------------------------------------

class _Results(asyncio.Protocol):
    """Reads one worker's result pipe: each message settles the oldest page still waiting on it."""

    def __init__(self, worker: _Worker):
        self.worker = worker
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self.buffer)
            if len(self.buffer) < _LENGTH.size + size:
                return
            message = bytes(self.buffer[_LENGTH.size:_LENGTH.size + size])
            del self.buffer[:_LENGTH.size + size]
            self.worker.settle(pickle.loads(message))  # noqa: S301 - written by our own worker

    def connection_lost(self, exc) -> None:
        self.worker.lost()


class _Worker:
    def __init__(self, number: int, context, config: tuple):
        self.number = number
        job_reader, self.job_writer = context.Pipe(duplex=False)
        self.result_reader, result_writer = context.Pipe(duplex=False)
        self.process = context.Process(target=_worker_main, args=(job_reader, result_writer, *config),
                                       name=f"analysis-{number}", daemon=True)
        self.process.start()
        job_reader.close()
        result_writer.close()
        self.waiting: collections.deque[asyncio.Future] = collections.deque()
        self.jobs: asyncio.WriteTransport | None = None
        self.alive = True

    async def connect(self, loop: asyncio.AbstractEventLoop) -> None:
        """Hand both pipes to the event loop (non-blocking from here on)."""
        self.jobs, _ = await loop.connect_write_pipe(asyncio.Protocol, self.job_writer)
        await loop.connect_read_pipe(lambda: _Results(self), self.result_reader)

    def send(self, job: tuple, future: asyncio.Future) -> None:
        payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        if len(payload) > MAX_MESSAGE_BYTES:  # Connection frames a bigger message differently
            future.set_exception(AnalysisWorkerError(f"page of {len(payload)} bytes is too big to hand to a worker"))
            return
        self.waiting.append(future)
        # Buffered by the transport when the pipe is full: a 2 MB page never blocks the reactor.
        self.jobs.write(_LENGTH.pack(len(payload)) + payload)

    def settle(self, outcome: tuple) -> None:
        future = self.waiting.popleft()
        if future.done():  # its page's processing was cancelled
            return
        ok, value = outcome
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def lost(self) -> None:
        """The worker's result pipe closed: it exited, was killed, or the pool closed it."""
        self.alive = False
        self.process.join(timeout=1)
        reason = AnalysisWorkerError(f"analysis worker {self.number} exited (exit code {self.process.exitcode})")
        while self.waiting:
            future = self.waiting.popleft()
            if not future.done():
                future.set_exception(reason)


class AnalysisPool:
    """N processes, each with its own PageAnalyser built from the same files and catalogue."""

    def __init__(self, processes: int, sites_file: str, terms_file: str, scope_terms_file: str,
                 catalogue: list[dict], never_link: set):
        self.processes = processes
        self.config = (sites_file, terms_file, scope_terms_file, catalogue, never_link)
        # Started with the first page to analyse: a night whose pages are all unchanged needs none,
        # and each costs a Python start-up and a registry, terms and catalogue load.
        self.workers: list[_Worker] = []
        self._connected: asyncio.Task | None = None
        self.closed = False

    async def analyse(self, body: bytes, url: str, encoding: str | None, site_key: str,
                      canonical_url: str) -> Analysis:
        """The page's analysis from the worker with the fewest pages waiting; raises what the analysis
        raised, or AnalysisWorkerError when no worker is left to do it."""
        if self._connected is None and not self.closed:
            loop = asyncio.get_running_loop()
            # "spawn": a forked child would inherit the running reactor and open sockets.
            context = multiprocessing.get_context("spawn")
            self.workers = [_Worker(number, context, self.config) for number in range(self.processes)]
            self._connected = loop.create_task(self._connect(loop))
        if self._connected is None:
            raise AnalysisWorkerError("the analysis pool is closed")
        await asyncio.shield(self._connected)
        live = [worker for worker in self.workers if worker.alive]
        if self.closed or not live:
            raise AnalysisWorkerError("no analysis worker is running")
        worker = min(live, key=lambda w: len(w.waiting))
        future = asyncio.get_running_loop().create_future()
        worker.send((body, url, encoding, site_key, canonical_url), future)
        return await future

    async def _connect(self, loop) -> None:
        for worker in self.workers:
            await worker.connect(loop)

    def close(self) -> None:
        """Close the job pipes (each worker leaves after its current page) and wait for the workers."""
        self.closed = True
        for worker in self.workers:
            if worker.jobs is not None and not worker.jobs.is_closing():
                # Off the event loop at once (a transport's close() would wait for the loop, which
                # the joins below block); nothing is in flight when the last crawler closes.
                try:
                    worker.jobs.abort()
                except RuntimeError:  # its event loop is closed already: nothing to take it off
                    pass
            worker.job_writer.close()  # the worker reads the end of its jobs and leaves
        for worker in self.workers:
            worker.process.join(timeout=STOP_TIMEOUT_S)
            if worker.process.is_alive():
                logger.warning("Analysis worker %d did not stop; killing it", worker.number)
                worker.process.kill()
                worker.process.join()
            if worker.jobs is None:
                worker.result_reader.close()


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
