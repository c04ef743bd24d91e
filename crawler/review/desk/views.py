"""The desk's pages as Datasette route handlers: queue, card, archived page, decisions, undo, bulk duplicates."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl

from datasette import Response

from crawler.review.desk import card as cards
from crawler.review.desk.archived import ARCHIVED_PAGE_HEADERS, NotArchived, find_archive, read_archived_page
from crawler.review.desk.decide import (ACTIONS, DONE_WORDS, UNDO_QUERY, Decision, Refused, decision_from_form,
                                        last_decision, record)
from crawler.review.desk.providers import same_provider_from_registry
from crawler.review.desk.queue import (KIND_LABELS, BadFilter, Filters, counts, exact_duplicates, following,
                                       load_queue)

PLUGIN_NAME = "review-desk"
DESK = "/-/desk"
STATIC_DIR = Path(__file__).resolve().parent / "static"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
BULK_NOTE = "exact duplicate: score 100, same provider (bulk)"


def desk_routes():
    return [
        (rf"^{DESK}$", queue_page),
        (rf"^{DESK}/candidates/(?P<candidate_id>[0-9]{{1,12}})$", card_page),
        (rf"^{DESK}/candidates/(?P<candidate_id>[0-9]{{1,12}})/archived$", archived_page),
        (rf"^{DESK}/undo$", undo_last),
        (rf"^{DESK}/exact-duplicates$", exact_duplicates_page),
        (rf"^{DESK}/static/(?P<name>desk\.(?:css|js))$", static_file),
    ]


# ------------------------------------------------------------------ shared pieces

@lru_cache(maxsize=4)
def _same_provider(sites_file: str | None):
    return same_provider_from_registry(sites_file)


def _config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN_NAME) or {}


def same_provider(datasette):
    return _same_provider(_config(datasette).get("sites_file"))


def archive_dirs(datasette) -> list[Path]:
    return [Path(directory) for directory in _config(datasette).get("archive_dirs", [])]


def database(datasette):
    """The crawl database: the one database the review server serves."""
    return datasette.get_database()


async def may_decide(datasette, request, query: str) -> bool:
    """Signed in, and allowed the writable query that makes this decision (its `allow` block in metadata.yml)."""
    if request.actor is None:
        return False
    return await datasette.permission_allowed(request.actor, "view-query",
                                              resource=(database(datasette).name, query), default=False)


def card_url(candidate_id: int, filters: Filters) -> str:
    query = filters.query()
    return f"{DESK}/candidates/{candidate_id}" + (f"?{query}" if query else "")


def queue_url(filters: Filters) -> str:
    query = filters.query()
    return DESK + (f"?{query}" if query else "")


def login_url(datasette) -> str:
    return datasette.urls.path("/-/login")


async def render(datasette, request, template: str, context: dict, status: int = 200) -> Response:
    context = {"desk": DESK, "login_url": login_url(datasette), "database_url": datasette.urls.database(
        database(datasette).name), "kind_labels": KIND_LABELS, **context}
    html = await datasette.render_template([template], context, request=request)
    return Response.html(html, status=status)


async def one_line(datasette, request, message: str, status: int) -> Response:
    """Bad input and refusals: one clear line on the desk's layout, never a traceback."""
    return await render(datasette, request, "desk/problem.html", {"problem": message}, status=status)


async def queue_and_filters(datasette, request):
    """(every queue item, the filters asked for, the items they admit); BadFilter on a bad value."""
    items = await database(datasette).execute_fn(lambda conn: load_queue(conn, same_provider(datasette)))
    filters = Filters.from_args(request.args, await known_sites(datasette))
    return items, filters, [item for item in items if filters.admits(item)]


async def known_sites(datasette) -> set[str]:
    # A site whose candidates are all decided is still a valid filter: it shows an empty queue.
    rows = await database(datasette).execute("SELECT DISTINCT site FROM candidates")
    return {row[0] for row in rows.rows}


# ------------------------------------------------------------------ pages

