"""The remembering fingerprinter gives Scrapy's fingerprints, however often a URL comes back."""

from scrapy import Request
from scrapy.utils.request import RequestFingerprinter

from crawler.fetch.fingerprints import RememberingFingerprinter


def requests():
    for url in ("https://uni.example/courses/msc", "https://uni.example/courses/msc#modules",
                "https://uni.example/q?b=2&a=1", "https://uni.example/q?a=1&b=2", "https://uni.example/é?x=ü"):
        yield Request(url)
        yield Request(url, method="POST", body=b"term=improvement")
        yield Request(url, method="POST", body=b"term=safety")
        yield Request(url, meta={"verbatim_url": True})


def test_fingerprints_are_scrapys():
    remembering, scrapys = RememberingFingerprinter(), RequestFingerprinter()
    for _ in range(2):  # the second time from memory
        for request in requests():
            assert remembering.fingerprint(request) == scrapys.fingerprint(request), (request, request.meta)
    # Same canonical URL, one fingerprint; another body, another.
    fingerprint = remembering.fingerprint
    assert fingerprint(Request("https://uni.example/q?b=2&a=1")) == fingerprint(Request("https://uni.example/q?a=1&b=2"))
    assert fingerprint(Request("https://uni.example/c", method="POST", body=b"a")) != \
        fingerprint(Request("https://uni.example/c", method="POST", body=b"b"))
