"""The spider's link reader finds what Scrapy's LinkExtractor finds, link for link, on real and awkward pages.

crawler/fetch/page_links.py resolves an href once per site rather than once per page; these
pages check that shortcut against the extractor it stands in for, with one reader kept
across all of them as in a crawl.
"""

import pytest
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from crawler.archive import iter_archived_pages
from crawler.fetch.page_links import LinkReader, PageLinks
from crawler.fetch.spider import SKIP_EXTENSIONS
from crawler.paths import project_path

HREFS = [
    "/courses/msc", " /courses/msc ", "/courses/a/../b", "/courses/./c", "relative/page", "../up/one", "?page=2",
    "#top", "", "//cdn.example.org/x", "http://a.example/x?", "HTTPS://A.Example/Ü?q=ü", "/é?q=ü#frag",
    "mailto:office@a.example", "javascript:void(0)", "tel:+441234", "/prospectus.PDF", "/guide.pdf;jsessionid=1",
    "/x\t/y", "/\t/evil.example/z", "http:///foo", "http://", "x?u=ftp://y", "ftp://files.a.example/f",
    "https://b.example:8443/path?a=1&b=2", "/courses/msc?utm_source=x", "/path with spaces", "/%7Euser/",
    "http://[::1]:8080/v6", "/search?q=improvement science", "https://a.example/courses/msc",
]


def page(hrefs, base=None, encoding="utf-8") -> bytes:
    head = f'<base href="{base}">' if base else ""
    links = "".join(f'<p><a href="{h}">link {i}</a> <a href="{h}">again {i}</a></p>' for i, h in enumerate(hrefs))
    area = '<map><area href="/area/target" alt="x"></map>'
    text = (f'<html><head><meta charset="{encoding}"><link rel="canonical" href=" /courses/msc ">{head}</head>'
            f'<body>{links}{area}<a name="no-href">anchor</a><a href="/nested"><span>Nested</span> text</a></body></html>')
    return text.encode(encoding, errors="xmlcharrefreplace")


AWKWARD = [
    ("http://a.example/dir/page", page(HREFS)),
    ("http://a.example/other/deeper/page?x=1", page(HREFS)),
    ("https://a.example/dir/page", page(HREFS)),
    ("http://a.example:8080/dir/", page(HREFS)),
    ("http://b.example/elsewhere", page(HREFS, base="http://a.example/based/")),
    ("http://a.example/dir/page", page(HREFS, base="/rebased/here/")),
    ("http://a.example/latin", page(HREFS + ["/s?q=café"], encoding="latin-1")),
    ("http://a.example/cp1252", page(HREFS + ["/s?q=€"], encoding="cp1252")),
]


def extractor_links(response) -> list[tuple[str, str]]:
    return [(link.url, link.text) for link in LinkExtractor(deny_extensions=SKIP_EXTENSIONS, unique=True)
            .extract_links(response)]


@pytest.fixture(scope="module")
def reader():
    return LinkReader(SKIP_EXTENSIONS)  # one for every page, so later pages use what earlier ones resolved


def test_awkward_hrefs_resolve_as_the_link_extractor_resolves_them(reader):
    for url, body in AWKWARD * 2:
        response = HtmlResponse(url, body=body)
        links = reader.read(response)
        assert list(links.links) == extractor_links(response), url
        assert links.canonical_href == response.xpath("//link[@rel='canonical']/@href").get()


def test_every_snapshot_page_gives_the_link_extractors_links(reader):
    compared = 0
    for url, status, headers, body, _ in iter_archived_pages([project_path("data/snapshot/snapshot.warc.gz")]):
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        if status != 200 or "html" not in content_type.lower():
            continue
        response = HtmlResponse(url, body=body, headers={"Content-Type": content_type})
        assert list(reader.read(response).links) == extractor_links(response), url
        compared += 1
    assert compared > 50


def test_stored_links_read_back_the_same():
    url, body = AWKWARD[0]
    links = LinkReader(SKIP_EXTENSIONS).read(HtmlResponse(url, body=body))
    assert PageLinks.from_json(links.to_json()) == links
    assert PageLinks.from_json(links.to_json().replace('"v":1', '"v":0')) is None  # an older format is read again