async def queue_page(datasette, request):
    try:
        items, filters, shown = await queue_and_filters(datasette, request)
    except BadFilter as problem:
        return await one_line(datasette, request, str(problem), 400)
    exact = [item for item in items if item["exact"]]
    return await render(datasette, request, "desk/queue.html", {
        "items": shown, "filters": filters, "counts": counts(items), "shown_counts": counts(shown),
        "first_url": card_url(shown[0]["id"], filters) if shown else None, "exact_count": len(exact),
        "may_decide": await may_decide(datasette, request, ACTIONS["same-as"][1]),
        "last": await _last(datasette, request),
    })


async def _last(datasette, request):
    if request.actor is None:
        return None
    reviewer = request.actor.get("id")
    return await database(datasette).execute_fn(lambda conn: last_decision(conn, reviewer))


async def card_page(datasette, request):
    candidate_id = int(request.url_vars["candidate_id"])
    try:
        items, filters, shown = await queue_and_filters(datasette, request)
    except BadFilter as problem:
        return await one_line(datasette, request, str(problem), 400)
    error, form = None, {}
    if request.method == "POST":
        form = dict((await request.post_vars()).items())
        try:
            decision = decision_from_form(candidate_id, form)
            if not await may_decide(datasette, request, ACTIONS[decision.action][1]):
                return await one_line(datasette, request, "Sign in to decide: anyone can read the desk, "
                                      "only signed-in reviewers can decide.", 403)
            await database(datasette).execute_write_fn(
                lambda conn: record(conn, [decision], request.actor["id"]))
        except Refused as refused:
            error = str(refused)
        else:
            return await _after_decision(datasette, request, decision, shown, filters)
    elif request.method != "GET":
        return await one_line(datasette, request, "Only GET and POST are used here.", 405)
    return await _render_card(datasette, request, candidate_id, shown, filters, error, form)


async def _after_decision(datasette, request, decision: Decision, shown, filters) -> Response:
    title = next((item["title"] for item in shown if item["id"] == decision.candidate_id), None)
    words = DONE_WORDS[decision.action]
    entry = f" {decision.catalogue_id}" if decision.action in ("same-as", "not-same") else ""
    datasette.add_message(request, f"{words}{entry}: “{title or decision.candidate_id}”. Undo with u.")
    if decision.action == "not-same":
        # The candidate stays pending: the maintainer goes on with its other matches.
        return Response.redirect(card_url(decision.candidate_id, filters))
    following_id = following(shown, decision.candidate_id)
    return Response.redirect(card_url(following_id, filters) if following_id else queue_url(filters))


async def _render_card(datasette, request, candidate_id, shown, filters, error=None, form=None):
    db = database(datasette)
    card = await db.execute_fn(lambda conn: cards.load_card(conn, candidate_id, same_provider(datasette)))
    if card is None:
        return await one_line(datasette, request, f"No candidate has id {candidate_id}.", 404)
    reasons = await db.execute_fn(cards.reject_reasons)
    ids = [item["id"] for item in shown]
    archive_problem = None
    if card["page"] is None:
        archive_problem = "No page of the crawl is linked to this candidate."
    else:
        try:
            find_archive(card["page"]["archive_record"], archive_dirs(datasette))
        except NotArchived as problem:
            archive_problem = str(problem)
    skip_to = following(shown, candidate_id)
    return await render(datasette, request, "desk/card.html", {
        "card": card, "c": card["candidate"], "filters": filters, "reasons": reasons,
        "position": ids.index(candidate_id) + 1 if candidate_id in ids else None, "queue_size": len(ids),
        "need": next((item["need_label"] for item in shown if item["id"] == candidate_id), None),
        "skip_url": card_url(skip_to, filters) if skip_to and skip_to != candidate_id else queue_url(filters),
        "queue_url": queue_url(filters), "action_url": card_url(candidate_id, filters),
        "may_decide": await may_decide(datasette, request, ACTIONS["accept"][1]),
        "last": await _last(datasette, request), "error": error, "form": form or {},
        "archive_problem": archive_problem, "pending": card["candidate"]["review_status"] == "pending",
    }, status=400 if error else 200)


