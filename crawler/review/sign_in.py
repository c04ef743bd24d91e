"""Sign-in for the review server, hardened: names cannot be found by timing, attempts are limited
per client, and the slow password hash never runs on the event loop.

datasette-auth-passwords checks a known name's password with 480,000 rounds of PBKDF2 (0.2 s)
on the event loop and answers an unknown name at once, with no limit on attempts; so names
could be discovered by timing and 20 concurrent bad sign-ins stalled every other request for
seconds. The review plugin serves /-/login with this instead, using that plugin's hashes,
configuration and form.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import defaultdict, deque

from datasette_auth_passwords.utils import ALGORITHM, hash_password, verify_password

# Failed sign-ins a client (by address) may make in ATTEMPT_WINDOW_S before it is refused
# for the rest of the window: enough for a reviewer's typos, far too few to guess passwords.
MAX_FAILED_ATTEMPTS = 10
ATTEMPT_WINDOW_S = 600
# The rounds `scrapy review --hash-password` (datasette-auth-passwords) uses.
DEFAULT_ITERATIONS = 480_000


def hash_iterations(password_hash: str) -> int | None:
    parts = (password_hash or "").strip().split("$")
    if len(parts) == 4 and parts[0] == ALGORITHM and parts[1].isdigit():
        return int(parts[1])
    return None


class Verifier:
    """Checks a name and password against the accounts; an unknown name costs what a known one does."""

    def __init__(self, accounts: dict[str, str]):
        self.accounts = accounts
        rounds = [n for n in map(hash_iterations, accounts.values()) if n] or [DEFAULT_ITERATIONS]
        # A hash nobody's password matches, as costly as the costliest account's.
        self.decoy = hash_password(secrets.token_hex(16), iterations=max(rounds))

    def hash_checked_for(self, username: str) -> str:
        """The hash a sign-in as `username` is checked against: theirs, or the decoy for an unknown name."""
        known = self.accounts.get(username)
        return known if hash_iterations(known) else self.decoy

    def verify(self, username: str, password: str) -> bool:
        password_hash = self.hash_checked_for(username)
        matched = verify_password(password, password_hash)
        return matched and password_hash is not self.decoy


class AttemptLimiter:
    """Failed sign-ins per client in a sliding window; `now` is a parameter so it can be tested."""

    def __init__(self, max_failed: int = MAX_FAILED_ATTEMPTS, window_s: float = ATTEMPT_WINDOW_S):
        self.max_failed, self.window_s = max_failed, window_s
        self.failures: dict[str, deque] = defaultdict(deque)

    def _recent(self, client: str, now: float) -> deque:
        failures = self.failures[client]
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        return failures

    def retry_after(self, client: str, now: float) -> int:
        """Seconds until `client` may try again; 0 when it may try now."""
        failures = self._recent(client, now)
        if len(failures) < self.max_failed:
            return 0
        return max(1, int(failures[0] + self.window_s - now) + 1)

    def start(self, client: str, now: float) -> None:
        """Counted as a failure from the start, so a burst of concurrent attempts is limited too."""
        self._recent(client, now).append(now)

    def succeeded(self, client: str) -> None:
        self.failures.pop(client, None)


def accounts_from_config(config: dict) -> dict[str, str]:
    return {key.split("_password_hash")[0]: value for key, value in (config or {}).items()
            if key.endswith("_password_hash") and value}


async def sign_in(request, datasette, limiter: AttemptLimiter, verifiers: dict):
    """The /-/login page: the form, and on POST a sign-in that is rate-limited and checked off the event loop."""
    from datasette.utils.asgi import Response

    config = datasette.plugin_config("datasette-auth-passwords") or {}
    accounts = accounts_from_config(config)
    error, status, headers = None, 200, {}
    if not accounts:
        error = "This instance does not have any configured accounts"
    if request.method == "POST":
        client = (request.scope.get("client") or ("unknown",))[0]
        wait = limiter.retry_after(client, time.monotonic())
        if wait:
            error, status = f"Too many failed sign-ins from your address; try again in {wait // 60 + 1} minutes.", 429
            headers["Retry-After"] = str(wait)
        else:
            limiter.start(client, time.monotonic())
            post = await request.post_vars()
            username, password = post.get("username") or "", post.get("password") or ""
            key = tuple(sorted(accounts.items()))
            verifier = verifiers.get(key) or verifiers.setdefault(key, await asyncio.to_thread(Verifier, accounts))
            # PBKDF2 takes 0.2 s: in a worker thread, so other requests are served meanwhile.
            if await asyncio.to_thread(verifier.verify, username, password):
                limiter.succeeded(client)
                actor = (config.get("actors") or {}).get(username) or {"id": username}
                response = Response.redirect(datasette.urls.path("/"))
                response.set_cookie("ds_actor", datasette.sign({"a": actor}, "actor"))
                return response
            error = "Invalid username or password"
    return Response.html(await datasette.render_template("password_login.html", {"error": error}, request=request),
                         status=status, headers=headers)
