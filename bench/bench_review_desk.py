"""Review speed: the Datasette forms (before) against the review desk (after), over the snapshot's queue.

Usage: .venv/bin/python bench/bench_review_desk.py

Builds the crawl database from the bundled snapshot (`crawlall --replay`), then, each on a
fresh copy served by `scrapy review` on 127.0.0.1, decides every pending in-scope candidate
in Debian's headless Chromium, three ways:

1. forms: the stored queries as before the desk: "Candidates awaiting review", a row's
   accept or reject link, the form, submit; then "Likely duplicates", "same as", submit;
2. desk, one card each: the desk's queue with the keyboard (a, r then 2, d), card after card;
3. desk with bulk: the same, and the exact duplicates settled on the bulk confirmation page.

The same mix of decisions each way: accept and reject (no improvement focus) in turn for a
candidate without a match, same-as for one with a match. Prints decisions, page loads
(main-frame load events: the archived page inside a card is a frame, not counted) per
decision, and decisions per minute. The minutes are a machine's, with no reading time: they
measure what the tool costs per decision, not how fast a person decides.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.review_server import review_server, snapshot_database  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
REVIEWERS = {"bench": "bench password"}


class Counted:
    """A signed-in page whose main-frame loads are counted from the first queue page on."""

    def __init__(self, browser, base):
        self.page = browser.new_context(viewport={"width": 1500, "height": 900}).new_page()
        self.page.set_default_timeout(30_000)
        self.page.goto(base + "/-/login")
        self.page.fill("#id_username", "bench")
        self.page.fill("#id_password", REVIEWERS["bench"])
        self.page.click("input[type=submit]")
        self.page.wait_for_load_state()
        self.loads = 0
        self.page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1


def decide_with_forms(browser, base: str) -> tuple[int, int]:
    counted = Counted(browser, base)
    page, decisions = counted.page, 0
    rows = page.locator("table.rows-and-columns tbody tr")
    page.goto(base + "/courses/pending")
    while rows.count():
        accept = decisions % 2 == 0
        rows.first.get_by_role("link", name="accept" if accept else "reject", exact=True).click()
        page.wait_for_load_state()
        if not accept:
            page.select_option("select[name=reason]", "no improvement focus")
        with page.expect_navigation():
            page.click("form.sql input[type=submit]")
        decisions += 1
    page.goto(base + "/courses/duplicates")
    while rows.count():
        rows.first.get_by_role("link", name="same\u00a0as", exact=True).click()
        page.wait_for_load_state()
        with page.expect_navigation():
            page.click("form.sql input[type=submit]")
        decisions += 1
    return decisions, counted.loads


def decide_with_desk(browser, base: str, bulk: bool) -> tuple[int, int]:
    counted = Counted(browser, base)
    page, decisions, plain = counted.page, 0, 0
    page.goto(base + "/-/desk")
    page.locator("#start").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    while "/-/desk/candidates/" in page.url:
        if bulk and page.locator("#need").inner_text() == "exact duplicate":
            break
        if page.locator('[data-key="d"]').count():
            keys = ["d"]
        else:
            keys = ["a"] if plain % 2 == 0 else ["r", "2"]
            plain += 1
        for key in keys[:-1]:
            page.keyboard.press(key)
        with page.expect_navigation():
            page.keyboard.press(keys[-1])
        decisions += 1
    if bulk:
        page.goto(base + "/-/desk/exact-duplicates")
        listed = page.locator("table.queue tbody tr").count()
        if listed:
            with page.expect_navigation():
                page.click("#confirm-bulk")
            decisions += listed
    return decisions, counted.loads


def run(database: Path, tmp: Path, name: str, drive) -> dict:
    from playwright.sync_api import sync_playwright

    copy = tmp / name / "courses.db"
    copy.parent.mkdir()
    shutil.copy(database, copy)
    with review_server(copy, REVIEWERS) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            started = time.perf_counter()
            decisions, loads = drive(browser, base)
            elapsed = time.perf_counter() - started
        finally:
            browser.close()
    return {"way": name, "decisions": decisions, "loads": loads, "seconds": elapsed}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-desk-") as tmp_name:
        tmp = Path(tmp_name)
        database = snapshot_database(tmp / "snapshot.db")
        results = [
            run(database, tmp, "forms (before)", decide_with_forms),
            run(database, tmp, "desk, one card each", lambda browser, base: decide_with_desk(browser, base, False)),
            run(database, tmp, "desk with bulk", lambda browser, base: decide_with_desk(browser, base, True)),
        ]
    print(f"{'way':<22} {'decisions':>9} {'page loads':>10} {'loads/decision':>14} {'decisions/min':>13}")
    for result in results:
        per_decision = result["loads"] / result["decisions"] if result["decisions"] else float("nan")
        per_minute = result["decisions"] / result["seconds"] * 60
        print(f"{result['way']:<22} {result['decisions']:>9} {result['loads']:>10} {per_decision:>14.2f} "
              f"{per_minute:>13.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
