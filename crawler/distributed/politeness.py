"""Politeness across workers: per-host concurrency and delay held in Redis, not per process.

Scrapy's own per-domain slots still work inside each worker; on top of them a request
takes one of the host's DISTRIBUTED_HOST_CONCURRENCY slots (default
CONCURRENT_REQUESTS_PER_DOMAIN) before it reaches the network, and a host's requests
start at least DISTRIBUTED_HOST_DELAY (default DOWNLOAD_DELAY) seconds apart, whichever
worker sends them. Times come from the Redis server's clock, so machines need not agree.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from urllib.parse import urlsplit

from crawler.distributed import keys_for, new_worker_id, redis_client

logger = logging.getLogger(__name__)

SLOT_META = "distributed_host_slot"
# Waiting for a slot is polled; a little randomness keeps workers from polling in step.
POLL_SECONDS = 0.02
# A slot outlives the download timeout by this much, so a lost release cannot block a host for good.
SLOT_MARGIN_SECONDS = 15

# Returns 0 when a slot was taken, else the milliseconds worth waiting (1 when the host is full).
# A slot held by a worker without a heartbeat is freed at once (ARGV[5] is the heartbeat prefix).
ACQUIRE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for _, slot in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local worker = string.match(slot, '^(.*)|%d+$')
  if worker and redis.call('EXISTS', ARGV[5] .. worker) == 0 then redis.call('ZREM', KEYS[1], slot) end
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 1 end
local next_start = tonumber(redis.call('GET', KEYS[2]) or '0')
if next_start > now then return next_start - now end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
local delay = tonumber(ARGV[3])
if delay > 0 then redis.call('SET', KEYS[2], now + delay, 'PX', delay + 1000) end
return 0
"""


class GlobalPolitenessMiddleware:
    """Downloader middleware: a host's slots and delay are shared by every worker of the run."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.keys = keys_for(settings)
        self.server = redis_client(settings)
        self.limit = settings.getint("DISTRIBUTED_HOST_CONCURRENCY") or settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        delay = settings.get("DISTRIBUTED_HOST_DELAY")
        self.delay_ms = int(1000 * (float(delay) if delay not in (None, "") else settings.getfloat("DOWNLOAD_DELAY")))
        self.slot_ms = int(1000 * (settings.getfloat("DOWNLOAD_TIMEOUT") + SLOT_MARGIN_SECONDS))
        self._acquire = self.server.register_script(ACQUIRE)
        self._numbers = itertools.count(1)
        # One waiter per host polls Redis; the worker's other requests for that host queue behind it.
        self._host_locks: dict[str, asyncio.Lock] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _worker_id(self) -> str:
        # Shared with the scheduler and the heartbeat, so a dead worker's slots are freed with its leases.
        if getattr(self.crawler, "distributed_worker_id", None) is None:
            self.crawler.distributed_worker_id = new_worker_id(self.crawler.spider.name)
        return self.crawler.distributed_worker_id

    async def process_request(self, request, spider=None):
        host = urlsplit(request.url).hostname or ""
        token = f"{self._worker_id()}|{next(self._numbers)}"
        keys = [self.keys.host_slots(host), self.keys.host_next(host)]
        args = [token, self.limit, self.delay_ms, self.slot_ms, self.keys.heartbeat_prefix]
        lock = self._host_locks.setdefault(host, asyncio.Lock())
        async with lock:
            while (wait_ms := int(self._acquire(keys=keys, args=args))) != 0:
                self.crawler.stats.inc_value("distributed/host_slot_waits")
                await asyncio.sleep(max(wait_ms / 1000, POLL_SECONDS) * random.uniform(1.0, 1.5))
        request.meta[SLOT_META] = (keys[0], token)
        return None

    def _release(self, request) -> None:
        held = request.meta.pop(SLOT_META, None)
        if held:
            self.server.zrem(*held)

    def process_response(self, request, response, spider=None):
        self._release(request)
        return response

    def process_exception(self, request, exception, spider=None):
        self._release(request)
        return None
