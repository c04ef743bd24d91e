"""Signing in to the review server: names cannot be told apart by cost, attempts are limited per
client, the password hash runs off the event loop, and reviewer names are plain ASCII.

The server tests start the real review server (the module behind `scrapy review`) on 127.0.0.1
and sign in over HTTP, with Datasette's CSRF token, as a browser does."""

import http.client
import re
import threading
import time
import urllib.parse

import pytest
from datasette_auth_passwords.utils import hash_password

from crawler.review.sign_in import AttemptLimiter, Verifier, hash_iterations
from test_review_fixtures import build_review_db
from tests.support.review_server import ServerDidNotStart, review_server
from tests.support.scrapy_run import run_scrapy

# Cheap hashes keep the tests quick; "slow" costs about a second, to show the loop stays free.
FAST_ROUNDS, SLOW_ROUNDS = 1_000, 2_400_000


# -- the rules, as pure functions -----------------------------------------------------------------

def test_an_unknown_name_is_checked_against_a_hash_as_costly_as_a_real_one():
    verifier = Verifier({"ana": hash_password("right", iterations=FAST_ROUNDS),
                         "ben": hash_password("other", iterations=FAST_ROUNDS * 3)})
    costs = {name: hash_iterations(verifier.hash_checked_for(name)) for name in ("ana", "ben", "nobody", "")}
    assert costs == {"ana": FAST_ROUNDS, "ben": FAST_ROUNDS * 3, "nobody": FAST_ROUNDS * 3, "": FAST_ROUNDS * 3}
    assert verifier.verify("ana", "right") and not verifier.verify("ana", "wrong")
    assert not verifier.verify("nobody", "right") and not verifier.verify("nobody", "")


def test_failed_attempts_are_limited_per_client_for_a_window():
    limiter = AttemptLimiter(max_failed=3, window_s=60)
    for now in (0, 1, 2):
        assert limiter.retry_after("10.0.0.1", now) == 0
        limiter.start("10.0.0.1", now)
    assert limiter.retry_after("10.0.0.1", 3) == 58      # until the first failure leaves the window
    assert limiter.retry_after("10.0.0.2", 3) == 0       # another client is not held back
    assert limiter.retry_after("10.0.0.1", 61) == 0      # the window has moved on
    limiter.succeeded("10.0.0.1")
    assert limiter.failures.get("10.0.0.1") is None


@pytest.mark.parametrize("name, accepted", [
    ("ana", True), ("ana_maria", True), ("A2", True),
    ("jos\u00e9", False), ("ana-maria", False), ("ana maria", False), ("2ana", False), ("_ana", False),
    ("\u0430na", False),   # a Cyrillic "а"
    ("x" * 41, False),
])
def test_reviewer_names_are_ascii_letters_digits_and_underscores(name, accepted):
    from scrapy.exceptions import UsageError

    from crawler.commands.review import hash_password_line

    if accepted:
        line = hash_password_line(name, "secret")
        assert re.fullmatch(r"export REVIEW_PASSWORD_HASH_[A-Z0-9_]+='pbkdf2_sha256\$[^']+'", line)
    else:
        with pytest.raises(UsageError, match="reviewer names start with a letter"):
            hash_password_line(name, "secret")


def test_the_hash_password_line_for_a_bad_name_is_refused_before_asking_for_a_password():
    result = run_scrapy("review", "--hash-password", "jos\u00e9")
    assert result.returncode == 2
    assert "reviewer names start with a letter" in result.stderr and "Password" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


# -- the real server --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("sign-in") / "courses.db"
    build_review_db(path).conn.close()
    hashes = {"REVIEW_PASSWORD_HASH_ANA": hash_password("right", iterations=FAST_ROUNDS),
              "REVIEW_PASSWORD_HASH_BEN": hash_password("right", iterations=FAST_ROUNDS),
              "REVIEW_PASSWORD_HASH_SLOW": hash_password("right", iterations=SLOW_ROUNDS)}
    try:
        with review_server(path, environment=hashes) as base:
            yield urllib.parse.urlsplit(base).port
    except ServerDidNotStart as exc:
        pytest.fail(f"review server did not start: {exc}")


def request(port, method, path, body=None, headers=None, source="127.0.0.1"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def sign_in(port, username, password, source="127.0.0.1"):
    """GET the form for its CSRF token, then POST it as a browser does; returns (status, headers)."""
    status, headers, page = request(port, "GET", "/-/login", source=source)
    token = re.search(r'name="csrftoken" value="([^"]+)"', page).group(1)
    cookie = "; ".join(value.split(";", 1)[0] for name, value in headers if name.lower() == "set-cookie")
    body = urllib.parse.urlencode({"username": username, "password": password, "csrftoken": token})
    status, headers, page = request(port, "POST", "/-/login", body=body, source=source, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    return status, dict((k.lower(), v) for k, v in headers), page


def test_a_reviewer_signs_in_and_a_wrong_password_is_refused(server):
    status, headers, _ = sign_in(server, "ana", "right", source="127.0.0.3")
    assert status == 302 and "ds_actor=" in headers.get("set-cookie", "")
    status, headers, page = sign_in(server, "ana", "wrong", source="127.0.0.3")
    assert status == 200 and "Invalid username or password" in page and "ds_actor=" not in headers.get("set-cookie", "")


def test_after_ten_failed_attempts_a_client_is_refused_even_with_the_right_password(server):
    for _ in range(10):
        assert sign_in(server, "ben", "guess", source="127.0.0.4")[0] == 200
    status, headers, page = sign_in(server, "ben", "right", source="127.0.0.4")
    assert status == 429 and int(headers["retry-after"]) > 0 and "Too many failed sign-ins" in page
    # Another address is not held back.
    assert sign_in(server, "ben", "right", source="127.0.0.5")[0] == 302


def test_the_password_hash_runs_off_the_event_loop(server):
    finished = []

    def slow_sign_in():
        sign_in(server, "slow", "wrong", source="127.0.0.6")
        finished.append("sign-in")

    attempts = [threading.Thread(target=slow_sign_in) for _ in range(3)]
    for thread in attempts:
        thread.start()
    time.sleep(0.5)  # let the three sign-ins reach their (one second each) hash
    status, _, _ = request(server, "GET", "/-/versions.json")
    finished.append("other request")
    for thread in attempts:
        thread.join(timeout=60)
    assert status == 200
    # A hash on the event loop would hold every other request until it was done.
    assert finished[0] == "other request", finished
