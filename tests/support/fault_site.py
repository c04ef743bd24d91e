"""Misbehaving websites on real HTTP servers, one site per loopback address (127.0.0.x).

Each site has a robots.txt, a home page, a course A-Z, one course page that works and the
fault it plays. The pages imitate a university's course pages (key-facts table, entry
requirements, modules) in our own words. `fault_sites()` builds the set the fault tests
crawl; `FOREIGN_HOST` is a site no crawl may ever ask for anything.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from tests.support.local_site import QuietThreadingServer

# Seconds the slow page takes; the fault tests set DOWNLOAD_TIMEOUT to 2.
SLOW_SECONDS = 4
# The huge page and what the gzip bomb inflates to; the fault tests set DOWNLOAD_MAXSIZE to 5 MB.
HUGE_BYTES = 20 * 1024 * 1024
BOMB_BYTES = 16 * 1024 * 1024
SITE_KEYS = ("healthy_uni", "errors_uni", "busy_uni", "slow_uni", "loop_uni", "trap_uni", "huge_uni", "bomb_uni",
             "charset_uni", "binary_uni", "badmap_uni", "robots_uni", "vanishing_uni")
FIRST_HOST = 10  # sites live on 127.0.0.10, .11, ...
FOREIGN_HOST = "127.0.0.99"

Route = tuple[int, dict, bytes] | Callable[["BaseHTTPRequestHandler", str], None]


class FaultServer(QuietThreadingServer):
    # A client that gives up on a slow or huge answer breaks the pipe; that is the point, not news.
    def handle_error(self, request, client_address):
        pass


class FaultSite:
    """Serve ``routes`` ({path or path?query: (status, headers, body) or handler}) on one loopback address."""

    def __init__(self, key: str, host: str, routes: dict[str, Route] | None = None, validators: bool = False):
        self.key = key
        self.validators = validators
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                site.requests.append(self.path)
                route = site.routes.get(self.path) or site.routes.get(urlsplit(self.path).path)
                if route is None:
                    route = (404, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>Page not found</h1>")
                if callable(route):
                    route(self, self.path)
                elif site.validators:
                    send_revalidated(self, *route)
                else:
                    send(self, *route)

            def log_message(self, *args):
                pass

        self.server = FaultServer((host, 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.running = False

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def host(self) -> str:
        return self.server.server_address[0]

    def start(self):
        self.thread.start()
        self.running = True

    def stop(self):
        """Take the site off the network: its address then refuses connections."""
        if self.running:
            self.server.shutdown()
            self.server.server_close()
            self.running = False


def send(handler, status: int, headers: dict, body: bytes):
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


# Pages of a site with validators last changed at this time.
LAST_MODIFIED = "Mon, 02 Nov 2026 09:00:00 GMT"


def send_revalidated(handler, status: int, headers: dict, body: bytes):
    """Send with ETag and Last-Modified, and answer a matching If-None-Match with 304, as most web servers do."""
    if status != 200:
        send(handler, status, headers, body)
        return
    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
    headers = {**headers, "ETag": etag, "Last-Modified": LAST_MODIFIED}
    if handler.headers.get("If-None-Match") == etag:
        send(handler, 304, {"ETag": etag, "Last-Modified": LAST_MODIFIED}, b"")
    else:
        send(handler, 200, headers, body)


# -- pages ------------------------------------------------------------------

def html_page(title: str, body: str, charset: str | None = "utf-8", encoding: str = "utf-8") -> tuple[int, dict, bytes]:
    page = f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>"
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    return 200, {"Content-Type": content_type}, page.encode(encoding)


def course_html(award: str, title: str, lead: str) -> str:
    """The body of a course page, laid out like most UK university course pages."""
    return f"""
      <header><nav><a href="/">Home</a> <a href="/courses/a-z">Courses A-Z</a></nav></header>
      <main><h1>{award} {title}</h1><p class="intro">{lead}</p>
      <table class="course-facts">
        <tr><th>Award</th><td>{award}</td></tr>
        <tr><th>Duration</th><td>1 year full-time, 2 years part-time</td></tr>
        <tr><th>Study mode</th><td>Part-time, blended learning</td></tr>
        <tr><th>Fees</th><td>UK: £8,950; International: £15,400</td></tr>
      </table>
      <h2>Entry requirements</h2><p>An honours degree (2:2 or above) in nursing, medicine or an allied health
      profession, and current registration with the NMC, GMC or HCPC.</p>
      <h2>Modules</h2><ul><li>Quality Improvement in Health Care</li><li>Implementation Science in Practice</li>
      <li>Measuring Change in Clinical Services</li></ul></main>"""


def course(award: str, title: str, lead: str, **options) -> tuple[int, dict, bytes]:
    return html_page(f"{award} {title} | Courses", course_html(award, title, lead), **options)


def listing(links: dict[str, str]) -> tuple[int, dict, bytes]:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links.items())
    return html_page("Courses A-Z", f"<main><h1>Courses A-Z</h1><ul>{items}</ul></main>")


def robots(origin: str, disallow: str = "/private/", sitemap: str | None = "/sitemap.xml") -> tuple[int, dict, bytes]:
    text = f"User-agent: *\nDisallow: {disallow}\n"
    if sitemap:
        text += f"Sitemap: {origin}{sitemap}\n"
    return 200, {"Content-Type": "text/plain"}, text.encode()


def sitemap(urls: list[str]) -> tuple[int, dict, bytes]:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    body = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    return 200, {"Content-Type": "application/xml"}, body.encode()


def gzip_bomb() -> bytes:
    """A gzip file that starts like a sitemap and inflates to BOMB_BYTES of blanks (about 16 KB on the wire)."""
    head = b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    return gzip.compress(head + b" " * BOMB_BYTES, compresslevel=9)


def png_bytes() -> bytes:
    """A real 1x1 PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


