"""What `crawl` and `crawlall` do differently when run as workers of a distributed crawl."""

from __future__ import annotations

from scrapy.exceptions import UsageError

from crawler.distributed import keys_for, redis_client

# A worker's crawl did its job when its spider closed for one of these reasons.
WORKER_FINISHED_OK = {"finished", "closespider_pagecount"}
EXIT_OK, EXIT_RUN_FAILED = 0, 1


def check_redis(settings) -> None:
    """Bad configuration fails before any request: an unreachable Redis is a usage error."""
    import redis

    try:
        redis_client(settings).ping()
    except redis.RedisError as exc:
        raise UsageError(f"cannot reach Redis at {settings.get('DISTRIBUTED_REDIS_URL')}: {exc}") from None


def worker_exit_status(crawler) -> int:
    reason = crawler.stats.get_value("finish_reason")
    return EXIT_OK if reason in WORKER_FINISHED_OK else EXIT_RUN_FAILED


def run_worker(process, settings, site_keys: list[str]) -> int:
    """Crawl the sites as one worker; the writer prints the run's summary, a worker only its own share."""
    check_redis(settings)
    crawlers = [process.create_crawler(key) for key in site_keys]
    for crawler in crawlers:
        process.crawl(crawler)
    process.start()
    if process.bootstrap_failed:
        return EXIT_RUN_FAILED
    run = keys_for(settings).run
    print(f"Worker of run {run}: pages this worker fetched (the writer, `scrapy ingest`, prints the run's summary)")
    for crawler in crawlers:
        stats = crawler.stats.get_stats()
        print(f"  {crawler.spidercls.name}: {stats.get('downloader/response_count', 0)} pages, "
              f"{stats.get('distributed/items_pushed', 0)} items ({stats.get('finish_reason')})")
    return EXIT_OK if all(worker_exit_status(c) == EXIT_OK for c in crawlers) else EXIT_RUN_FAILED
