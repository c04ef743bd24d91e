"""A generated university website for crawl benchmarks, and a threaded HTTP server that serves it.

The site: robots.txt naming a sitemap, a home page, a paged course A-Z (50 courses a page),
N course pages of 10-20 KB each built the way UK university course pages are (mega-menu
navigation, breadcrumbs, a key-facts table, overview, modules, entry requirements, fees,
related courses, a long footer), and a few non-course pages the menus link to. About one
course in five is a health or social care improvement course; the rest are other subjects.
Pages are deterministic, so a second night over the same site sees unchanged pages.

The server answers with ETag and Last-Modified and honours If-None-Match and
If-Modified-Since with 304, as a real site's web server does.
"""

from __future__ import annotations

import hashlib
import random
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

PAGE_SIZE = 50  # courses per A-Z page
# What "unchanged" pages say about caching; max-age=0 makes a client revalidate each night.
DEFAULT_CACHE_CONTROL = "max-age=0"
LAST_MODIFIED = formatdate(1_793_000_000, usegmt=True)  # a fixed date in 2026

HEALTH_TITLES = [
    "Improvement Science", "Quality Improvement in Healthcare", "Implementation Science", "Patient Safety",
    "Healthcare Leadership", "Advanced Clinical Practice", "Public Health", "Health Services Research",
    "Evidence-Based Practice", "Social Work Leadership", "Clinical Research", "Nursing Practice Development",
]
OTHER_TITLES = [
    "Mechanical Engineering", "Medieval History", "Software Engineering", "Financial Management", "Architecture",
    "Creative Writing", "Data Science", "Marketing", "International Relations", "Civil Engineering",
    "Film Studies", "Chemistry", "Music Technology", "Law", "Economics", "Physics", "Fashion Design",
]
AWARDS = ["MSc", "MA", "PgCert", "PgDip", "MRes", "BSc (Hons)", "short course"]
WORDS = ("students learn through seminars, workshops and supervised projects with partner organisations across "
         "the region while building the skills employers value most in a changing sector and reflecting on their "
         "own practice with tutors who are active researchers").split()
MENU = ["/about", "/research", "/news", "/contact", "/study/undergraduate", "/study/postgraduate",
        "/study/international", "/life/accommodation", "/life/sport", "/life/support"]


def listing_path(page: int) -> str:
    return "/courses/a-z" if page == 1 else f"/courses/a-z?page={page}"


class BenchSite:
    """Every page of the site, built once: {path: (content type, body, etag)}."""

    def __init__(self, pages: int, seed: int = 7):
        self.course_count = pages
        rng = random.Random(seed)
        self.courses = [self._course_meta(i, rng) for i in range(pages)]
        self.pages: dict[str, tuple[str, bytes, str]] = {}
        for i, meta in enumerate(self.courses):
            self._add(meta["path"], "text/html; charset=utf-8", self._course_page(i, meta, rng))
        listing_pages = (pages + PAGE_SIZE - 1) // PAGE_SIZE
        for page in range(1, listing_pages + 1):
            self._add(listing_path(page), "text/html; charset=utf-8", self._listing(page, listing_pages))
        for path in ["/", *MENU]:
            self._add(path, "text/html; charset=utf-8", self._plain_page(path))

    def with_origin(self, origin: str):
        """Add robots.txt and the sitemap, which name absolute URLs."""
        self._add("/robots.txt", "text/plain", f"User-agent: *\nDisallow: /search\nSitemap: {origin}/sitemap.xml\n".encode())
        entries = "".join(f"<url><loc>{origin}{c['path']}</loc><lastmod>2026-10-01</lastmod></url>" for c in self.courses)
        self._add("/sitemap.xml", "application/xml", (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{entries}</urlset>").encode())

    def _add(self, path: str, content_type: str, body: bytes):
        self.pages[path] = (content_type, body, '"' + hashlib.sha1(body).hexdigest()[:20] + '"')

    @staticmethod
    def _course_meta(i: int, rng: random.Random) -> dict:
        health = i % 5 == 0
        subject = rng.choice(HEALTH_TITLES if health else OTHER_TITLES)
        award = rng.choice(AWARDS)
        slug = f"{award}-{subject}".lower().replace(" ", "-").replace("(", "").replace(")", "")
        return {"award": award, "subject": subject, "health": health, "path": f"/courses/{slug}-{i}"}

    def _nav(self) -> str:
        menu = "".join(f'<li><a href="{p}">{p.strip("/").replace("/", " ").title()}</a></li>' for p in MENU)
        return (f'<header class="site-header"><div class="cookie-banner">We use cookies to improve your experience. '
                f'<button>Accept all</button></div><nav class="mega-menu"><ul>{menu}'
                f'<li><a href="/courses/a-z">Courses A-Z</a></li></ul></nav></header>')

    @staticmethod
    def _footer() -> str:
        links = "".join(f'<li><a href="{p}">{p.strip("/").title()}</a></li>' for p in MENU)
        return (f'<footer><ul>{links}</ul><p>Registered charity number 1234567. Copyright 2026. '
                "Privacy notice, modern slavery statement, freedom of information, accessibility.</p></footer>")

    @staticmethod
    def _paragraphs(rng: random.Random, count: int) -> str:
        return "".join("<p>" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 110))).capitalize() + ".</p>"
                       for _ in range(count))

    def _course_page(self, i: int, meta: dict, rng: random.Random) -> bytes:
        award, subject = meta["award"], meta["subject"]
        title = f"{award} {subject}"
        focus = ("for nurses, doctors and allied health professionals who lead quality improvement in NHS services"
                 if meta["health"] else "for graduates who want a career in the field")
        related = "".join(f'<li><a href="{self.courses[(i + k * 97) % self.course_count]["path"]}">'
                          f'{self.courses[(i + k * 97) % self.course_count]["award"]} '
                          f'{self.courses[(i + k * 97) % self.course_count]["subject"]}</a></li>' for k in (1, 2, 3))
        modules = "".join(f"<li>{subject} in practice {n}</li>" for n in range(1, rng.randint(5, 9)))
        body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | Bench University</title>
