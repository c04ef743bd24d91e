"""The review server (`scrapy review`) as a user runs it, on 127.0.0.1, for the browser tests and the desk benchmark."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from crawler.paths import PROJECT_ROOT

SERVER_START_TIMEOUT_S = 60
SNAPSHOT = "data/snapshot/snapshot.warc.gz"


class ServerDidNotStart(RuntimeError):
    """The review server exited or did not answer in time; the message ends with its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reviewer_environment(reviewers: dict[str, str]) -> dict[str, str]:
    """REVIEW_PASSWORD_HASH_<NAME> variables for reviewer name -> password."""
    from datasette_auth_passwords.utils import hash_password

    return {f"REVIEW_PASSWORD_HASH_{name.upper()}": hash_password(password) for name, password in reviewers.items()}


@contextmanager
def review_server(db_path: Path, reviewers: dict[str, str] | None = None, environment: dict[str, str] | None = None):
    """Yields the base URL of the review server on `db_path`; stops it with Ctrl-C afterwards.

    ``reviewers`` (name -> password) become accounts; ``environment`` adds variables as given
    (password hashes made with other settings, say)."""
    port = free_port()
    log_path = db_path.parent / "server.log"
    env = {**os.environ, **reviewer_environment(reviewers or {}), **(environment or {})}
    with log_path.open("wb") as log:
        # The module behind `scrapy review`, started without Scrapy's command loader so a
        # half-finished command elsewhere in the project cannot stop the tests.
        process = subprocess.Popen([sys.executable, "-m", "crawler.review", "--db", str(db_path), "--port", str(port)],
                                   cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_answering(base, process, log_path)
            yield base
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_answering(base: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
            return
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise ServerDidNotStart(f"scrapy review did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.2)


def snapshot_database(db_path: Path) -> Path:
    """A crawl database built as the README's first command builds it: the nightly crawl of the bundled snapshot."""
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawlall", "--replay", SNAPSHOT, "--db", str(db_path)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"crawlall --replay failed ({result.returncode}): {result.stderr[-2000:]}")
    return db_path
