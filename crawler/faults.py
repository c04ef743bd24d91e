"""One place that names the ways a site can misbehave, and the middlewares that notice the quiet ones.

`fault_name` turns what a failed request delivers to an errback (a Twisted Failure, an
exception, an error response) into a stable snake_case name; the spider counts it as
``errors/<name>``. A few faults never fail a request on their own, so middlewares here
turn them into a failure with a name (`Fault`) or count them as ``faults/<name>``:

- `RedirectFaultMiddleware` (downloader): a redirect back into its own chain, or off the site,
  would be dropped silently; it fails the request as ``redirect_loop`` or ``offsite_redirect``.
- `PageFaultMiddleware` (spider): binary bodies labelled text/html fail as ``binary_as_html``;
  pages whose bytes do not match their declared charset, or that declare none, are counted
  (``faults/charset_mismatch``, ``faults/charset_undeclared``) and still read.
- `LinkTrapMiddleware` (spider): endless calendars and ``?page=N`` chains are cut
  (``faults/link_trap``).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer
from twisted.internet import error as tx_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

logger = logging.getLogger(__name__)

# Every name fault_name and the middlewares give, with what it means (http_<status> stands for any status).
FAULT_NAMES = {
    "http_<status>": "the server answered with an error status (after retries for 429 and 5xx)",
    "timeout": "no complete answer within DOWNLOAD_TIMEOUT (after retries)",
    "connection_refused": "nothing listens at the site's address (after retries)",
    "dns_lookup_failed": "the host name does not resolve (after retries)",
    "connection_lost": "the connection dropped before the answer was complete (after retries)",
    "redirect_loop": "redirects lead back to a URL already in the chain, or never end",
    "too_large": "the answer is larger than DOWNLOAD_MAXSIZE; the download was cancelled",
    "cancelled": "the download was cancelled for another reason (the spider closing)",
    "gzip_bomb": "a compressed answer inflates past DOWNLOAD_MAXSIZE",
    "robots_forbidden": "robots.txt forbids the URL",
    "offsite_redirect": "a redirect leads outside the site's allowed domains",
    "offsite": "a request outside the site's allowed domains was dropped",
    "binary_as_html": "a binary file (image, PDF, archive) served as text/html",
    "sitemap_invalid": "a sitemap that is not a sitemap (broken XML, an HTML page)",
    "charset_mismatch": "the page's bytes are not valid in the charset it declares (counted, page still read)",
    "charset_undeclared": "a page with non-ASCII bytes and no declared charset (counted, page still read)",
    "link_trap": "a request dropped because its URL shape repeats endlessly (a calendar, ?page=N)",
    "other_<ClassName>": "anything else, by exception class",
}

# IgnoreRequest says why only in its message; these are Scrapy 2.19's messages.
IGNORE_REASONS = (
    (re.compile(r"robots\.txt", re.I), "robots_forbidden"),
    (re.compile(r"max redirections", re.I), "redirect_loop"),
    (re.compile(r"DOWNLOAD_MAXSIZE.*decompression", re.I | re.S), "gzip_bomb"),
    (re.compile(r"offsite", re.I), "offsite"),
)
# DownloadCancelledError is also raised when a download is cancelled for other reasons.
MAXSIZE_MESSAGE = re.compile(r"larger than download max size", re.I)
# Checked in order on the exception and its causes; timeouts first, because a timed-out
# request also surfaces as a lost connection. Inside Twisted's ResponseFailed a
# CancelledError is the timeout cancelling the request.
EXCEPTION_FAULTS = (
    ((DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError, defer.TimeoutError,
      defer.CancelledError), "timeout"),
    ((DownloadConnectionRefusedError, tx_error.ConnectionRefusedError), "connection_refused"),
    ((CannotResolveHostError, tx_error.DNSLookupError), "dns_lookup_failed"),
    ((ResponseDataLossError, tx_error.ConnectionLost, tx_error.ConnectionDone), "connection_lost"),
)


class Fault(IgnoreRequest):
    """A request failed on purpose because its site misbehaved; ``name`` is the fault's name."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def fault_name(failure_or_exception, response: Response | None = None) -> str:
    """The stable snake_case name of what went wrong with a request (see FAULT_NAMES)."""
    exc = failure_or_exception.value if isinstance(failure_or_exception, Failure) else failure_or_exception
    if isinstance(exc, Fault):
        return exc.name
    if response is None and isinstance(getattr(exc, "response", None), Response):
        response = exc.response
    if response is not None and (exc is None or isinstance(exc, HttpError)):
        return f"http_{response.status}"
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        for pattern, name in IGNORE_REASONS:
            if pattern.search(message):
                return name
        return f"other_{type(exc).__name__}"
    if isinstance(exc, DownloadCancelledError):
        return "too_large" if MAXSIZE_MESSAGE.search(str(exc)) else "cancelled"
    causes = list(_causes(exc))
    for classes, name in EXCEPTION_FAULTS:
        if any(isinstance(cause, classes) for cause in causes):
            return name
    if any(isinstance(cause, (DownloadFailedError, ResponseFailed)) for cause in causes):
        return "connection_lost"
    return f"other_{type(exc).__name__}"


def _causes(exc: BaseException | None, limit: int = 10):
    """The exception, what it was raised from, and the reasons Twisted wraps inside ResponseFailed."""
    pending = [exc]
    while pending and limit:
        limit -= 1
        current = pending.pop(0)
        if current is None:
            continue
        yield current
        pending.append(current.__cause__)
        for reason in getattr(current, "reasons", None) or []:
            pending.append(reason.value if isinstance(reason, Failure) else reason)


