"""One crawl on several machines: a shared frontier in Redis (scrapy-redis) and one SQLite writer.

Switched on by the setting DISTRIBUTED_REDIS_URL (or `--distributed URL` on crawl and
crawlall); without it nothing here is loaded and Redis is not needed. docs/distributed.md
says when to use it and how to run the workers and the `scrapy ingest` writer.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timezone

from scrapy.settings import SETTINGS_PRIORITIES

# How long a worker may go silent before its leased requests are served to the others.
# Its heartbeat is refreshed every HEARTBEAT_INTERVAL seconds; a stalled reactor (a huge
# page being parsed) must not look like a dead worker, hence several heartbeats of slack.
DEFAULT_WORKER_TTL = 30.0
HEARTBEAT_INTERVAL = 0.5
# Key prefix of everything this project keeps in Redis; the run name follows.
KEY_PREFIX = "course-crawler"


def is_distributed(settings) -> bool:
    return bool(settings.get("DISTRIBUTED_REDIS_URL"))


def run_name(settings) -> str:
    """The shared run every worker and the writer join: DISTRIBUTED_RUN, else today's UTC date."""
    return settings.get("DISTRIBUTED_RUN") or datetime.now(timezone.utc).date().isoformat()


class RunKeys:
    """The Redis keys of one run; run-scoped so a finished run never touches another's frontier."""

    def __init__(self, run: str):
        self.run = run
        self.prefix = f"{KEY_PREFIX}:{run}:"

    def site(self, spider: str, what: str) -> str:
        return f"{self.prefix}{spider}:{what}"

    @property
    def items(self) -> str:
        return self.prefix + "items"

    @property
    def items_processing(self) -> str:
        return self.prefix + "items:processing"

    @property
    def items_stored(self) -> str:
        return self.prefix + "items:stored"

    @property
    def sites(self) -> str:
        return self.prefix + "sites"

    @property
    def mode(self) -> str:
        return self.prefix + "mode"

    @property
    def writer_lock(self) -> str:
        return self.prefix + "writer"

    @property
    def sqlite_run_id(self) -> str:
        return self.prefix + "sqlite-run-id"

    @property
    def heartbeat_prefix(self) -> str:
        return self.prefix + "worker:"

    def heartbeat(self, worker: str) -> str:
        return self.heartbeat_prefix + worker

    def host_slots(self, host: str) -> str:
        return f"{self.prefix}host:{host}:slots"

    def host_next(self, host: str) -> str:
        return f"{self.prefix}host:{host}:next"


def keys_for(settings) -> RunKeys:
    return RunKeys(run_name(settings))


def new_worker_id(spider: str) -> str:
    """Unique per crawler; '|' separates it from a lease counter, so it never contains one."""
    host = socket.gethostname().replace("|", "-")
    return f"{host}:{os.getpid()}:{spider}:{uuid.uuid4().hex[:6]}"


def redis_client(settings):
    import redis  # only a distributed crawl needs the package

    return redis.Redis.from_url(settings.get("DISTRIBUTED_REDIS_URL"), socket_timeout=30,
                                socket_connect_timeout=10, retry_on_timeout=True)


def _set_over(settings, name: str, value) -> None:
    """Set a value that must win over the project's settings and a user's -s."""
    priority = max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["spider"])
    settings.set(name, value, priority=priority)


def apply_worker_settings(settings) -> None:
    """Turn a crawl's settings into a worker's: shared scheduler and filter, items to Redis, global politeness."""
    keys = keys_for(settings)
    _set_over(settings, "DISTRIBUTED_RUN", keys.run)  # fixed once, so a run crossing midnight keeps its keys
    _set_over(settings, "REDIS_URL", settings.get("DISTRIBUTED_REDIS_URL"))
    _set_over(settings, "SCHEDULER", "crawler.distributed.frontier.LeasingScheduler")
    _set_over(settings, "DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter")
    _set_over(settings, "SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue")
    # Run-scoped keys and PERSIST: with scrapy-redis's default (False) the first worker to
    # finish deletes the queue and the filter the others are still using.
    _set_over(settings, "SCHEDULER_PERSIST", True)
    _set_over(settings, "SCHEDULER_FLUSH_ON_START", False)
    _set_over(settings, "SCHEDULER_QUEUE_KEY", keys.prefix + "%(spider)s:requests")
    _set_over(settings, "SCHEDULER_DUPEFILTER_KEY", keys.prefix + "%(spider)s:dupefilter")

    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    pipelines["crawler.pipelines.CoursePipeline"] = None  # the writer stores; workers never open SQLite
    pipelines["crawler.distributed.worker.RedisItemPipeline"] = 300
    _set_over(settings, "ITEM_PIPELINES", pipelines)

    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions["crawler.runlog.RunRecorder"] = None  # its figures reach run_sites through the writer
    extensions["scrapy.extensions.closespider.CloseSpider"] = None
    extensions["crawler.distributed.worker.SharedCloseSpider"] = 0
    extensions["crawler.distributed.worker.WorkerExtension"] = 500
    _set_over(settings, "EXTENSIONS", extensions)

    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    # Innermost, after the archive (950) and the HTTP cache (900): only a real network fetch takes a slot.
    middlewares["crawler.distributed.politeness.GlobalPolitenessMiddleware"] = 980
    _set_over(settings, "DOWNLOADER_MIDDLEWARES", middlewares)
