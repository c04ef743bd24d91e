"""Benchmark the review server's sign-in: what a wrong password costs for a known and an unknown
name (they should be the same), and how long another request waits during a burst of bad sign-ins.

Starts the real review server on a scratch database, with a reviewer whose hash has the
default cost (480,000 rounds), then signs in over HTTP as a browser does.

Run from the project root: .venv/bin/python bench/bench_sign_in.py [--burst 20]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from datasette_auth_passwords.utils import hash_password  # noqa: E402

from test_review_fixtures import build_review_db  # noqa: E402
from test_review_sign_in import free_port, request, sign_in  # noqa: E402


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "REVIEW_PASSWORD_HASH_ANA": hash_password("right")}
    process = subprocess.Popen([sys.executable, "-m", "crawler.review", "--db", str(db), "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the review server did not start")


def timed_sign_in(port: int, name: str, source: str) -> float:
    started = time.perf_counter()
    sign_in(port, name, "wrong", source=source)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=20, help="concurrent bad sign-ins (default 20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "courses.db"
        build_review_db(db).conn.close()
        port = free_port()
        server = start_server(db, port)
        try:
            # A fresh address per attempt, so the per-address limit does not cut the sample short.
            known = [timed_sign_in(port, "ana", f"127.0.1.{i}") for i in range(1, 8)]
            unknown = [timed_sign_in(port, "nobody", f"127.0.2.{i}") for i in range(1, 8)]
            print(f"wrong password, known name:   median {statistics.median(known) * 1000:.0f} ms")
            print(f"wrong password, unknown name: median {statistics.median(unknown) * 1000:.0f} ms")
            burst = [threading.Thread(target=timed_sign_in, args=(port, "ana", f"127.0.3.{i}"))
                     for i in range(1, args.burst + 1)]
            for thread in burst:
                thread.start()
            time.sleep(0.1)
            started = time.perf_counter()
            request(port, "GET", "/-/versions.json")
            waited = time.perf_counter() - started
            for thread in burst:
                thread.join()
            print(f"another request during {args.burst} concurrent bad sign-ins: {waited * 1000:.0f} ms")
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=15)


if __name__ == "__main__":
    main()