<meta name="description" content="{title}: a course {focus}."><link rel="canonical" href="{meta['path']}"></head>
<body>{self._nav()}<nav class="breadcrumb"><a href="/">Home</a> / <a href="/courses/a-z">Courses</a> / {title}</nav>
<main><h1>{title}</h1><p class="lead">A {award} {focus}.</p>
<table class="key-facts"><tr><th>Award</th><td>{award}</td></tr><tr><th>Duration</th><td>1 year full-time, 2 years part-time</td></tr>
<tr><th>Study mode</th><td>Full-time, part-time</td></tr><tr><th>Start date</th><td>September 2027</td></tr>
<tr><th>Fees</th><td>UK: £{9000 + i % 7 * 250:,}; International: £{16000 + i % 5 * 500:,}</td></tr></table>
<section id="overview"><h2>Overview</h2>{self._paragraphs(rng, rng.randint(10, 24))}</section>
<section id="modules"><h2>Modules</h2><ul>{modules}</ul></section>
<section id="entry"><h2>Entry requirements</h2><p>A 2:1 honours degree or equivalent professional experience.</p></section>
<section id="careers"><h2>Careers</h2>{self._paragraphs(rng, 3)}</section>
<aside><h2>Related courses</h2><ul>{related}</ul></aside></main>{self._footer()}</body></html>"""
        return body.encode()

    def _listing(self, page: int, last: int) -> bytes:
        chunk = self.courses[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        items = "".join(f'<li><a href="{c["path"]}">{c["award"]} {c["subject"]}</a></li>' for c in chunk)
        pager = "".join(f'<a href="{listing_path(p)}">{p}</a> ' for p in (page - 1, page + 1) if 1 <= p <= last)
        return (f'<!doctype html><html><head><meta charset="utf-8"><title>Courses A-Z, page {page}</title></head>'
                f'<body>{self._nav()}<main><h1>Courses A-Z</h1><ul class="course-list">{items}</ul>'
                f'<nav class="pager">{pager}</nav></main>{self._footer()}</body></html>').encode()

    def _plain_page(self, path: str) -> bytes:
        name = path.strip("/").replace("/", " ").title() or "Home"
        return (f'<!doctype html><html><head><meta charset="utf-8"><title>{name}</title></head><body>{self._nav()}'
                f'<main><h1>{name}</h1><p>Find a course in our <a href="/courses/a-z">A-Z</a>.</p></main>'
                f'{self._footer()}</body></html>').encode()


class BenchServer(ThreadingHTTPServer):
    # python3 -m http.server's backlog of 5 stalls a concurrent crawl.
    request_queue_size = 1024
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a crawler closing a keep-alive connection is not news


def write_registry(path, origin: str, pages: int):
    """A one-site registry (key bench_uni) for the generated site; caps set high enough to crawl it all."""
    path.write_text(yaml.safe_dump({"sites": [{
        "key": "bench_uni", "name": "Bench University", "region": "south", "kind": "university",
        "home": f"{origin}/", "allowed_domains": ["127.0.0.1"], "sitemaps": [f"{origin}/sitemap.xml"],
        "listings": [f"{origin}/courses/a-z"], "follow": ["/courses/"],
        "max_pages": pages * 2 + 100, "max_depth": 10,
    }]}))
    return path


def serve(site: BenchSite, cache_control: str = DEFAULT_CACHE_CONTROL, host: str = "127.0.0.1"):
    """Start serving the site on a free port; returns (server, counters)."""
    counters = {"requests": 0, "not_modified": 0, "body_bytes": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            page = site.pages.get(self.path)
            if page is None:
                self._send(404, "text/html", b"<h1>Not found</h1>", {})
                return
            content_type, body, etag = page
            validators = {"ETag": etag, "Last-Modified": LAST_MODIFIED, "Cache-Control": cache_control}
            unchanged = self.headers.get("If-None-Match") == etag or (
                self.headers.get("If-None-Match") is None and self.headers.get("If-Modified-Since") == LAST_MODIFIED)
            if unchanged:
                self._send(304, None, b"", validators)
            else:
                self._send(200, content_type, body, validators)

        def _send(self, status, content_type, body, headers):
            with lock:
                counters["requests"] += 1
                counters["not_modified"] += status == 304
                counters["body_bytes"] += len(body)
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = BenchServer((host, 0), Handler)
    site.with_origin(f"http://{host}:{server.server_address[1]}")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, counters
