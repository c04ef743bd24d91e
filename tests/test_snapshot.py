"""The bundled snapshot rebuilds, reads back as WARC, and agrees with the site registry."""

from __future__ import annotations

import gzip
import importlib.util
import re
import sys
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

import pytest
import yaml
from lxml import etree
from warcio.archiveiterator import ArchiveIterator

ROOT = Path(__file__).resolve().parent.parent
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_snapshot", ROOT / "scripts" / "build_snapshot.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def builder():
    return _load_builder()


@pytest.fixture(scope="module")
def built(builder, tmp_path_factory):
    """Rebuild into a temporary directory; return (warc path, snapshot, records by URL)."""
    out = tmp_path_factory.mktemp("snapshot") / "snapshot.warc.gz"
    snapshot = builder.build(out)
    records = {}
    with out.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            records[url] = {
                "status": int(record.http_headers.get_statuscode()),
                "protocol": record.http_headers.protocol,
                "headers": dict(record.http_headers.headers),
                "body": record.content_stream().read(),
                "id": record.rec_headers.get_header("WARC-Record-ID"),
            }
    return out, snapshot, records


@pytest.fixture(scope="module")
def registry():
    return {site["key"]: site for site in yaml.safe_load((ROOT / "data" / "sites.yaml").read_text())["sites"]}


@pytest.fixture(scope="module")
def manifest():
    return yaml.safe_load((ROOT / "data" / "snapshot_src" / "manifest.yaml").read_text())


def _snapshot_sites(registry, records):
    hosts = {urlsplit(url).hostname for url in records}
    return [site for site in registry.values() if urlsplit(site["home"]).hostname in hosts]


def _start_origins(site):
    urls = [site["home"], *(site.get("sitemaps") or []), *(site.get("listings") or [])]
    if site.get("search_url"):
        urls.append(site["search_url"])
    return sorted({f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in urls})


def _sitemap_locs(body: bytes) -> tuple[str, list[str]]:
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    root = etree.fromstring(body)
    return etree.QName(root).localname, [el.text.strip() for el in root.iter(f"{SITEMAP_NS}loc")]


# -- the WARC itself -----------------------------------------------------------

def test_every_record_is_a_full_http_response(built):
    _, snapshot, records = built
    assert set(records) == set(snapshot.responses)
    for url, record in records.items():
        assert record["protocol"] == "HTTP/1.1", url
        assert record["headers"]["Content-Length"] == str(len(record["body"])), url
        assert "Content-Encoding" not in record["headers"], url


def test_rebuild_gives_the_same_bytes(builder, built, tmp_path):
    out, _, _ = built
    again = tmp_path / out.name
    builder.build(again)
    assert again.read_bytes() == out.read_bytes()


def test_record_ids_are_derived_from_the_url(builder, built):
    _, _, records = built
    for url, record in records.items():
        assert record["id"] == builder._record_id(url)


def test_bundled_warc_is_up_to_date(built):
    """data/snapshot/snapshot.warc.gz must be rebuilt after a source or registry change."""
    out, _, _ = built
    bundled = ROOT / "data" / "snapshot" / "snapshot.warc.gz"
    assert bundled.read_bytes() == out.read_bytes(), "run .venv/bin/python scripts/build_snapshot.py"


def test_gzipped_sitemap_is_served_as_gzip(built):
    _, _, records = built
    gz = {u: r for u, r in records.items() if urlsplit(u).path.endswith(".xml.gz")}
    assert gz
    for url, record in gz.items():
        assert record["headers"]["Content-Type"] == "application/x-gzip", url
        assert record["body"][:2] == b"\x1f\x8b", url


# -- agreement with the registry ------------------------------------------------

def test_snapshot_covers_the_required_providers(registry, built):
    _, _, records = built
    keys = {site["key"] for site in _snapshot_sites(registry, records)}
    assert {"ihi", "bmj_learning", "lsbu", "kcl", "citystgeorges", "ou", "mdx", "uwl"} <= keys
    assert keys & {"nihr", "health_foundation"}


def test_every_snapshot_site_has_robots_txt_for_each_start_host(registry, built):
    _, _, records = built
    for site in _snapshot_sites(registry, records):
        for origin in _start_origins(site):
            assert f"{origin}/robots.txt" in records, site["key"]


