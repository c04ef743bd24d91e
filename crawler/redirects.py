"""Remember which URLs redirect where, so one course reached by two URLs is one candidate."""

from __future__ import annotations

from urllib.parse import urljoin

from crawler.fetch.spider import canonical_url

REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class RedirectAliasMiddleware:
    """Downloader middleware just outside RedirectMiddleware: sees each 3xx before it is followed.

    The redirect target may already have been crawled (and the new request dropped as a
    duplicate), so aliases are collected here and merged into candidates when the spider closes.
    """

    def __init__(self, crawler):
        self.aliases = crawler.redirect_aliases = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        location = response.headers.get(b"Location")
        if response.status in REDIRECT_STATUSES and location:
            target = canonical_url(urljoin(request.url, location.decode("latin-1")))
            self.aliases.setdefault(target, set()).add(request.url)
        return response
