"""Build the bundled recorded snapshot (data/snapshot/snapshot.warc.gz) from data/snapshot_src/.

Every page in the snapshot is written by us and imitates how a real provider's site is
built; see data/snapshot_src/README.md. Run: .venv/bin/python scripts/build_snapshot.py
"""

from __future__ import annotations

import argparse
import gzip
import html
import re
import sys
import uuid
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

import yaml
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "data" / "snapshot_src"
OUTPUT = ROOT / "data" / "snapshot" / "snapshot.warc.gz"
SITES_FILE = ROOT / "data" / "sites.yaml"
TERMS_FILE = ROOT / "search_terms.yaml"
MANIFEST_NAME = "manifest.yaml"
SEARCH_NAME = "search_results.yaml"
LAYOUT_NAME = "_layout.html"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".gz": "application/x-gzip",
    ".pdf": "application/pdf",
}
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found",
           410: "Gone", 500: "Internal Server Error", 503: "Service Unavailable"}
# Record ids are derived from the URL so a rebuild gives the same bytes.
RECORD_NAMESPACE = uuid.UUID("6f1c3b9e-0d2a-4c71-9a55-2b8f3e7d4a10")
IMITATES = re.compile(r"^\s*<!--\s*Imitates:", re.I)
HEAD_BLOCK = re.compile(r"<head>(.*?)</head>", re.S | re.I)


class SnapshotError(ValueError):
    """The snapshot sources are inconsistent; the message names the file and problem."""


@dataclass
class Response:
    url: str
    status: int = 200
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    source: str = ""


@dataclass
class Snapshot:
    responses: dict[str, Response]
    missing: list[dict]
    manifest: dict


def url_for_source(rel: Path, literal_html_hosts: frozenset[str] = frozenset()) -> str:
    """The URL a source file is served at, by the layout convention (see README)."""
    host, *parts = rel.parts
    name = parts[-1] if parts else ""
    dirs = "/".join(parts[:-1])
    prefix = f"https://{host}/" + (dirs + "/" if dirs else "")
    if name == "index.html":
        return prefix
    if name.endswith(".html") and host not in literal_html_hosts:
        return prefix + name[: -len(".html")]
    return prefix + name


def content_type_for(url_or_name: str) -> str:
    path = urlsplit(url_or_name).path if "://" in url_or_name else url_or_name
    suffix = Path(path).suffix.lower()
    # Extensionless URLs on the sites we imitate are HTML pages.
    return CONTENT_TYPES.get(suffix, CONTENT_TYPES[".html"])


def render_html(text: str, layout: str | None, rel: Path) -> str:
    """A whole page as is, or a fragment (<head> bits + body) wrapped in the host's layout."""
    if not IMITATES.match(text):
        raise SnapshotError(f"{rel}: an HTML source must start with an '<!-- Imitates: ... -->' comment")
    stripped = re.sub(r"^\s*<!--.*?-->\s*", "", text, count=1, flags=re.S)
    if re.match(r"(?i)<!doctype|<html", stripped):
        return text
    if layout is None:
        raise SnapshotError(f"{rel}: a page fragment needs {rel.parts[0]}/{LAYOUT_NAME}")
    head_match = HEAD_BLOCK.search(stripped)
    head = head_match.group(1).strip() if head_match else ""
    main = HEAD_BLOCK.sub("", stripped, count=1).strip()
    comment = text[: len(text) - len(stripped)].strip()
    return layout.replace("{{comment}}", comment).replace("{{head}}", head).replace("{{main}}", main)


