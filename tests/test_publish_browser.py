"""The course finder in a real browser: filters, search, keyboard, phone width and axe-core (issue 9).

Needs Debian's Chromium (/usr/bin/chromium) and the playwright and axe-playwright-python
packages (the test extra). Without them the tests skip, or fail when CI is set.
"""

import functools
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

import pytest

from crawler.publish import facets
from crawler.publish.build import build_site
from test_publish import NOW, build_publish_db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# axe-core impacts that fail the test; "moderate" and "minor" are reported only.
FAILING_IMPACTS = ("serious", "critical")
PHONE = {"width": 360, "height": 740}
BROWSER_TIMEOUT_S = 120


def missing(reason):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run: see .ci/run)", pytrace=False)
    pytest.skip(reason)


class BrowserThread:
    """Playwright's sync API on a thread of its own.

    pytest-twisted runs an asyncio loop on the main thread for every test, and the
    sync API refuses to start inside one; a thread has no running loop. Playwright
    objects stay on this thread: tests hand it functions of a page.
    """

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="browser")
        self.playwright = self.chromium = None

    def call(self, function, *args, **kwargs):
        return self.pool.submit(function, *args, **kwargs).result(timeout=BROWSER_TIMEOUT_S)

    def start(self):
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.chromium = self.playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

    def stop(self):
        if self.chromium is not None:
            self.chromium.close()
        if self.playwright is not None:
            self.playwright.stop()

    def with_page(self, check, **context_options):
        """Run check(page) in a fresh browser context; fails on any script error or console error."""
        return self.call(self._with_page, check, context_options)

    def _with_page(self, check, context_options):
        context = self.chromium.new_context(**context_options)
        errors = []
        try:
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
                    if response.status >= 400 else None)
            result = check(page)
        finally:
            context.close()
        assert errors == [], errors
        return result


@pytest.fixture(scope="module")
def browser():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("playwright is not installed: pip install -e '.[test]'")
    if not CHROMIUM.is_file():
        missing(f"{CHROMIUM} not found: apt-get install -y --no-install-recommends chromium")
    thread = BrowserThread()
    try:
        thread.call(thread.start)
        yield thread
    finally:
        thread.call(thread.stop)
        thread.pool.shutdown()