def test_every_host_in_the_snapshot_has_robots_txt(built):
    _, _, records = built
    for host in {urlsplit(url).hostname for url in records}:
        assert f"https://{host}/robots.txt" in records, host


def test_start_urls_are_recorded(registry, built):
    _, _, records = built
    for site in _snapshot_sites(registry, records):
        for url in [site["home"], *(site.get("sitemaps") or []), *(site.get("listings") or [])]:
            assert url in records, (site["key"], url)


def test_a_search_page_per_term_for_every_snapshot_site_with_search_url(registry, built):
    _, _, records = built
    terms = yaml.safe_load((ROOT / "search_terms.yaml").read_text())["terms"]
    for site in _snapshot_sites(registry, records):
        if not site.get("search_url"):
            continue
        for term in terms:
            url = site["search_url"].replace("{term}", quote_plus(term.get("search") or term["term"]))
            assert url in records, (site["key"], term["term"])


def test_follow_matching_sitemap_urls_are_recorded_or_declared_missing(registry, built, manifest):
    _, _, records = built
    declared_missing = {entry["url"] for entry in manifest.get("missing") or []}
    malformed = {f["url"] for f in manifest.get("faults") or [] if f["kind"] == "malformed-sitemap"}
    checked = 0
    for site in _snapshot_sites(registry, records):
        follow = [re.compile(p) for p in site.get("follow") or []]
        robots = [u for u in records if u.endswith("/robots.txt") and urlsplit(u).hostname
                  in {urlsplit(o).hostname for o in _start_origins(site)}]
        queue = [*(site.get("sitemaps") or [])]
        for robots_url in robots:
            text = records[robots_url]["body"].decode("utf-8")
            queue += [line.split(":", 1)[1].strip() for line in text.splitlines() if line.lower().startswith("sitemap:")]
        seen = set()
        while queue:
            sitemap_url = queue.pop()
            if sitemap_url in seen:
                continue
            seen.add(sitemap_url)
            assert sitemap_url in records, (site["key"], sitemap_url)
            try:
                kind, locs = _sitemap_locs(records[sitemap_url]["body"])
            except etree.XMLSyntaxError:
                assert sitemap_url in malformed, f"{sitemap_url} is malformed but not declared in manifest faults"
                continue
            if kind == "sitemapindex":
                queue += locs
                continue
            for loc in locs:
                if any(p.search(loc) for p in follow):
                    checked += 1
                    assert loc in records or loc in declared_missing, (site["key"], loc)
    assert checked > 30


def test_declared_missing_urls_are_really_missing(built, manifest):
    _, _, records = built
    for entry in manifest.get("missing") or []:
        assert entry["url"] not in records


def test_declared_faults_are_in_place(built, manifest):
    _, _, records = built
    for fault in manifest["faults"]:
        url, kind = fault["url"], fault["kind"]
        if kind == "http-500":
            assert records[url]["status"] == 500
        elif kind == "http-404":
            assert records[url]["status"] == 404
        elif kind == "pdf-as-course-page":
            assert records[url]["headers"]["Content-Type"] == "application/pdf"
            assert records[url]["body"].startswith(b"%PDF")
        elif kind == "truncated-html":
            assert b"</html>" not in records[url]["body"]
        elif kind == "malformed-sitemap":
            with pytest.raises(etree.XMLSyntaxError):
                _sitemap_locs(records[url]["body"])
        elif kind == "not-recorded":
            assert url not in records
        elif kind == "robots-disallowed-search":
            host = urlsplit(url).hostname
            robots = records[f"https://{host}/robots.txt"]["body"].decode()
            assert f"Disallow: {urlsplit(url).path}" in robots


def test_redirects_point_at_recorded_pages(built):
    _, _, records = built
    redirects = {u: r for u, r in records.items() if 300 <= r["status"] < 400}
    assert redirects
    for url, record in redirects.items():
        assert record["headers"]["Location"] in records, url


def test_each_page_says_what_it_imitates(built):
    _, _, records = built
    for url, record in records.items():
        if record["headers"].get("Content-Type", "").startswith("text/html") and record["status"] == 200:
            assert b"<!-- Imitates:" in record["body"][:400], url


def test_source_html_files_start_with_an_imitation_comment():
    for path in (ROOT / "data" / "snapshot_src").rglob("*.html"):
        if path.name == "_layout.html":
            continue
        assert path.read_text(encoding="utf-8").lstrip().startswith("<!-- Imitates:"), path