def load_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def collect(source_dir: Path = SOURCE_DIR, sites_file: Path = SITES_FILE,
            terms_file: Path = TERMS_FILE) -> Snapshot:
    """Every response of the snapshot, keyed by URL."""
    manifest = load_yaml(source_dir / MANIFEST_NAME)
    layouts = {p.parent.name: p.read_text(encoding="utf-8") for p in source_dir.glob(f"*/{LAYOUT_NAME}")}
    special = manifest.get("responses") or []
    # A file named by a manifest entry is served only at that entry's URL, unless the entry
    # is a second URL for the same page (duplicate_of), which keeps the convention URL too.
    claimed = {entry["file"] for entry in special if entry.get("file") and not entry.get("duplicate_of")}
    literal_html_hosts = frozenset(manifest.get("literal_html_hosts") or ())
    responses: dict[str, Response] = {}

    def add(response: Response):
        if response.url in responses:
            raise SnapshotError(f"{response.source}: URL {response.url} is already served by "
                                f"{responses[response.url].source}")
        responses[response.url] = response

    def read_source(rel: str | Path) -> bytes:
        rel = Path(rel)
        path = source_dir / rel
        if not path.is_file():
            raise SnapshotError(f"{MANIFEST_NAME}: no source file {rel}")
        if path.suffix == ".html":
            return render_html(path.read_text(encoding="utf-8"), layouts.get(rel.parts[0]), rel).encode("utf-8")
        return path.read_bytes()

    for path in sorted(source_dir.rglob("*")):
        rel = path.relative_to(source_dir)
        if not path.is_file() or "." not in rel.parts[0] or len(rel.parts) < 2:
            continue  # README, manifest, search list: not pages
        if path.name.startswith("_") or rel.as_posix() in claimed:
            continue
        url = url_for_source(rel, literal_html_hosts)
        add(Response(url=url, body=read_source(rel), content_type=content_type_for(path.name),
                     source=rel.as_posix()))

    for entry in special:
        url = entry["url"]
        body = read_source(entry["file"]) if entry.get("file") else entry.get("body", "").encode("utf-8")
        if entry.get("gzip"):
            body = gzip.compress(body, compresslevel=9, mtime=0)
        headers = []
        if entry.get("location"):
            headers.append(("Location", entry["location"]))
        ctype = entry.get("content_type") or (content_type_for(entry["file"]) if entry.get("file") else None)
        if entry.get("gzip"):
            ctype = entry.get("content_type", "application/x-gzip")
        add(Response(url=url, status=int(entry.get("status", 200)), body=body, content_type=ctype,
                     headers=headers, source=f"{MANIFEST_NAME}: {entry.get('why', url)}"))

    for response in search_pages(source_dir, layouts, sites_file, terms_file):
        add(response)
    return Snapshot(responses=responses, missing=manifest.get("missing") or [], manifest=manifest)


def search_pages(source_dir: Path, layouts: dict[str, str], sites_file: Path, terms_file: Path):
    """One result page per search term for every snapshot site with a search_url."""
    results = load_yaml(source_dir / SEARCH_NAME)
    sites = {s["key"]: s for s in load_yaml(sites_file).get("sites", [])}
    terms = load_yaml(terms_file).get("terms", [])
    for key, spec in (results.get("sites") or {}).items():
        site = sites.get(key)
        if site is None:
            raise SnapshotError(f"{SEARCH_NAME}: site {key!r} is not in {sites_file.name}")
        template = site.get("search_url")
        if not template:
            continue
        host = urlsplit(template).hostname
        layout = layouts.get(host)
        if layout is None:
            raise SnapshotError(f"{SEARCH_NAME}: site {key!r} has no {host}/{LAYOUT_NAME}")
        found = spec.get("results") or {}
        unknown = set(found) - {t["term"] for t in terms}
        if unknown:
            raise SnapshotError(f"{SEARCH_NAME}: site {key!r} lists unknown terms {sorted(unknown)}")
        for term in terms:
            query = term.get("search") or term["term"]
            url = template.replace("{term}", quote_plus(query))
            main = search_main(spec, query, found.get(term["term"]) or [])
            comment = f"<!-- Imitates: {spec['imitates']} (generated by scripts/build_snapshot.py) -->"
            head = f"<title>Search results for {html.escape(query)} | {html.escape(site['name'])}</title>\n" \
                   f'<meta name="robots" content="noindex, follow">'
            page = layout.replace("{{comment}}", comment).replace("{{head}}", head).replace("{{main}}", main)
            yield Response(url=url, body=page.encode("utf-8"), content_type=CONTENT_TYPES[".html"],
                           source=f"{SEARCH_NAME}: {key} / {term['term']}")


