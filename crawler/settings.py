"""Scrapy settings for the course discovery crawler.

Everything here can be overridden per run with ``-s NAME=VALUE``.
"""

BOT_NAME = "course-crawler"

# Spiders are built from the site registry, not found by importing modules.
SPIDER_LOADER_CLASS = "crawler.spiderloader.RegistrySpiderLoader"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.commands"

# Project files; relative paths are taken from the project root.
SITES_FILE = "data/sites.yaml"
SEARCH_TERMS_FILE = "search_terms.yaml"
CATALOGUE_FILE = "data/catalogue.csv"
# Set by crawlall once it has loaded CATALOGUE_FILE for the run; a lone `scrapy crawl` loads it itself.
CATALOGUE_LOADED = False
SCOPE_TERMS_FILE = "data/scope_terms.yaml"
DATABASE = "data/courses.db"

# Record every response to a WARC (a path), and/or replay from WARC files
# (comma-separated paths) with no network at all.
ARCHIVE_WRITE = ""
REPLAY = ""
# `crawlall --archive` keeps each night as ARCHIVE_DIR/<date>.warc.gz, the newest ARCHIVE_KEEP of them.
ARCHIVE_DIR = "data/archive"
ARCHIVE_KEEP = 14
# Extract every page again even when its content is unchanged since it was last stored.
REEXTRACT = False
# A page whose body is the one stored last time (a 304 from the HTTP cache, or the same bytes)
# is not parsed again: the spider follows its stored links (crawler/fetch/known_pages.py).
# 0 parses every page, as a check that the stored links are what parsing finds.
REUSE_STORED_LINKS = True
# A page the site's sitemap says has not changed (<lastmod>) since it was last fetched is not
# requested at all (crawler/fetch/revisits.py), until that fetch is older than between half
# and all of this many days. 0 revalidates every page every night.
SITEMAP_LASTMOD_MAX_DAYS = 7
# Analyse pages in this many worker processes (0: on the crawl's own thread). Worth it for
# big first nights and re-extraction on a machine with spare cores; see bench/bench_crawl.py.
ANALYSIS_PROCESSES = 0

# Politeness. CONTACT_URL goes into the User-Agent so a webmaster can reach us.
CONTACT_URL = "https://github.com/course-crawler/course-crawler#contact"
USER_AGENT = f"course-crawler/0.1 (+{CONTACT_URL})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
# Course pages are small; a 10 MB answer is a fault, not a course.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
# The spider's errback logs every lost request once, as a warning naming its fault;
# Scrapy's own "Gave up retrying" line would log it a second time, as an error.
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
DEPTH_PRIORITY = 1
# Scrapy starts this many asyncio tasks for every response's output (default 100: 67,000 tasks
# in a replay of the snapshot, ~10% of its CPU). A page yields one item and its links, each
# handled without waiting, so a few workers keep up and the order is the same.
CONCURRENT_ITEMS = 8
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 opens a remote-control HTTP listener per crawler by default (36 in one crawlall):
# a crawl opens no listening socket unless asked (-s REMOTE_CONTROL_ENABLED=1).
REMOTE_CONTROL_ENABLED = False
# A 429 or 503 with Retry-After pauses the whole site for as long as it asks, but no longer
# than this many seconds (crawler/operations/retry_after.py); the retry counts as one of RETRY_TIMES.
RETRY_AFTER_MAX = 120
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    # Sits next to the downloader so it records and replays raw responses, and
    # robots.txt, redirects, retries and decompression behave as they did live.
    "crawler.archive.ArchiveMiddleware": 950,
    # The HTTP cache, minus its error recovery (see crawler/fetch/httpcache.py).
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "crawler.fetch.httpcache.RevalidatingCacheMiddleware": 900,
    # Outside the archive and the HTTP cache, so it counts what the network (or archive) sent.
    "crawler.fetch.wirestats.WireStatsMiddleware": 960,
    # Just outside RedirectMiddleware (600), so it sees every 3xx.
    "crawler.redirects.RedirectAliasMiddleware": 610,
    "crawler.faults.RedirectFaultMiddleware": 620,
    # Just outside RetryMiddleware (550) in response order, so it answers a Retry-After first.
    "crawler.operations.retry_after.RetryAfterMiddleware": 560,
}

SPIDER_MIDDLEWARES = {
    "crawler.faults.PageFaultMiddleware": 60,
    "crawler.faults.LinkTrapMiddleware": 750,
}

ITEM_PIPELINES = {
    "crawler.pipelines.CoursePipeline": 300,
}

# Seconds between per-site progress lines (0: none); crawlall sets 10 on a terminal.
PROGRESS_INTERVAL = 0

EXTENSIONS = {
    "crawler.runlog.RunRecorder": 500,
    "crawler.progress.SiteProgress": 510,
}

# Distributed crawl (docs/distributed.md): a Redis URL makes this process one worker of a
# crawl shared through Redis; `scrapy ingest` is then the only writer of DATABASE.
DISTRIBUTED_REDIS_URL = ""
# The run the workers and the writer share; empty means today's UTC date.
DISTRIBUTED_RUN = ""

# Incremental nights: pages are revalidated with ETag / Last-Modified (RFC 2616 policy),
# so an unchanged page costs a 304. Turned off automatically when replaying an archive.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_DIR = "httpcache"
# One SQLite file per site rather than seven files per response (crawler/fetch/cache_storage.py).
HTTPCACHE_STORAGE = "crawler.fetch.cache_storage.SqliteCacheStorage"
HTTPCACHE_GZIP = True
# Revalidate every page every night: without max-age=0 the RFC 2616 policy treats a page
# with Last-Modified as fresh for 10% of its age and sends no request at all, so a changed
# or vanished page would go unseen.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-GB,en;q=0.8",
    "Cache-Control": "max-age=0",
}

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# Scrapy's fingerprints, each URL's worked out once (crawler/fetch/fingerprints.py).
REQUEST_FINGERPRINTER_CLASS = "crawler.fetch.fingerprints.RememberingFingerprinter"
# Scrapy's dupefilter, which also tells the spider the URLs it has seen (crawler/fetch/seen_urls.py).
DUPEFILTER_CLASS = "crawler.fetch.seen_urls.SeenUrlDupeFilter"
FEED_EXPORT_ENCODING = "utf-8"
