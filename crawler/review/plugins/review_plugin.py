"""Datasette plugin for the review server: busy timeout, decision links, and the reject reasons list."""

import json

from datasette import Response, hookimpl
from markupsafe import Markup, escape
from urllib.parse import urlencode

# Matches crawler.storage.BUSY_TIMEOUT_MS: a review write waits for a crawl's page
# transaction instead of failing with "database is locked". Not imported because
# Datasette loads this file by path, outside the project's package.
BUSY_TIMEOUT_MS = 30_000


@hookimpl
def prepare_connection(conn):
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _link(datasette, database, query, label, **params):
    href = f"{datasette.urls.database(database)}/{query}?{urlencode(params)}"
    return f'<a href="{escape(href)}">{escape(label)}</a>'


@hookimpl
def render_cell(row, value, column, database, datasette):
    """The `decide` and `undo` columns of the review views become links to the prefilled forms."""
    if value is None or column not in ("decide", "undo"):
        return None
    if column == "undo":
        # An undo, or a decision already undone, cannot be undone: no link to a form that would refuse.
        keys = row.keys()
        if ("undone_by" in keys and row["undone_by"] is not None) or ("action" in keys and row["action"] == "undo"):
            return Markup("")
        return Markup(_link(datasette, database, "undo", "undo", decision_id=value))
    keys = row.keys()
    if "catalogue_id" in keys:
        pair = {"candidate_id": value, "catalogue_id": row["catalogue_id"]}
        links = [_link(datasette, database, "same_as", "same\u00a0as", **pair),
                 _link(datasette, database, "not_same", "not\u00a0same", **pair)]
    else:
        # The matcher's best entry, if any, is filled in on the same-as form.
        best = row["match_catalogue_id"] if "match_catalogue_id" in keys else None
        best = {"catalogue_id": best} if best else {}
        links = [_link(datasette, database, "accept", "accept", candidate_id=value),
                 _link(datasette, database, "reject", "reject", candidate_id=value),
                 _link(datasette, database, "same_as", "same\u00a0as", candidate_id=value, **best)]
    return Markup("<br>".join(links))


@hookimpl
def extra_body_script(database, view_name, request, datasette):
    """On the reject form, offer the reasons from reject_reasons as a list (the triggers check them)."""
    if request is None or database is None or not request.path.endswith("/reject"):
        return None

    async def script():
        db = datasette.get_database(database)
        reasons = [row[0] for row in (await db.execute("SELECT reason FROM reject_reasons ORDER BY rowid")).rows]
        return f"""
document.querySelectorAll('form.sql input[name="reason"]').forEach(function (input) {{
  var select = document.createElement('select');
  select.name = 'reason'; select.id = input.id;
  [''].concat({json.dumps(reasons)}).forEach(function (reason) {{
    var option = document.createElement('option');
    option.value = reason; option.textContent = reason || '(choose a reason)';
    option.selected = reason === input.value;
    select.appendChild(option);
  }});
  input.replaceWith(select);
}});"""

    return script


@hookimpl
def forbidden(datasette, request, message):
    """A visitor who is not signed in is told how to sign in, not only "Forbidden"."""
    if request is None or request.actor is not None:
        return None

    async def page():
        sign_in = datasette.urls.path("/-/login")
        error = Markup(f'{escape(message)}. Deciding needs a reviewer: <a href="{escape(sign_in)}">sign in</a>, '
                       f'or read the candidates on the <a href="{escape(datasette.urls.path("/-/desk"))}">review desk</a>.')
        html = await datasette.render_template("error.html", {"title": "Sign in to decide", "error": error},
                                               request=request)
        return Response.html(html, status=403)

    return page
