"""A page's outgoing links, read once, and in a form the database keeps for the next night.

`LinkReader.read` gives what Scrapy's `LinkExtractor(deny_extensions=..., unique=True)`
gives (tests/test_page_links.py compares the two), faster: that extractor makes every href
absolute and safe (urljoin, safe_url_string, urljoin again) on every page, though most of
a site's hrefs are the same menu and footer links on each page. An href that starts with
"/" or names its own scheme resolves the same way against any page of one origin, so its
result is worked out once per (origin, href, encoding).

`PageLinks` is the raw reading (the rel=canonical href and every (url, text) link), before
any decision of the spider's: the spider decides on stored links as it would on fresh ones,
so a change to the registry or the scope rules applies to unchanged pages too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse, urlsplit

from lxml import etree
from scrapy.utils.response import get_base_url
from w3lib.html import strip_html5_whitespace
from w3lib.url import safe_url_string

# Bump when what `read` returns changes: links stored in another format are read again.
FORMAT = 1
LINK_TAGS = ("a", "area", "{http://www.w3.org/1999/xhtml}a", "{http://www.w3.org/1999/xhtml}area")
CANONICAL = etree.XPath("//link[@rel='canonical']/@href")
_text_of = etree.XPath("string()")
# Schemes LinkExtractor keeps (scrapy.linkextractors._is_valid_url).
VALID_SCHEMES = {"http", "https", "file", "ftp"}
# An href with its own scheme and host, which urljoin takes nothing from the base URL for but its scheme.
ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\\\s]")
# urlsplit deletes these anywhere in a URL, which can turn "/\t/x" into "//x": such hrefs are never shared.
DELETED_BY_URLSPLIT = re.compile(r"[\t\r\n]")
# Enough for every distinct href of a big site; cleared when full rather than grown for ever.
MAX_CACHED_HREFS = 200_000


@dataclass(frozen=True)
class PageLinks:
    canonical_href: str | None
    links: tuple[tuple[str, str], ...]  # (absolute URL, link text), first occurrence of each URL

    def to_json(self) -> str:
        return json.dumps({"v": FORMAT, "canonical": self.canonical_href, "links": self.links},
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | None) -> PageLinks | None:
        """The stored links, or None when there are none or they are in an older format."""
        if not text:
            return None
        data = json.loads(text)
        if data.get("v") != FORMAT:
            return None
        return cls(data["canonical"], tuple((url, link_text) for url, link_text in data["links"]))


class LinkReader:
    def __init__(self, deny_extensions: list[str]):
        self.deny_extensions = tuple("." + e for e in deny_extensions)
        # (scheme://host of the base URL, href, encoding) -> the URL, or None when LinkExtractor drops it.
        self._resolved: dict[tuple[str, str, str], str | None] = {}

    def read(self, response) -> PageLinks:
        canonical = CANONICAL(response.selector.root)
        return PageLinks(str(canonical[0]) if canonical else None, tuple(self._links(response)))

    def _links(self, response):
        base_url = get_base_url(response)
        base, page = urlsplit(base_url), urlsplit(response.url)
        # All a shared href's result depends on besides itself (see _resolve).
        origins = f"{base.scheme}://{base.netloc} {page.scheme}://{page.netloc}"
        encoding = response.encoding
        seen: set[str] = set()
        for element in response.selector.root.iter(*LINK_TAGS):
            href = element.get("href")
            if href is None:
                continue
            url = self._resolve(href, base_url, origins, response.url, encoding)
            if url is None or url in seen:
                continue
            seen.add(url)
            yield url, _text_of(element) or ""

    def _resolve(self, href: str, base_url: str, origins: str, page_url: str, encoding: str) -> str | None:
        stripped = strip_html5_whitespace(href)
        # Of the base and page URLs, only their schemes and hosts matter to a root-relative
        # href or one with its own scheme and host (urljoin takes nothing else from them);
        # other relative hrefs are resolved on each page.
        shared = ((stripped.startswith("/") and not stripped.startswith("//")) or ABSOLUTE.match(stripped)) \
            and not DELETED_BY_URLSPLIT.search(stripped)
        if not shared:
            return self._resolve_afresh(stripped, base_url, page_url, encoding)
        key = (origins, stripped, encoding)
        try:
            return self._resolved[key]
        except KeyError:
            pass
        if len(self._resolved) >= MAX_CACHED_HREFS:
            self._resolved.clear()
        url = self._resolved[key] = self._resolve_afresh(stripped, base_url, page_url, encoding)
        return url

    def _resolve_afresh(self, stripped: str, base_url: str, page_url: str, encoding: str) -> str | None:
        # The steps of LxmlParserLinkExtractor._extract_links and LxmlLinkExtractor._link_allowed.
        try:
            url = urljoin(base_url, stripped)
            url = safe_url_string(url, encoding=encoding)
        except ValueError:
            return None
        url = urljoin(page_url, url)
        if url.split("://", 1)[0] not in VALID_SCHEMES:
            return None
        # urlparse, not urlsplit: LinkExtractor's path leaves out ";params" ("/a.pdf;v=1" is a PDF).
        if urlparse(url).path.lower().endswith(self.deny_extensions):
            return None
        return url
