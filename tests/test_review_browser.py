"""End to end: the review server (`scrapy review`) on a copy of a crawl database, driven by Debian's headless Chromium.

Needs /usr/bin/chromium (apt-get install chromium) and the playwright Python package;
Playwright never downloads a browser here. Without Chromium the tests skip, or fail
when CI is set, so a CI machine cannot pass them by accident. Screenshots of the
pending list and the duplicate comparison go to test-artifacts/.
"""

import concurrent.futures
import os
import sqlite3
from pathlib import Path

import pytest

from tests.support.review_server import ServerDidNotStart, review_server
from test_review_fixtures import build_review_db

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
REVIEWERS = {"ana": "correct horse", "ben": "battery staple"}
# The fixture's candidates (tests/test_review_fixtures.py), ids in order.
UWL, KCL_PGCERT, KINGSTON, KCL_IMPL, KCL_NURSING, OUT = range(1, 7)


def _require_browser():
    problem = None
    if not Path(CHROMIUM).is_file():
        problem = f"{CHROMIUM} not found: apt-get install -y --no-install-recommends chromium"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is missing: pip install -e '.[test]'"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run on CI: {problem}")
        pytest.skip(problem)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`scrapy review` on a fresh database copy; yields (base URL, database path)."""
    _require_browser()
    path = tmp_path_factory.mktemp("review") / "courses.db"
    build_review_db(path).conn.close()
    try:
        with review_server(path, REVIEWERS) as base:
            yield base, path
    except ServerDidNotStart as problem:
        pytest.fail(str(problem))


def in_browser(scenario):
    """Run scenario(browser) in a worker thread: Playwright's sync API will not run inside
    the asyncio loop that pytest-twisted keeps running in the main thread."""
    from playwright.sync_api import sync_playwright

    def run():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return scenario(browser)
            finally:
                browser.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result(timeout=300)


def new_page(browser, base, reviewer=None):
    page = browser.new_context(viewport={"width": 1500, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    if reviewer:
        page.goto(base + "/-/login")
        page.fill("#id_username", reviewer)
        page.fill("#id_password", REVIEWERS[reviewer])
        page.click("input[type=submit]")
        page.wait_for_load_state()
        assert "Invalid" not in page.content()
    return page


def query(path, sql, params=()):
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, params).fetchall()


def review_status(path, candidate_id):
    return query(path, "SELECT review_status, reviewed_by FROM candidates WHERE id = ?", [candidate_id])[0]


def submit(page):
    page.click("form.sql input[type=submit]")
    page.wait_for_load_state()


def message(page, kind):
    return page.locator(f"p.message-{kind}").inner_text()


def row_link(page, row_text, link_text):
    """The link in the results row that contains row_text."""
    return page.locator("table.rows-and-columns tbody tr", has_text=row_text).get_by_role("link", name=link_text,
                                                                                          exact=True)


def test_reviewer_accepts_rejects_merges_and_undoes(server):
    base, path = server
    ARTIFACTS.mkdir(exist_ok=True)

    def scenario(browser):
        page = new_page(browser, base, reviewer="ana")

        page.goto(base + "/courses/pending")
        rows = page.locator("table.rows-and-columns tbody tr")
        # Five candidates in scope and pending; the UWL one is a matcher duplicate, already linked.
        assert rows.count() == 4
        assert "focus: quality improvement (summary)" in rows.first.inner_text()
        page.screenshot(path=ARTIFACTS / "review-pending.png", full_page=True)

        # Accept: the row's link opens the form with the id filled in.
        row_link(page, "PgCert Quality Improvement in Healthcare", "accept").click()
        assert page.input_value("input[name=candidate_id]") == str(KCL_PGCERT)
        page.fill("input[name=note]", "new since 2014")
        submit(page)
        assert message(page, "info").startswith("Accepted")
        assert page.url.endswith("/courses/pending")
        assert review_status(path, KCL_PGCERT) == ("accepted", "ana")
        assert query(path, "SELECT origin, candidate_id FROM catalogue WHERE id = 'acc-2'") == [("accepted", KCL_PGCERT)]
        assert page.locator("table.rows-and-columns tbody tr").count() == 3

        # Reject, with a reason from the list.
        row_link(page, "MSc Nursing Studies", "reject").click()
        page.select_option("select[name=reason]", "no improvement focus")
        page.fill("input[name=note]", "general nursing")
        submit(page)
        assert message(page, "info") == "Rejected."
        assert review_status(path, KCL_NURSING) == ("rejected", "ana")
        assert query(path, "SELECT review_note FROM candidates WHERE id = ?", [KCL_NURSING]) == [
            ("no improvement focus: general nursing",)]

        # Same as: from the side-by-side duplicates list.
        page.goto(base + "/courses/duplicates")
        assert "MSc Clinical Leadership" in page.content()
        page.screenshot(path=ARTIFACTS / "review-duplicates.png", full_page=True)
        row_link(page, "Clinical Leadership MSc", "same as").click()
        assert page.input_value("input[name=catalogue_id]") == "t4-35"
        submit(page)
        assert message(page, "info") == "Marked as the same course."
        assert review_status(path, KINGSTON) == ("duplicate", "ana")
        assert query(path, "SELECT maintainer_decision, decided_by FROM matches WHERE candidate_id = ?",
                     [KINGSTON]) == [("same", "ana")]

        # Undo the accept from the list of recent decisions.
        page.goto(base + "/courses/recent_decisions")
        accept_id = query(path, "SELECT id FROM decisions WHERE action = 'accept'")[0][0]
        row_link(page, "PgCert Quality Improvement in Healthcare", "undo").first.click()
        assert page.input_value("input[name=decision_id]") == str(accept_id)
        submit(page)
        assert message(page, "info") == "Undone."
        assert review_status(path, KCL_PGCERT) == ("pending", None)
        assert query(path, "SELECT count(*) FROM catalogue WHERE id = 'acc-2'") == [(0,)]
        assert query(path, "SELECT action, reviewer FROM decisions ORDER BY id") == [
            ("accept", "ana"), ("reject", "ana"), ("same-as", "ana"), ("undo", "ana")]
        # Only the reject and the same-as can still be undone: no link on the undone accept or the undo.
        page.goto(base + "/courses/recent_decisions")
        assert page.locator("table.rows-and-columns tbody").get_by_role("link", name="undo", exact=True).count() == 2

    in_browser(scenario)


def test_bad_input_shows_a_message_and_changes_nothing(server):
    base, path = server

    def scenario(browser):
        page = new_page(browser, base, reviewer="ben")

        def decisions():
            return query(path, "SELECT * FROM decisions ORDER BY id")

        before = decisions()
        for url, fill, expected in [
            ("/courses/accept?candidate_id=999", {}, "No candidate has this id"),
            ("/courses/accept", {}, "Candidate id is missing"),
            ("/courses/same_as?candidate_id=4&catalogue_id=t9-99", {}, "No catalogue entry has this id"),
            ("/courses/undo?decision_id=999", {}, "No decision has this id"),
        ]:
            page.goto(base + url)
            submit(page)
            assert expected in message(page, "error"), url
        assert decisions() == before

        # A double submit: the same form open twice (two tabs, or back and resubmit).
        second = page.context.new_page()
        for tab in (page, second):
            tab.goto(f"{base}/courses/accept?candidate_id={KCL_IMPL}")
        submit(page)
        assert message(page, "info").startswith("Accepted")
        submit(second)
        assert "already decided" in message(second, "error")
        assert query(path, "SELECT count(*) FROM decisions WHERE candidate_id = ? AND action = 'accept'",
                     [KCL_IMPL]) == [(1,)]
        assert query(path, "SELECT count(*) FROM catalogue WHERE id = ?", [f"acc-{KCL_IMPL}"]) == [(1,)]

    in_browser(scenario)


def test_anonymous_visitor_reads_but_cannot_write(server):
    base, path = server

    def scenario(browser):
        page = new_page(browser, base)
        assert page.goto(base + "/courses/pending").status == 200
        assert page.goto(base + "/courses/candidates?_search=improvement").status == 200
        assert "MSc Improvement Science" in page.content()
        before = query(path, "SELECT * FROM decisions")
        assert page.goto(f"{base}/courses/accept?candidate_id={UWL}").status == 403
        # Forbidden, with the way in.
        assert page.get_by_role("link", name="sign in").get_attribute("href") == "/-/login"
        # A hand-made POST (no form, no sign-in) is refused as well.
        response = page.request.post(base + "/courses/accept", form={"candidate_id": str(UWL), "note": ""})
        assert response.status == 403
        assert query(path, "SELECT * FROM decisions") == before
        assert review_status(path, UWL) == ("pending", None)

    in_browser(scenario)
