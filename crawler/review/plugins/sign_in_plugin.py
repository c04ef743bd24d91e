"""Datasette plugin: /-/login served by crawler.review.sign_in (rate-limited, constant-cost, off the event loop).

Plugins loaded from the plugins directory register after installed ones and pluggy calls the
last registered first, so this route is listed before datasette-auth-passwords' own /-/login.
"""

from datasette import hookimpl

from crawler.review.sign_in import AttemptLimiter, sign_in

# One limiter per server process: attempts are counted across every request it serves.
LIMITER = AttemptLimiter()
VERIFIERS: dict = {}


@hookimpl
def register_routes():
    async def login(request, datasette):
        return await sign_in(request, datasette, LIMITER, VERIFIERS)

    return [(r"^/-/login$", login)]
