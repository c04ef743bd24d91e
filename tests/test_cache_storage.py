"""The HTTP cache's SQLite storage gives back what it was given, and a revalidation keeps the stored body.

The whole cache (304s on a second night against a real server) is exercised by
tests/test_nightly_ops.py and tests/test_unchanged_pages.py; these check the storage itself.
"""

import sqlite3

import pytest
from scrapy import Request, Spider
from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler.fetch.cache_storage import SqliteCacheStorage

BODY = b"<html><body><h1>MSc Improvement Science</h1>" + b"<p>Modules and fees.</p>" * 200 + b"</body></html>"


@pytest.fixture
def storage(tmp_path):
    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": str(tmp_path / "cache"), "HTTPCACHE_GZIP": True})
    spider = Spider.from_crawler(crawler, name="cache_uni")
    storage = SqliteCacheStorage(crawler.settings)
    storage.open_spider(spider)
    storage.spider = spider
    storage.path = tmp_path / "cache" / "cache_uni.sqlite3"
    yield storage
    storage.close_spider(spider)


def html_response(url, body=BODY, etag=b'"v1"'):
    return HtmlResponse(url, status=200, body=body, headers={"Content-Type": "text/html; charset=utf-8", "ETag": etag})


def test_a_stored_response_comes_back_as_it_was(storage):
    request = Request("https://uni.example/courses/msc")
    assert storage.retrieve_response(storage.spider, request) is None
    storage.store_response(storage.spider, request, html_response(request.url))

    again = Request("https://uni.example/courses/msc")
    cached = storage.retrieve_response(storage.spider, again)
    assert type(cached) is HtmlResponse
    assert (cached.url, cached.status, cached.body) == (request.url, 200, BODY)
    assert cached.headers[b"ETag"] == b'"v1"' and cached.headers[b"Content-Type"] == b"text/html; charset=utf-8"
    assert again.meta["cache_timestamp"] > 0
    assert storage.retrieve_response(storage.spider, Request("https://uni.example/other")) is None


def test_a_revalidated_response_keeps_its_body_and_takes_the_new_headers(storage):
    request = Request("https://uni.example/courses/msc")
    storage.store_response(storage.spider, request, html_response(request.url))
    with sqlite3.connect(storage.path) as conn:
        stored_body = conn.execute("SELECT body FROM responses").fetchone()[0]
    assert len(stored_body) < len(BODY) / 3  # compressed

    storage.store_response(storage.spider, request, html_response(request.url, etag=b'"v1-fresh"'))
    cached = storage.retrieve_response(storage.spider, Request(request.url))
    assert cached.body == BODY and cached.headers[b"ETag"] == b'"v1-fresh"'
    with sqlite3.connect(storage.path) as conn:
        assert conn.execute("SELECT count(*), body FROM responses").fetchone() == (1, stored_body)

    storage.store_response(storage.spider, request, html_response(request.url, body=b"<html>changed</html>"))
    assert storage.retrieve_response(storage.spider, Request(request.url)).body == b"<html>changed</html>"


def test_responses_come_back_as_from_scrapys_filesystem_storage(storage, tmp_path):
    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": str(tmp_path / "fs"), "HTTPCACHE_GZIP": True})
    spider = Spider.from_crawler(crawler, name="cache_uni")
    filesystem = FilesystemCacheStorage(crawler.settings)
    filesystem.open_spider(spider)
    responses = [
        Response("https://uni.example/old", status=301, headers={"Location": "https://uni.example/new"}),
        html_response("https://uni.example/courses/msc"),
        TextResponse("https://uni.example/robots.txt", body=b"User-agent: *", headers={"Content-Type": "text/plain"}),
        Response("https://uni.example/gone", status=404, body=b"not here"),
    ]
    for response in responses:
        for each in (storage, filesystem):
            each.store_response(spider, Request(response.url), response)
        ours, theirs = (each.retrieve_response(spider, Request(response.url)) for each in (storage, filesystem))
        assert type(ours) is type(theirs)
        assert (ours.url, ours.status, ours.body, ours.flags) == (theirs.url, theirs.status, theirs.body, theirs.flags)
        assert ours.headers == theirs.headers


def test_an_expired_response_is_not_given_back(tmp_path):
    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": str(tmp_path), "HTTPCACHE_EXPIRATION_SECS": 60})
    spider = Spider.from_crawler(crawler, name="cache_uni")
    storage = SqliteCacheStorage(crawler.settings)
    storage.open_spider(spider)
    request = Request("https://uni.example/courses/msc")
    storage.store_response(spider, request, html_response(request.url))
    assert storage.retrieve_response(spider, Request(request.url)) is not None
    storage.conn.execute("UPDATE responses SET stored_at = stored_at - 120")
    assert storage.retrieve_response(spider, Request(request.url)) is None
    storage.close_spider(spider)
