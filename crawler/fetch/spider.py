"""The one spider every site gets: sitemaps, listing pages and site search.

A site is data (an entry in data/sites.yaml); the spider loader builds a
subclass of GenericCourseSpider per entry. A site that needs code gets a module
in spiders/ with a subclass of this class.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from urllib.parse import quote_plus, urljoin, urlsplit, urlunsplit

from scrapy import Request, signals
from scrapy.http import HtmlResponse, Response
from scrapy.spiders import SitemapSpider
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

import scope_rules
from crawler.distributed import apply_worker_settings, is_distributed
from crawler.faults import fault_name, sitemap_fault
from crawler.fetch.known_pages import KnownPages
from crawler.fetch.page_links import LinkReader, PageLinks
from crawler.fetch.revisits import RevisitPolicy
from crawler.fetch.seen_urls import seen_url_filter
from crawler.items import FetchedPage, SitemapUnchangedPage
from crawler.registry import Site
from crawler.terms import SearchTerms, load_terms

logger = logging.getLogger(__name__)

# Query parameters that only track a visit; the same page with or without them is one page.
TRACKING_PARAMS = re.compile(r"^(utm_\w+|gclid|fbclid|mc_cid|mc_eid|_ga|source|ref)$", re.I)
# Links to files no course page is made of.
SKIP_EXTENSIONS = [
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "jpg", "jpeg", "png", "gif",
    "svg", "mp4", "mp3", "ics", "css", "js", "xml", "json", "rss", "atom",
]
# Request priorities: the crawl reads its discovery pages before the pages they lead to.
PRIORITY_ROBOTS = 100
PRIORITY_SITEMAP = 90
PRIORITY_LISTING = 50
PRIORITY_SEARCH = 40
PRIORITY_HOME = 0
HTML_TYPES = (b"text/html", b"application/xhtml")
# A link outside the site's `follow` patterns is fetched only when scope_rules scores it
# at least this: a course-like path (+4) with health words (+3). A course path alone (+4)
# also matches engineering and software courses (measured on bench/bench_scope.py's links).
FOLLOW_MIN_PRIORITY = 7
# How often start() looks whether tonight's sitemaps have all been read.
SITEMAP_POLL_SECONDS = 0.05


def user_agent(contact: str) -> str:
    return f"course-crawler/0.1 (+{contact})"


def canonical_url(url: str) -> str:
    """The URL without fragment and tracking parameters, used to tell pages apart."""
    parts = urlsplit(url)
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not TRACKING_PARAMS.match(pair.split("=", 1)[0])
    )
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


class GenericCourseSpider(SitemapSpider):
    """Finds course pages on one site from its registry entry."""

    site: Site  # set by the spider loader
    terms: SearchTerms | None = None
    known_pages: KnownPages | None = None
    revisits: RevisitPolicy | None = None
    sitemap_rules = [("", "parse_page")]

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.terms = load_terms(crawler.settings.get("SEARCH_TERMS_FILE"))
        # A distributed worker never opens the database: the writer alone knows what is unchanged.
        if crawler.settings.getbool("REUSE_STORED_LINKS") and not is_distributed(crawler.settings):
            spider.known_pages = KnownPages.for_settings(crawler.settings)
        if spider.known_pages is not None:
            spider.revisits = RevisitPolicy.from_settings(crawler.settings)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        if is_distributed(settings):
            apply_worker_settings(settings)  # one worker of a crawl shared through Redis (docs/distributed.md)
        # The contact address goes into the User-Agent unless a full USER_AGENT was given.
        if settings.getpriority("USER_AGENT") <= settings.getpriority("CONTACT_URL"):
            settings.set("USER_AGENT", user_agent(settings.get("CONTACT_URL")), priority="spider")
        if settings.get("REPLAY"):
            # The archive is the whole truth in a replay; a cache of live nights must not answer.
            settings.set("HTTPCACHE_ENABLED", False, priority="cmdline")
        if getattr(cls, "site", None) is None:
            return
        # Per-site caps from the registry; a run can still override them with -s.
        settings.set("DEPTH_LIMIT", cls.site.max_depth, priority="spider")
        settings.set("CLOSESPIDER_PAGECOUNT", cls.site.max_pages, priority="spider")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Domains are checked in wants_url (by host, so a port does not matter).
        self.link_reader = LinkReader(SKIP_EXTENSIONS)
        # (url, anchor text) -> the link's request priority, or None when it is not followed: a
        # site's menus and footers put the same links on every page, and the answer never changes
        # within a crawl.
        self._link_decisions: dict[tuple[str, str], int | None] = {}
        self.links_already_seen = 0
        # robots.txt and sitemap requests made and not yet answered (see start()).
        self._sitemaps_pending = 0

    def closed(self, reason):
        if self.links_already_seen:
            self.crawler.stats.set_value("links/already_seen", self.links_already_seen)
        if self.known_pages is not None:
            self.known_pages.close()

    # -- discovery -------------------------------------------------------

    async def start(self):
        for request in self.sitemap_discovery():
            yield request
        if self.revisits is not None:
            # Tonight's sitemaps say which stored pages need no request (crawler/fetch/revisits.py):
            # read them before the listings and the home page lead to the same pages.
            await self.sitemaps_read()
        for request in self.page_discovery():
            yield request

    def sitemap_discovery(self) -> Iterable[Request]:
        """robots.txt (for its Sitemap lines) and the registry's sitemaps."""
        for origin in self.site.start_hosts():
            yield self.sitemap_request(f"{origin}/robots.txt", PRIORITY_ROBOTS, "robots")
        for url in self.site.sitemaps:
            yield self.sitemap_request(url, PRIORITY_SITEMAP, "sitemap")

    def page_discovery(self) -> Iterable[Request]:
        """Listing pages, the site's search for each term, and the home page."""
        site = self.site
        for url in site.listings:
            yield Request(url, callback=self.parse_page, priority=PRIORITY_LISTING,
                          meta={"discovery": "listing"}, errback=self.on_error)
        if site.search_url and self.terms:
            for term in self.terms:
                url = site.search_url.replace("{term}", quote_plus(term.search))
                yield Request(url, callback=self.parse_page, priority=PRIORITY_SEARCH,
                              meta={"discovery": "search", "search_term": term.term}, errback=self.on_error)
        yield Request(site.home, callback=self.parse_page, priority=PRIORITY_HOME,
                      meta={"discovery": "home"}, errback=self.on_error)

    def sitemap_request(self, url: str, priority: int, discovery: str) -> Request:
        """A request for robots.txt or a sitemap, counted until parse_sitemap or on_error has it."""
        self._sitemaps_pending += 1
        return Request(url, callback=self.parse_sitemap, priority=priority, meta={"discovery": discovery},
                       errback=self.on_error)

    async def sitemaps_read(self) -> None:
        """Wait until every robots.txt and sitemap request has been answered or dropped as a duplicate,
        or the crawl has nothing else in hand (a request a spider middleware drops, for its depth or
        URL length, is never answered)."""
        quiet_checks = 0
        while self._sitemaps_pending > 0 and quiet_checks < 2:
            await asyncio.sleep(SITEMAP_POLL_SECONDS)
            quiet_checks = quiet_checks + 1 if self._crawl_quiet() else 0

    def request_dropped(self, request, spider=None):
        # A sitemap named both in robots.txt and in the registry is requested once: the other is never answered.
        if request.callback == self.parse_sitemap:
            self._sitemaps_pending -= 1

    def _crawl_quiet(self) -> bool:
        """Nothing scheduled, downloading or being scraped: only start() is still pending."""
        try:
            engine = self.crawler.engine
            scraper_slot = getattr(engine.scraper, "slot", None)
            return (not engine.downloader.active and not engine.scheduler.has_pending_requests()
                    and (scraper_slot is None or scraper_slot.is_idle()))
        except AttributeError:  # a Scrapy whose engine is built otherwise: stop waiting, lose nothing
            return True

    def parse_sitemap(self, response: Response):
        """robots.txt Sitemap lines, sitemap indexes and url sets (plain or .gz)."""
        try:
            yield from self._read_sitemap_response(response)
        finally:
            # After the sitemaps this one names have been counted in.
            self._sitemaps_pending -= 1

    def _read_sitemap_response(self, response: Response):
        stats = self.crawler.stats
        if response.status >= 400:
            stats.inc_value(f"discovery/{response.meta.get('discovery', 'sitemap')}_missing")
            return
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                stats.inc_value("discovery/robots_sitemaps")
                yield self.sitemap_request(url, PRIORITY_SITEMAP, "sitemap")
            return
        body = self._get_sitemap_body(response)
        sitemap = self._read_sitemap(body) if body else None
        if sitemap is None or sitemap.type not in ("sitemapindex", "urlset"):
            stats.inc_value(f"errors/{sitemap_fault(response, body)}")
            logger.warning("Skipped a malformed sitemap: %s", response.url)
            return
        stats.inc_value("discovery/sitemaps")
        if sitemap.type == "sitemapindex":
            for entry in sitemap:
                loc = (entry.get("loc") or "").strip()
                if loc:
                    yield self.sitemap_request(loc, PRIORITY_SITEMAP, "sitemap")
            return
        now = datetime.now(timezone.utc)
        unrequested_links = []
        for entry in self.sitemap_filter(sitemap):
            stats.inc_value("discovery/sitemap_course_urls")
            request = Request(entry["loc"].strip(), callback=self.parse_page,
                              priority=scope_rules.link_priority(entry["loc"], ""),
                              meta={"discovery": "sitemap-entry"}, errback=self.on_error)
            stored_links = self.unchanged_per_sitemap(request, entry.get("lastmod"), now)
            if stored_links is None:
                yield request
                continue
            stats.inc_value("pages/unchanged_per_sitemap")
            yield SitemapUnchangedPage(url=request.url, site=self.site.key, lastmod=entry["lastmod"].strip(),
                                       seen_at=now.isoformat(timespec="seconds"))
            unrequested_links.append(stored_links)
        # Only once every entry is decided: a link from one unchanged page to another, followed
        # first, would have the other requested after all.
        for stored_links in unrequested_links:
            yield from self.follow_links(stored_links)

    def unchanged_per_sitemap(self, request: Request, lastmod: str | None, now: datetime) -> PageLinks | None:
        """The stored links of a page that need not be requested tonight (crawler/fetch/revisits.py), else None.

        The page's URL is then marked seen in the dupefilter, so a link to it from another page is
        not requested either; a URL already requested tonight is left to the dupefilter.
        """
        if self.revisits is None or not lastmod:
            return None
        last = self.known_pages.last_fetch(request.url)
        if last is None or not self.revisits.may_skip(request.url, lastmod, last[0], now):
            return None
        seen = seen_url_filter(self.crawler)
        if seen is None or seen.request_seen(request):
            return None
        return last[1]

    @staticmethod
    def _read_sitemap(body: bytes) -> Sitemap | None:
        try:
            return Sitemap(body)
        except Exception as exc:  # lxml raises several types on broken XML
            logger.debug("Sitemap could not be parsed: %s", exc)
            return None

    def sitemap_filter(self, entries):
        """Keep the sitemap entries that look like course pages of this site."""
        for entry in entries:
            loc = (entry.get("loc") or "").strip()
            if loc and self.wants_url(loc, ""):
                yield entry

    # -- pages -------------------------------------------------------------

    def parse_page(self, response: Response):
        stats = self.crawler.stats
        if response.status >= 400:
            stats.inc_value(f"pages/status_{response.status}")
            return
        content_type = response.headers.get(b"Content-Type", b"") or b""
        if not isinstance(response, HtmlResponse) and not content_type.lower().startswith(HTML_TYPES):
            stats.inc_value("errors/not_html")
            logger.info("Skipped a page that is not HTML (%s): %s", content_type.decode("latin-1") or "no type",
                        response.url)
            return
        stats.inc_value("pages/html")
        content_type_text = content_type.decode("latin-1")
        page_links = self.known_pages.links_if_unchanged(response.url, response.body, content_type_text) \
            if self.known_pages is not None else None
        if page_links is not None:
            # Unchanged since it was stored: the stored links are what parsing would find.
            stats.inc_value("pages/links_reused")
        else:
            page_links = self.read_links(response)
        urls = [response.url]
        original = response.request.meta.get("redirect_urls") if response.request else None
        for url in original or []:
            if url not in urls:
                urls.append(url)
        yield FetchedPage(
            url=response.url,
            site=self.site.key,
            status=response.status,
            body=response.body,
            content_type=content_type_text,
            encoding=getattr(response, "encoding", None),
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            urls=urls,
            canonical_url=self._declared_canonical(response.url, page_links) or self.page_key(response.url),
            archive_record=response.meta.get("archive_record"),
            depth=response.meta.get("depth", 0),
            links=page_links.to_json() if page_links.links is not None else None,
        )
        yield from self.follow_links(page_links)

    def read_links(self, response: HtmlResponse) -> PageLinks:
        """The page's canonical href and links, parsed; no links (not stored) when the markup breaks the reader."""
        self.crawler.stats.inc_value("pages/parsed")
        try:
            return self.link_reader.read(response)
        except Exception as exc:  # broken markup must not end the crawl
            self.crawler.stats.inc_value("errors/link_extraction")
            logger.warning("Could not read links on %s: %s", response.url, exc)
            canonical = response.xpath("//link[@rel='canonical']/@href").get()
            return PageLinks(canonical, None)

    def follow_links(self, page_links: PageLinks) -> Iterable[Request]:
        decisions = self._link_decisions
        seen = seen_url_filter(self.crawler)
        for url, text in page_links.links or ():
            key = (url, text)
            if key not in decisions:
                decisions[key] = scope_rules.link_priority(url, text) if self.wants_url(url, text) else None
            priority = decisions[key]
            if priority is None:
                continue
            if seen is not None and seen.has_seen_url(url):
                # The dupefilter would drop it: skip building the Request (crawler/fetch/seen_urls.py).
                self.links_already_seen += 1
                continue
            yield Request(url, callback=self.parse_page, errback=self.on_error, priority=priority)

    def wants_url(self, url: str, anchor_text: str) -> bool:
        """Follow a link that matches the site's course patterns or looks in scope."""
        site = self.site
        if not site.owns_host(urlsplit(url).hostname or ""):
            return False
        if any(p.search(url) for p in site.avoid):
            return False
        if any(p.search(url) for p in site.follow):
            return True
        if self.terms and self.terms.found_in(f"{_words_of_url(url)} {anchor_text}"):
            return True
        return scope_rules.link_priority(url, anchor_text) >= FOLLOW_MIN_PRIORITY

    def page_key(self, url: str) -> str:
        """The canonical form of a page URL; a site whose URLs carry session or view parameters overrides it."""
        return canonical_url(url)

    def _declared_canonical(self, page_url: str, page_links: PageLinks) -> str | None:
        href = page_links.canonical_href
        if not href:
            return None
        url = urljoin(page_url, href.strip())
        host = urlsplit(url).hostname or ""
        # A canonical link may only name a page of the same site.
        return self.page_key(url) if self.site.owns_host(host) else None

    def on_error(self, failure):
        request = failure.request
        if request.callback == self.parse_sitemap:
            self._sitemaps_pending -= 1
        response = getattr(failure.value, "response", None)
        if response is not None and "missing" in response.flags:
            return  # not in the replayed archive; counted as archive/replay_missing
        reason = fault_name(failure)
        discovery = request.meta.get("discovery")
        if discovery in ("robots", "search", "home") and (response is not None or reason == "robots_forbidden"):
            # A site without robots.txt, or whose robots.txt keeps us out of its search, is not broken.
            self.crawler.stats.inc_value(f"discovery/{discovery}_{reason}")
            logger.info("Discovery page unavailable (%s): %s", reason, request.url)
            return
        self.crawler.stats.inc_value(f"errors/{reason}")
        logger.warning("Request failed (%s): %s", reason, request.url)


def _words_of_url(url: str) -> str:
    path = urlsplit(url).path
    return re.sub(r"[-_/.]+", " ", path)