@pytest.fixture(scope="module")
def axe_source():
    try:
        return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError):
        missing("axe-core is not installed: pip install -e '.[test]' (axe-playwright-python bundles it)")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class Server(ThreadingHTTPServer):
    # Chromium opens several connections at once; the default backlog of 5 can refuse some.
    request_queue_size = 128
    daemon_threads = True


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The finder built from the test catalogue, served on 127.0.0.1; yields (base URL, database)."""
    db = build_publish_db()
    outdir = tmp_path_factory.mktemp("finder") / "site"
    build_site(db, outdir, now=NOW)
    server = Server(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(outdir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", db
    server.shutdown()
    server.server_close()
    db.conn.close()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"publish-{name}.png"), full_page=True)


def expected_count(db, word=None, online=False, no_registration=False):
    """The same question asked of the database in SQL, independently of the builder."""
    sql = """SELECT c.* FROM catalogue k JOIN candidates c ON c.id = k.candidate_id WHERE k.origin = 'accepted'"""
    params = []
    if online:
        sql += " AND EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(c.modes) THEN c.modes END) WHERE value = 'online')"
    if no_registration:
        sql += " AND c.requires_registration = 0 AND trim(coalesce(c.entry_requirements, '')) != ''"
    if word:
        sql += """ AND (lower(coalesce(c.title, '') || ' ' || coalesce(c.provider, '') || ' ' || coalesce(c.region, '')
                     || ' ' || coalesce(c.summary, '') || ' ' || coalesce(c.topics, '') || ' ' || coalesce(c.awards, '')
                     || ' ' || coalesce(c.modes, '')) LIKE ?)"""
        params.append(f"%{word.lower()}%")
    return len(list(db.query(sql, params)))


def online_box(page):
    return page.get_by_role("group", name="How it is taught").get_by_label("online", exact=True)


def visible_titles(page):
    return page.locator("#results > li:not([hidden]) h3").all_inner_texts()


def test_filter_search_and_count_match_the_database(browser, served):
    base, db = served
    total = expected_count(db)
    both = expected_count(db, online=True, no_registration=True)
    searched = expected_count(db, "care", online=True, no_registration=True)
    assert 0 < searched < both < total

    def check(page):
        page.goto(base)
        assert page.locator("#results > li").count() == total
        assert page.locator("#result-count").inner_text() == f"{total} courses."
        page.get_by_label("Open to people without professional registration").check()
        online_box(page).check()
        assert len(visible_titles(page)) == both
        assert page.locator("#result-count").inner_text() == f"{both} of {total} courses match."
        page.get_by_label("Search words").fill("care")
        assert len(visible_titles(page)) == searched
        screenshot(page, "filtered")
        # The choices are kept in the address, so a filtered list can be shared and survives a reload.
        assert "access=no-registration" in page.url and "mode=online" in page.url and "q=care" in page.url
        page.reload()
        assert len(visible_titles(page)) == searched
        page.get_by_role("button", name="Clear search and filters").click()
        assert len(visible_titles(page)) == total

    browser.with_page(check)


def test_no_degree_filter_and_nothing_matching(browser, served):
    base, db = served
    rows = db.query("""SELECT c.facts, c.entry_requirements, c.fheq_level FROM catalogue k
                       JOIN candidates c ON c.id = k.candidate_id WHERE k.origin = 'accepted'""")
    expected = sum(1 for row in rows if facets.no_degree_required(
        json.loads(row["facts"] or "{}").get("degree_class"), row["entry_requirements"], row["fheq_level"]))
    assert expected == 4

    def check(page):
        page.goto(base)
        page.get_by_label("No degree required").check()
        assert len(visible_titles(page)) == expected
        page.get_by_label("Search words").fill("zebra crossing")
        assert visible_titles(page) == []
        assert page.locator("#no-results").is_visible()
        assert page.locator("#result-count").inner_text().startswith("0 of ")

    browser.with_page(check)


def test_keyboard_only(browser, served):
    base, db = served
    fellowships = expected_count(db, "fellowship")
    assert fellowships == 1

    def check(page):
        page.goto(base)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "q"
        page.keyboard.type("fellowship")
        assert len(visible_titles(page)) == fellowships
        # Past the filters' heading (open on a wide screen) to the first checkbox, ticked with the space bar.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "f-access-no-registration"
        page.keyboard.press("Space")
        assert page.locator("#f-access-no-registration").is_checked()
        assert len(visible_titles(page)) == 1
        # Focus is visible.
        assert page.evaluate("getComputedStyle(document.activeElement).boxShadow") not in ("", "none")
        # And a course opens from the keyboard.
        page.locator("#results > li:not([hidden]) h3 a").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/courses/*.html")
        assert page.locator("h1").inner_text() == "Improvement Leader Fellowship"

    browser.with_page(check)


def test_readable_on_a_phone(browser, served):
    base, _ = served

    def check(page):
        for path in ("", "courses/acc-2.html", "courses/acc-6.html", "data.html"):
            page.goto(base + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
            assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
        # On a phone the filters fold away under the search box and open with a tap.
        page.goto(base)
        assert page.locator("#q").is_visible() and not page.locator("#f-access-no-degree").is_visible()
        screenshot(page, "phone")
        page.get_by_text("Filters: who can apply").tap()
        page.get_by_label("No degree required").tap()
        assert page.locator("#result-count").inner_text().endswith("courses match.")

    browser.with_page(check, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)


def axe_violations(page, axe_source):
    """axe-core's violations on the page as it is now, one line each."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]]


@pytest.mark.parametrize("path", ["", "courses/acc-2.html", "courses/acc-6.html", "data.html"])
def test_no_serious_accessibility_violations(browser, served, axe_source, path):
    base, _ = served

    def check(page):
        page.goto(base + path)
        if not path:
            online_box(page).check()   # the filtered state too
            screenshot(page, "index")
        return axe_violations(page, axe_source)

    violations = browser.with_page(check)
    assert [v for v in violations if v.split(":")[0] in FAILING_IMPACTS] == [], violations
    print("\n".join(violations))


def test_works_from_a_file_without_a_server(browser, tmp_path):
    """No server needed: the finder filters when opened straight from disk."""
    db = build_publish_db()
    build_site(db, tmp_path / "site", now=NOW)
    online = expected_count(db, online=True)
    db.conn.close()

    def check(page):
        page.goto((tmp_path / "site" / "index.html").as_uri())
        online_box(page).check()
        assert len(visible_titles(page)) == online

    browser.with_page(check)