async def archived_page(datasette, request):
    candidate_id = int(request.url_vars["candidate_id"])
    page = await database(datasette).execute_fn(lambda conn: cards.fetch_one(
        conn, "SELECT archive_record FROM pages WHERE candidate_id = ? ORDER BY fetched_at DESC LIMIT 1",
        [candidate_id]))
    try:
        if page is None:
            raise NotArchived(f"No page of the crawl is linked to candidate {candidate_id}.")
        found = read_archived_page(page["archive_record"], archive_dirs(datasette))
    except NotArchived as problem:
        return Response.text(str(problem), status=404, headers=ARCHIVED_PAGE_HEADERS)
    return Response(found.body, status=200, headers=dict(ARCHIVED_PAGE_HEADERS), content_type=found.content_type)


async def undo_last(datasette, request):
    if request.method != "POST":
        return Response.redirect(DESK)
    if not await may_decide(datasette, request, UNDO_QUERY):
        return await one_line(datasette, request, "Sign in to undo: only signed-in reviewers can decide.", 403)
    form = await request.post_vars()
    reviewer = request.actor["id"]
    db = database(datasette)
    last = await db.execute_fn(lambda conn: last_decision(conn, reviewer))
    wanted = (form.get("decision_id") or "").strip()
    try:
        filters = Filters.from_args(request.args, await known_sites(datasette))
    except BadFilter:
        filters = Filters()
    if last is None or (wanted and wanted != str(last["id"])):
        # The page showed another decision as the last one (a newer one was made in another tab).
        return await one_line(datasette, request, "Nothing to undo: your last decision is not the one this page "
                              "showed, or there is none. Open the desk again and look.", 409)
    try:
        await db.execute_write_fn(lambda conn: record(conn, [Decision(action="undo", undoes=last["id"])], reviewer))
    except Refused as refused:
        return await one_line(datasette, request, str(refused), 409)
    datasette.add_message(request, f"Undone: {last['action']} of “{last['title'] or last['candidate_id']}”.")
    return Response.redirect(card_url(last["candidate_id"], filters) if last["candidate_id"] else DESK)


async def _pairs(request) -> list[tuple[int, str]]:
    """The candidate:catalogue pairs the reviewer confirmed (one `pair` field each)."""
    # post_vars() keeps one value per name; the confirmation sends many `pair` fields.
    body = (await request.post_body()).decode("utf-8")
    pairs = []
    for value in [value for name, value in parse_qsl(body, keep_blank_values=True) if name == "pair"]:
        candidate_id, _, catalogue_id = value.partition(":")
        if not candidate_id.isdigit() or not catalogue_id:
            raise Refused(f"Not a candidate:catalogue pair: {value!r}.")
        pairs.append((int(candidate_id), catalogue_id))
    return pairs


async def exact_duplicates_page(datasette, request):
    db = database(datasette)
    found = await db.execute_fn(lambda conn: exact_duplicates(conn, same_provider(datasette)))
    if request.method == "POST":
        if not await may_decide(datasette, request, ACTIONS["same-as"][1]):
            return await one_line(datasette, request, "Sign in to decide: only signed-in reviewers can decide.", 403)
        try:
            pairs = await _pairs(request)
            if not pairs:
                raise Refused("No duplicates were confirmed: nothing was changed.")
            current = {(pair["candidate_id"], pair["catalogue_id"]) for pair in found}
            gone = [pair for pair in pairs if pair not in current]
            if gone:
                raise Refused(f"{len(gone)} of the listed pairs are no longer exact duplicates (decided meanwhile?): "
                              "nothing was changed. Open the list again.")
            decisions = [Decision(action="same-as", candidate_id=c, catalogue_id=k, note=BULK_NOTE) for c, k in pairs]
            await db.execute_write_fn(lambda conn: record(conn, decisions, request.actor["id"]))
        except Refused as refused:
            return await one_line(datasette, request, str(refused), 409)
        datasette.add_message(request, f"Marked {len(pairs)} candidates as the same as their catalogue entries.")
        return Response.redirect(DESK)
    return await render(datasette, request, "desk/exact_duplicates.html", {
        "pairs": found, "may_decide": await may_decide(datasette, request, ACTIONS["same-as"][1]),
        "last": await _last(datasette, request)})


async def static_file(request):
    path = STATIC_DIR / request.url_vars["name"]
    return Response(path.read_bytes(), content_type=STATIC_TYPES[path.suffix],
                    headers={"cache-control": "max-age=300"})