# -- fault handlers --------------------------------------------------------------

def slow(handler, path):
    time.sleep(SLOW_SECONDS)
    send(handler, *course("MSc", "Patient Safety Leadership", "Arrives after the crawler has given up."))


def huge(with_length: bool):
    def answer(handler, path):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        if with_length:
            handler.send_header("Content-Length", str(HUGE_BYTES))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        block = b"<p>" + b"Improvement science course catalogue. " * 1700 + b"</p>\n"
        sent = 0
        while sent < HUGE_BYTES:
            part = block[: HUGE_BYTES - sent]
            handler.wfile.write(part)
            sent += len(part)
    return answer


def calendar(handler, path):
    """An open-days calendar whose every month links the months either side, for ever."""
    month = int(parse_qs(urlsplit(path).query).get("month", ["0"])[0])
    body = (f'<main><h1>Open days: month {month}</h1><p>Come and meet the course team.</p>'
            f'<a href="/courses/open-days?month={month - 1}">Previous month</a> '
            f'<a href="/courses/open-days?month={month + 1}">Next month</a></main>')
    send(handler, *html_page(f"Open days {month}", body))


def endless_redirect(handler, path):
    hop = int(parse_qs(urlsplit(path).query).get("hop", ["0"])[0])
    send(handler, 302, {"Location": f"/courses/pgcert-endless?hop={hop + 1}"}, b"")


# -- the sites ---------------------------------------------------------------------

def basic_site(site: FaultSite, good_slug: str, links: dict[str, str] | None = None,
               course_routes: dict[str, Route] | None = None):
    """robots.txt, sitemap, home, A-Z and one working course page, plus the site's own routes."""
    origin = site.origin
    good = f"/courses/{good_slug}"
    a_to_z = {good: f"MSc Improvement Science ({site.key})", **(links or {})}
    site.routes.update({
        "/robots.txt": robots(origin),
        "/sitemap.xml": sitemap([f"{origin}{good}"]),
        "/": html_page("Home", '<main><h1>Welcome</h1><a href="/courses/a-z">Find a course</a></main>'),
        "/courses/a-z": listing(a_to_z),
        good: course("MSc", "Improvement Science", f"A part-time master's in quality improvement for NHS staff at {site.key}."),
        **(course_routes or {}),
    })


