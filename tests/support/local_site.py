"""A real HTTP server on 127.0.0.1 that plays a small website from a dict of pages."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietThreadingServer(ThreadingHTTPServer):
    # http.server's default backlog of 5 stalls a concurrent crawl.
    request_queue_size = 256
    daemon_threads = True


class LocalSite:
    """Serve ``pages`` ({path: (status, headers, body)}) until stopped; records every path asked for.

    With ``validators=True`` each 200 carries an ETag and answers If-None-Match with 304,
    as a real site's web server does. ``delay`` seconds are slept before each answer, or
    ``delays[path]`` seconds before the answer to that path.
    """

    def __init__(self, pages: dict[str, tuple[int, dict, bytes]], validators: bool = False, delay: float = 0.0,
                 delays: dict[str, float] | None = None):
        self.pages = pages
        self.delays = delays or {}
        self.requests: list[str] = []
        self.not_modified = 0
        self.validators = validators
        self.delay = delay
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                site.requests.append(self.path)
                delay = site.delays.get(self.path, site.delay)
                if delay:
                    time.sleep(delay)
                status, headers, body = site.pages.get(self.path, (404, {"Content-Type": "text/html"}, b"not here"))
                headers = dict(headers)
                if site.validators and status == 200:
                    etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                    headers["ETag"] = etag
                    if self.headers.get("If-None-Match") == etag:
                        site.not_modified += 1
                        status, body = 304, b""
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = QuietThreadingServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def html(body: str, title: str = "Page") -> tuple[int, dict, bytes]:
    page = f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>"
    return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()