def search_main(spec: dict, query: str, hits: list[dict]) -> str:
    q = html.escape(query)
    style = spec.get("style", "list")
    lines = [f'<main id="main-content" class="search-results search-results--{style}">',
             f"<h1>Search results</h1>",
             f'<form class="site-search" action="#" method="get"><label for="q">Search</label>'
             f'<input id="q" name="q" value="{q}"><button type="submit">Search</button></form>']
    if not hits:
        lines.append(f'<p class="search-results__none">Sorry, nothing matched <strong>{q}</strong>. '
                     f"Check the spelling, try fewer words, or browse our course list.</p>")
    else:
        lines.append(f'<p class="search-results__count">{len(hits)} result{"s" if len(hits) != 1 else ""} '
                     f"for <strong>{q}</strong></p>")
        tag = "ol" if style == "list" else "div"
        lines.append(f'<{tag} class="search-results__items">')
        for hit in hits:
            title, href = html.escape(hit["title"]), html.escape(hit["url"])
            label = html.escape(hit.get("type", "Page"))
            snippet = html.escape(hit.get("snippet", ""))
            if style == "cards":
                lines.append(f'<article class="card"><span class="card__type">{label}</span>'
                             f'<h2 class="card__title"><a href="{href}">{title}</a></h2>'
                             f'<p class="card__summary">{snippet}</p></article>')
            else:
                lines.append(f'<li class="search-result"><a class="search-result__link" href="{href}">{title}</a>'
                             f'<span class="search-result__type">{label}</span>'
                             f'<p class="search-result__snippet">{snippet}</p></li>')
        lines.append(f"</{tag}>")
    lines.append("</main>")
    return "\n".join(lines)


def write_warc(snapshot: Snapshot, out: Path, warc_date: str) -> int:
    """Write one response record per URL, sorted, with fixed dates and URL-derived ids."""
    out.parent.mkdir(parents=True, exist_ok=True)
    http_date = _http_date(warc_date)
    with out.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True, warc_version="1.0")
        info = (f"software: scripts/build_snapshot.py (warcio)\r\nformat: WARC File Format 1.0\r\n"
                f"description: recorded snapshot of course-provider pages written for the crawler's tests; "
                f"every page is imitation content\r\n").encode("utf-8")
        writer.write_record(writer.create_warc_record(
            "", "warcinfo", payload=BytesIO(info), length=len(info),
            warc_headers_dict={"WARC-Record-ID": _record_id("warcinfo:" + out.name), "WARC-Date": warc_date,
                               "WARC-Filename": out.name, "Content-Type": "application/warc-fields"}))
        for url in sorted(snapshot.responses):
            response = snapshot.responses[url]
            reason = REASONS.get(response.status, "Unknown")
            headers = [("Date", http_date), ("Server", "snapshot")]
            if response.content_type:
                headers.append(("Content-Type", response.content_type))
            headers += response.headers
            headers.append(("Content-Length", str(len(response.body))))
            http_headers = StatusAndHeaders(f"{response.status} {reason}", headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=BytesIO(response.body), length=len(response.body),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Record-ID": _record_id(url), "WARC-Date": warc_date})
            writer.write_record(record)
    return len(snapshot.responses)


def _record_id(name: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(RECORD_NAMESPACE, name)}>"


def _http_date(warc_date: str) -> str:
    from datetime import datetime
    moment = datetime.strptime(warc_date, "%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%a, %d %b %Y %H:%M:%S GMT")


def build(out: Path = OUTPUT, source_dir: Path = SOURCE_DIR, sites_file: Path = SITES_FILE,
          terms_file: Path = TERMS_FILE) -> Snapshot:
    snapshot = collect(source_dir, sites_file, terms_file)
    write_warc(snapshot, out, snapshot.manifest.get("warc_date", "2025-06-02T09:00:00Z"))
    return snapshot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUTPUT, help=f"WARC file to write (default {OUTPUT})")
    args = parser.parse_args(argv)
    try:
        snapshot = build(args.out)
    except SnapshotError as exc:
        print(f"snapshot error: {exc}", file=sys.stderr)
        return 2
    hosts = sorted({urlsplit(u).hostname for u in snapshot.responses})
    print(f"wrote {len(snapshot.responses)} responses from {len(hosts)} hosts to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