def fault_sites() -> tuple[dict[str, FaultSite], FaultSite]:
    """The sites (by registry key) and the foreign site, built but not started."""
    hosts = iter(f"127.0.0.{FIRST_HOST + n}" for n in range(len(SITE_KEYS)))
    foreign = FaultSite("foreign", FOREIGN_HOST)
    foreign.routes["/courses/partner-improvement-msc"] = course(
        "MSc", "Improvement Science (partner)", "Another provider's course; outside every allowed domain.")
    foreign_url = f"{foreign.origin}/courses/partner-improvement-msc"
    # The sites a second night revisits send validators, so their pages sit in the HTTP cache.
    sites = {key: FaultSite(key, next(hosts), validators=key in ("healthy_uni", "vanishing_uni")) for key in SITE_KEYS}

    healthy = sites["healthy_uni"]
    healthy_courses = {
        "msc-improvement-science": ("MSc", "Improvement Science", "For clinicians who lead improvement projects."),
        "pgcert-implementation-science": ("PgCert", "Implementation Science", "Putting research evidence into NHS practice."),
        "mres-health-services-research": ("MRes", "Health Services Research", "Evaluating changes to health and social care."),
        "pgdip-quality-improvement": ("PgDip", "Quality Improvement", "Improvement methods for nurses and midwives."),
        "msc-patient-safety": ("MSc", "Patient Safety and Quality", "Safer care through measurement for improvement."),
    }
    healthy.routes.update({
        "/robots.txt": robots(healthy.origin),
        "/sitemap.xml": sitemap([f"{healthy.origin}/courses/{slug}" for slug in healthy_courses] + [foreign_url]),
        "/": html_page("Home", f'<main><a href="/courses/a-z">Courses</a> <a href="{foreign_url}">Partner MSc Improvement Science</a></main>'),
        "/courses/a-z": listing({**{f"/courses/{slug}": f"{a} {t}" for slug, (a, t, _) in healthy_courses.items()},
                                 foreign_url: "MSc Improvement Science with our partner"}),
        **{f"/courses/{slug}": course(*facts) for slug, facts in healthy_courses.items()},
    })

    basic_site(sites["errors_uni"], "msc-quality-errors", {
        "/courses/msc-server-error": "MSc Improvement Science (server error)",
        "/courses/pgcert-unavailable": "PgCert Implementation Science (unavailable)",
    }, {
        "/courses/msc-server-error": (500, {"Content-Type": "text/html"}, b"<h1>Internal Server Error</h1>"),
        "/courses/pgcert-unavailable": (503, {"Content-Type": "text/html"}, b"<h1>Service Unavailable</h1>"),
    })
    basic_site(sites["busy_uni"], "msc-quality-busy", {"/courses/pgdip-busy": "PgDip Quality Improvement (busy)"}, {
        "/courses/pgdip-busy": (429, {"Content-Type": "text/html", "Retry-After": "1"}, b"<h1>Too Many Requests</h1>"),
    })
    basic_site(sites["slow_uni"], "msc-quality-slow", {"/courses/msc-slow": "MSc Patient Safety (slow)"},
               {"/courses/msc-slow": slow})
    loop = sites["loop_uni"]
    basic_site(loop, "msc-quality-loop", {
        "/courses/msc-loop-a": "MSc Improvement Science (loop)",
        "/courses/pgcert-endless?hop=0": "PgCert Implementation Science (endless redirects)",
        "/courses/msc-moved-away": "MSc Quality Improvement (moved to a partner)",
    }, {
        "/courses/msc-loop-a": (302, {"Location": "/courses/msc-loop-b"}, b""),
        "/courses/msc-loop-b": (302, {"Location": f"{loop.origin}/courses/msc-loop-a"}, b""),
        "/courses/pgcert-endless": endless_redirect,
        "/courses/msc-moved-away": (301, {"Location": foreign_url}, b""),
    })
    basic_site(sites["trap_uni"], "msc-quality-trap", {"/courses/open-days?month=0": "Course open days calendar"},
               {"/courses/open-days": calendar})
    basic_site(sites["huge_uni"], "msc-quality-huge", {
        "/courses/msc-huge": "MSc Improvement Science (20 MB)",
        "/courses/pgcert-huge-stream": "PgCert Implementation Science (20 MB, no length)",
    }, {"/courses/msc-huge": huge(with_length=True), "/courses/pgcert-huge-stream": huge(with_length=False)})
    bomb = sites["bomb_uni"]
    basic_site(bomb, "msc-quality-bomb", course_routes={
        "/robots.txt": robots(bomb.origin, sitemap="/sitemap.xml.gz"),
        "/sitemap.xml.gz": (200, {"Content-Type": "application/x-gzip"}, gzip_bomb()),
        "/sitemap-courses.xml": (200, {"Content-Type": "application/xml", "Content-Encoding": "gzip"}, gzip_bomb()),
    })
    basic_site(sites["charset_uni"], "msc-quality-charset", {
        "/courses/msc-latin": "MSc Improvement Science (cp1252 labelled utf-8)",
        "/courses/pgcert-unlabelled": "PgCert Implementation Science (no charset)",
    }, {
        "/courses/msc-latin": course("MSc", "Improvement Science – Café Sessions",
                                     "Fees £8,950; taught in Camberwell’s clinics.", encoding="cp1252"),
        "/courses/pgcert-unlabelled": course("PgCert", "Implementation Science – Evening Study",
                                             "Fees £4,200 for the whole certificate.", charset=None, encoding="cp1252"),
    })
    basic_site(sites["binary_uni"], "msc-quality-binary", {"/courses/msc-brochure": "MSc Improvement Science brochure"}, {
        "/courses/msc-brochure": (200, {"Content-Type": "text/html; charset=utf-8"}, png_bytes()),
    })
    badmap = sites["badmap_uni"]
    basic_site(badmap, "msc-quality-badmap", course_routes={
        # A CMS that answers a missing sitemap with its HTML error page and a 200.
        "/sitemap.xml": (200, {"Content-Type": "application/xml"},
                         b"<html><body><h1>Sorry, we could not find that page</h1></body></html>"),
    })
    forbidden = sites["robots_uni"]
    basic_site(forbidden, "msc-quality-robots", {
        "/courses/msc-forbidden": "MSc Improvement Science (robots.txt forbids)",
        "/study/msc-quality-allowed": "MSc Quality Improvement (allowed)",
    }, {
        "/robots.txt": robots(forbidden.origin, disallow="/courses/", sitemap=None),
        "/courses/msc-forbidden": course("MSc", "Improvement Science", "robots.txt forbids this page."),
        "/study/a-z": listing({"/courses/msc-forbidden": "MSc Improvement Science (robots.txt forbids)",
                               "/study/msc-quality-allowed": "MSc Quality Improvement (allowed)"}),
        "/study/msc-quality-allowed": course("MSc", "Quality Improvement", "A page robots.txt allows."),
    })
    basic_site(sites["vanishing_uni"], "msc-quality-vanishing")
    return sites, foreign


def registry_entry(site: FaultSite) -> dict:
    """The site's entry in a temporary data/sites.yaml."""
    origin = site.origin
    entry = {
        "key": site.key, "name": site.key.replace("_", " ").title(), "region": "south", "kind": "university",
        "home": f"{origin}/", "allowed_domains": [site.host], "listings": [f"{origin}/courses/a-z"],
        "follow": ["/courses/", "/study/"],
    }
    if site.key == "bomb_uni":
        entry["sitemaps"] = [f"{origin}/sitemap-courses.xml"]
    if site.key == "robots_uni":
        entry["listings"] = [f"{origin}/study/a-z"]
    if site.key == "trap_uni":
        entry["max_depth"] = 100  # the trap must be cut by the link-trap guard, not by the depth cap
    return entry
