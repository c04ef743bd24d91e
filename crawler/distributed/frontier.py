"""The shared frontier: scrapy-redis's scheduler, with leases so a killed worker loses no request.

scrapy-redis pops a request destructively, so a worker killed with requests in hand loses
them. Here a pop moves the request into the site's in-flight hash under a lease token
(`<worker>|<n>`), in one Lua script; the lease is released only when Scrapy has finished with
the request (its callback ran, its items reached Redis and the requests it yielded are
queued). A worker whose heartbeat key has expired is dead: `reap` puts its leased requests
back on the queue, where the live workers pick them up.
"""

from __future__ import annotations

import itertools
import logging

from scrapy_redis.scheduler import Scheduler

from crawler.distributed import keys_for, new_worker_id
from crawler.fetch.spider import canonical_url

logger = logging.getLogger(__name__)

LEASE_META = "distributed_lease"

# Seen-check and queueing as one step: a worker killed between the two would leave a URL
# marked seen that nobody will ever fetch.
ENQUEUE = """
if ARGV[4] == '1' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
# Pop the best request and lease it in one step.
POP_AND_LEASE = """
local popped = redis.call('ZPOPMIN', KEYS[1])
if #popped == 0 then return false end
redis.call('HSET', KEYS[2], ARGV[1], popped[1])
redis.call('HSET', KEYS[3], ARGV[1], popped[2])
return popped[1]
"""
RELEASE = """
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])
"""
# Forget dead workers and requeue every lease whose worker has no heartbeat.
# Heartbeat keys are built from ARGV[1], so this needs a single Redis server, not a cluster.
REAP = """
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  if redis.call('EXISTS', ARGV[1] .. worker) == 0 then redis.call('SREM', KEYS[4], worker) end
end
local requeued = 0
for _, token in ipairs(redis.call('HKEYS', KEYS[2])) do
  local worker = string.match(token, '^(.*)|%d+$')
  if worker == nil or redis.call('EXISTS', ARGV[1] .. worker) == 0 then
    local member = redis.call('HGET', KEYS[2], token)
    local score = redis.call('HGET', KEYS[3], token) or '0'
    redis.call('ZADD', KEYS[1], score, member)
    redis.call('HDEL', KEYS[2], token)
    redis.call('HDEL', KEYS[3], token)
    requeued = requeued + 1
  end
end
return requeued
"""


class SiteFrontier:
    """The Redis side of one site's frontier, usable without a crawl (the writer and `--status` read it)."""

    def __init__(self, server, keys, spider: str):
        self.server = server
        self.keys = keys
        self.queue = keys.site(spider, "requests")
        self.dupefilter = keys.site(spider, "dupefilter")
        self.inflight = keys.site(spider, "inflight")
        self.inflight_scores = keys.site(spider, "inflight:scores")
        self.workers = keys.site(spider, "workers")
        self.aliases = keys.site(spider, "aliases")
        self.closed = keys.site(spider, "closed")
        self._reap = server.register_script(REAP)

    def reap(self) -> int:
        """Requeue the leases of dead workers; returns how many requests went back on the queue."""
        return int(self._reap(keys=[self.queue, self.inflight, self.inflight_scores, self.workers],
                              args=[self.keys.heartbeat_prefix]))

    def progress(self) -> dict:
        pipe = self.server.pipeline(transaction=False)
        pipe.zcard(self.queue).hlen(self.inflight).scard(self.dupefilter).scard(self.workers).get(self.closed)
        queued, inflight, seen, workers, closed = pipe.execute()
        return {"queued": queued, "in_flight": inflight, "seen": seen, "workers": workers,
                "closed": closed.decode() if closed else None}

    def is_drained(self) -> bool:
        """Nothing queued and nothing leased: no live worker can produce more requests."""
        progress = self.progress()
        return bool(progress["closed"]) or (progress["queued"] == 0 and progress["in_flight"] == 0)


class LeasingScheduler(Scheduler):
    """scrapy-redis Scheduler whose pops are leases, released when Scrapy is done with the request."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        return scheduler

    def open(self, spider):
        super().open(spider)
        keys = keys_for(self.crawler.settings)
        self.worker_id = getattr(self.crawler, "distributed_worker_id", None) or new_worker_id(spider.name)
        self.crawler.distributed_worker_id = self.worker_id
        self.frontier = SiteFrontier(self.server, keys, spider.name)
        self._enqueue = self.server.register_script(ENQUEUE)
        self._pop = self.server.register_script(POP_AND_LEASE)
        self._release = self.server.register_script(RELEASE)
        self._lease_numbers = itertools.count(1)
        self._known_seen: set[str] = set()
        self._hook_request_done()

    def _hook_request_done(self):
        """Release a lease when the engine drops the request from its slot.

        That is the one point where Scrapy is done with a request: the callback has run, its
        items went through the pipelines and its requests were queued (a redirect or retry
        is queued before the request it replaces is dropped). Scrapy has no signal for it,
        so the engine slot's remove_request is wrapped (Scrapy is pinned; tests/test_distributed.py
        fails if a new version changes this).
        """
        slot = self.crawler.engine._slot
        remove_request = slot.remove_request

        def remove_and_release(request):
            self.release(request)
            remove_request(request)

        slot.remove_request = remove_and_release

    def enqueue_request(self, request):
        # A redirect or a retry copies the meta of the request it replaces, lease included.
        request.meta.pop(LEASE_META, None)
        redirected_from = request.meta.get("redirect_urls")
        if redirected_from:
            # Recorded even when the target is a duplicate, as crawler.redirects does in one process.
            self.server.sadd(self.frontier.aliases, f"{canonical_url(request.url)}\t{redirected_from[-1]}")
        filtered = not request.dont_filter
        fingerprint = self.df.request_fingerprint(request) if filtered else ""
        if fingerprint in self._known_seen:
            # The shared filter only grows during a run, so a URL once seen needs no round trip:
            # the links every page repeats (menus, footers) cost Redis nothing after the first.
            self.df.log(request, self.spider)
            return False
        added = self._enqueue(keys=[self.df.key, self.queue.key],
                              args=[fingerprint, -request.priority, self.queue._encode_request(request),
                                    "1" if filtered else "0"])
        if filtered:
            self._known_seen.add(fingerprint)
        if not added:
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        token = f"{self.worker_id}|{next(self._lease_numbers)}"
        data = self._pop(keys=[self.queue.key, self.frontier.inflight, self.frontier.inflight_scores],
                         args=[token])
        if not data:
            return None
        request = self.queue._decode_request(data)
        request.meta[LEASE_META] = token
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def release(self, request) -> None:
        token = request.meta.get(LEASE_META)
        if token is None:
            return  # robots.txt and other engine.download() requests never came from the frontier
        if not self._release(keys=[self.frontier.inflight, self.frontier.inflight_scores], args=[token]):
            # The worker looked dead for a while (a stalled reactor) and its lease was reaped:
            # another worker will fetch the page again; the writer stores it once.
            self.stats.inc_value("distributed/lease_lost")
        request.meta.pop(LEASE_META, None)