def sitemap_fault(response: Response, body: bytes | None) -> str:
    """Why a sitemap gave no entries: a gzip file that inflates past DOWNLOAD_MAXSIZE, or just invalid.

    SitemapSpider._get_sitemap_body returns None for a gzip body it stopped inflating at
    DOWNLOAD_MAXSIZE, so a gzip body that yielded nothing is a bomb.
    """
    if body is None and response.body[:2] == b"\x1f\x8b":
        return "gzip_bomb"
    return "sitemap_invalid"


# -- redirects ------------------------------------------------------------

REDIRECT_STATUSES = {301, 302, 303, 307, 308}


def _same_page(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _host_in(url: str, domains) -> bool:
    """True when the URL's host (port aside) is one of the domains or under one of them."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in domains)


class RedirectFaultMiddleware:
    """Downloader middleware just outside RedirectMiddleware (600): fails redirects that loop or leave the site.

    Left to Scrapy, A -> B -> A ends with the second A dropped by the duplicate filter, and a
    redirect to another domain is dropped by OffsiteMiddleware when it is scheduled; neither
    reaches an errback or a count. (An endless chain of new URLs ends at REDIRECT_MAX_TIMES as
    an IgnoreRequest that fault_name also calls redirect_loop.)
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_STATUSES or not location or request.meta.get("dont_redirect"):
            return response
        target = _same_page(urljoin(request.url, location.decode("latin-1")))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in {_same_page(url) for url in chain}:
            raise Fault("redirect_loop", f"Redirect loop: {' -> '.join(chain)} -> {target}")
        allowed = getattr(self.crawler.spider, "allowed_domains", None)
        if allowed and not request.meta.get("allow_offsite") and not _host_in(target, allowed):
            raise Fault("offsite_redirect", f"Redirect off the site: {request.url} -> {target}")
        return response


# -- page bodies -----------------------------------------------------------

HTML_TYPES = (b"text/html", b"application/xhtml")
# Magic numbers of the files a misconfigured server most often labels text/html.
BINARY_SIGNATURES = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\x00\x00\x01\x00")
# A NUL byte in the first KiB is never in an 8-bit or UTF-8 HTML page (UTF-16 pages start with a BOM).
SNIFF_BYTES = 1024


def looks_binary(body: bytes) -> bool:
    """True for a body that is a binary file rather than text."""
    head = body[:SNIFF_BYTES]
    if read_bom(head)[0]:
        return False
    return head.startswith(BINARY_SIGNATURES) or b"\x00" in head


def charset_fault(content_type: str | None, body: bytes) -> str | None:
    """charset_mismatch, charset_undeclared, or None for a page whose bytes match its declared charset."""
    if read_bom(body[:4])[0]:
        return None
    declared = http_content_type_encoding(content_type) or html_body_declared_encoding(body)
    if declared is None:
        return "charset_undeclared" if not body.isascii() else None
    try:
        body.decode(resolve_encoding(declared) or declared)
    except (UnicodeDecodeError, LookupError):
        return "charset_mismatch"
    return None


class PageFaultMiddleware:
    """Spider middleware after HttpErrorMiddleware (50): checks each successful HTML answer's body.

    A binary body fails its request (the errback names it binary_as_html); a charset fault is
    counted once per page and the page is still read with Scrapy's best guess.
    """

    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_input(self, response, spider=None):
        content_type = response.headers.get(b"Content-Type", b"") or b""
        if response.status >= 300 or not content_type.lower().startswith(HTML_TYPES):
            return None
        if looks_binary(response.body):
            logger.warning("Binary body served as %s: %s", content_type.decode("latin-1"), response.url)
            raise Fault("binary_as_html", f"Binary body served as text/html: {response.url}")
        fault = charset_fault(content_type.decode("latin-1"), response.body)
        if fault:
            self.stats.inc_value(f"faults/{fault}")
            logger.info("Page charset fault (%s): %s", fault, response.url)
        return None


# -- link traps ------------------------------------------------------------

# A URL shape may lead to at most this many URLs of the same shape. A course A-Z paged with
# ?page=N rarely passes 20 pages; a calendar's ?month=N or /events/2026/05/ never ends.
MAX_URLS_PER_SHAPE = 30
DIGITS = re.compile(r"\d+")


def url_shape(url: str) -> str:
    """Host and path with numbers (ids, dates, page numbers) replaced, and the query's sorted keys."""
    parts = urlsplit(url)
    path = DIGITS.sub("{n}", parts.path or "/")
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{parts.netloc.lower()}{path}?{'&'.join(keys)}"


class LinkTrapMiddleware(BaseSpiderMiddleware):
    """Spider middleware: drops links from a page to more pages of its own shape once a shape has led to too many.

    Only links from a page to a page of the same shape count, so a sitemap or listing that
    links thousands of /course/{n} pages is never cut; a calendar whose every month links the
    next month is.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.stats = crawler.stats
        self.urls_by_shape: dict[str, set[str]] = {}
        self.trapped_shapes: set[str] = set()

    def get_processed_request(self, request, response):
        if response is None:
            return request
        shape = url_shape(request.url)
        if shape != url_shape(response.url):
            return request
        urls = self.urls_by_shape.setdefault(shape, set())
        if request.url in urls or len(urls) < MAX_URLS_PER_SHAPE:
            urls.add(request.url)
            return request
        self.stats.inc_value("faults/link_trap")
        if shape not in self.trapped_shapes:
            self.trapped_shapes.add(shape)
            logger.warning("Link trap: more than %d URLs shaped %s; dropping further ones (first dropped: %s)",
                           MAX_URLS_PER_SHAPE, shape, request.url)
        return None
