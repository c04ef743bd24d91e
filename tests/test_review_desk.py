"""The review desk without a browser: queue order and filters, the card, decisions, archived pages, and the
desk's routes in an in-process Datasette (sign-in, CSRF, one-line errors)."""

import re
import sqlite3
from pathlib import Path

import pytest

from crawler.review.desk.archived import NotArchived, find_archive, read_archived_page
from crawler.review.desk.card import compare, facts_grid, load_card
from crawler.review.desk.decide import Decision, Refused, decision_from_form, last_decision, record
from crawler.review.desk.providers import same_provider_from_registry
from crawler.review.desk.queue import BadFilter, Filters, exact_duplicates, following, load_queue
from crawler.storage import open_db
from test_review_fixtures import build_review_db
from test_review_metadata import datasette_for, run_async

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = ROOT / "data" / "snapshot"
# The fixture's candidates (tests/test_review_fixtures.py), ids in order.
UWL, KCL_PGCERT, KINGSTON, KCL_IMPL, KCL_NURSING, OUT = range(1, 7)


@pytest.fixture(scope="module")
def same_provider():
    return same_provider_from_registry()


@pytest.fixture
def conn(tmp_path):
    path = tmp_path / "courses.db"
    build_review_db(path).conn.close()
    connection = sqlite3.connect(path)
    yield connection
    connection.close()


def test_the_queue_puts_unsure_pages_first_and_exact_duplicates_last(conn, same_provider):
    conn.execute("UPDATE candidates SET page_type_sure = 0 WHERE id = ?", [KCL_NURSING])
    conn.execute("UPDATE matches SET score = 100 WHERE candidate_id = ?", [UWL])
    conn.commit()
    queue = load_queue(conn, same_provider)
    # Out of scope (BSc Computer Science) is never queued; a matcher duplicate is.
    assert [item["id"] for item in queue] == [KCL_NURSING, KCL_IMPL, KCL_PGCERT, KINGSTON, UWL]
    assert [item["need_label"] for item in queue] == [
        "unsure it is a course page", "may be new", "may be new", "likely duplicate", "exact duplicate"]


def test_exact_duplicates_need_score_100_and_the_same_provider(conn, same_provider):
    conn.execute("UPDATE matches SET score = 100 WHERE candidate_id IN (?, ?)", [UWL, KCL_NURSING])
    # KCL nursing's entry, t4-20, made another provider's: a score of 100 alone is not enough.
    conn.execute("UPDATE catalogue SET provider = 'Kingston University' WHERE id = 't4-20'")
    conn.commit()
    assert [pair["candidate_id"] for pair in exact_duplicates(conn, same_provider)] == [UWL]
    # "Kings College London" (the report's spelling) is the kcl site, as the matcher reads it.
    assert same_provider("kcl", "Kings College London") and not same_provider("kcl", "Kingston University")


@pytest.mark.parametrize("args, expected", [
    ({}, [KCL_IMPL, KCL_PGCERT, KINGSTON, UWL]),
    ({"site": "kcl"}, [KCL_IMPL, KCL_PGCERT]),
    ({"category": "related"}, [KINGSTON]),
    ({"kind": "new"}, [KCL_IMPL, KCL_PGCERT]),
    ({"kind": "duplicate", "site": "kingston"}, [KINGSTON]),
    ({"page_type": "unsure"}, []),
    ({"changed": "1"}, []),
])
def test_filters(conn, same_provider, args, expected):
    conn.execute("UPDATE candidates SET review_status = 'rejected' WHERE id = ?", [KCL_NURSING])
    queue = load_queue(conn, same_provider)
    filters = Filters.from_args(args, {item["site"] for item in queue})
    assert [item["id"] for item in queue if filters.admits(item)] == expected


@pytest.mark.parametrize("args, words", [
    ({"category": "out"}, "No category called 'out': choose one of core, related"),
    ({"page_type": "maybe"}, "No page type called 'maybe'"),
    ({"site": "nowhere"}, "No site called 'nowhere'"),
])
def test_a_bad_filter_is_one_line(args, words):
    with pytest.raises(BadFilter) as raised:
        Filters.from_args(args, {"kcl"})
    assert str(raised.value).startswith(words) and "\n" not in str(raised.value)


def test_filters_survive_in_links():
    filters = Filters.from_args({"site": "kcl", "page_type": "unsure", "changed": "1"}, {"kcl"})
    assert filters.query() == "site=kcl&page_type=unsure&changed=1"
    assert Filters.from_args(dict(pair.split("=") for pair in filters.query().split("&")), {"kcl"}) == filters


def test_following_is_the_next_in_the_queue():
    items = [{"id": 5}, {"id": 3}, {"id": 9}]
    assert following(items, 5) == 3 and following(items, 9) is None and following(items, 42) == 5
    assert following([], 1) is None


def test_the_card_reads_facts_in_words_and_marks_differences(conn, same_provider):
    card = load_card(conn, KINGSTON, same_provider)
    facts = dict(card["facts"])
    assert facts["Level"] == "FHEQ level 7" and facts["Length"] == "36 months part-time"
    assert facts["Fees"] == "not stated" and facts["Registration with a regulator"] == "needed"
    assert card["verdict"].startswith("In scope, related")
    assert card["reasons"] == ["focus: quality improvement (summary)"]
    [entry] = card["matches"]
    assert entry["id"] == "t4-35"
    fields = {field["label"]: field for field in entry["fields"]}
    assert fields["Provider"]["differs"] is False
    assert fields["Title"]["differs"] is (entry["title"].casefold() != "clinical leadership msc")
    assert load_card(conn, 999, same_provider) is None


def test_comparison_ignores_case_and_punctuation_but_not_words(same_provider):
    candidate = {"title": "MSc Improvement Science", "provider": "University of West London", "site": "uwl",
                 "scope_category": "core", "region": "north-west", "canonical_url": "https://www.uwl.ac.uk/a/"}
    entry = {"title": "msc improvement-science", "provider": "UWL", "category": "core", "region": None,
             "url": "https://uwl.ac.uk/a"}
    differs = {field["label"]: field["differs"] for field in compare(candidate, entry, same_provider)}
    assert differs == {"Title": False, "Provider": differs["Provider"], "Category": False, "Region": False,
                       "Address": False}
    entry["title"] = "MSc Implementation Science"
    assert compare(candidate, entry, same_provider)[0]["differs"] is True


def test_history_lists_each_changed_fact(conn, same_provider):
    conn.execute("UPDATE candidates SET facts = json_set(facts, '$.fees', '£5,000'), facts_hash = 'changed' "
                 "WHERE id = ?", [KCL_PGCERT])
    [change] = load_card(conn, KCL_PGCERT, same_provider)["history"]
    assert ("fees", "£4,500", "£5,000") in change["facts"]


def test_facts_grid_says_not_stated():
    row = {key: None for key in ("awards", "fheq_level", "credits", "modes", "duration", "months_full_time",
                                 "months_part_time", "fees", "entry_requirements", "requires_registration",
                                 "regulators", "start_dates", "topics")}
    assert {value for _, value in facts_grid(row)} == {"not stated"}


def test_decisions_go_through_the_triggers_all_or_nothing(conn):
    [accepted] = record(conn, [Decision("accept", candidate_id=KCL_PGCERT)], "ana")
    assert conn.execute("SELECT review_status, reviewed_by FROM candidates WHERE id = ?",
                        [KCL_PGCERT]).fetchone() == ("accepted", "ana")
    assert last_decision(conn, "ana")["id"] == accepted and last_decision(conn, "ben") is None
    before = conn.execute("SELECT count(*) FROM decisions").fetchone()
    # The second is refused (already decided), so the first is not written either.
    with pytest.raises(Refused) as refused:
        record(conn, [Decision("same-as", candidate_id=KINGSTON, catalogue_id="t4-35"),
                      Decision("accept", candidate_id=KCL_PGCERT)], "ana")
    assert str(refused.value).startswith(f"Candidate {KCL_PGCERT}: This candidate was already decided")
    assert conn.execute("SELECT count(*) FROM decisions").fetchone() == before
    assert conn.execute("SELECT review_status FROM candidates WHERE id = ?", [KINGSTON]).fetchone() == ("pending",)


@pytest.mark.parametrize("form, message", [
    ({"action": "approve"}, "Unknown action 'approve'"),
    ({"action": "reject", "reason": "other"}, "Reason \"other\" needs a note"),
    ({"action": "reject", "reason": "boring"}, "Reason is missing or not in the list"),
    ({"action": "same-as", "catalogue_id": "t9-99"}, "No catalogue entry has this id"),
])
def test_bad_decisions_are_refused_with_one_line(conn, form, message):
    with pytest.raises(Refused) as refused:
        record(conn, [decision_from_form(KCL_IMPL, form)], "ana")
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)
    assert conn.execute("SELECT count(*) FROM decisions").fetchone() == (0,)


def test_the_archived_page_is_read_from_the_named_record():
    from warcio.archiveiterator import ArchiveIterator

    with (SNAPSHOT_DIR / "snapshot.warc.gz").open("rb") as stream:
        records = ArchiveIterator(stream)
        for found in records:
            if found.rec_type == "response":
                url = found.rec_headers.get_header("WARC-Target-URI")
                body = found.content_stream().read()
                offset = records.get_record_offset()
                break
    page = read_archived_page(f"snapshot.warc.gz#{offset}", [ROOT / "data" / "archive", SNAPSHOT_DIR])
    assert (page.url, page.body) == (url, body)


@pytest.mark.parametrize("record_name, words", [
    (None, "The crawl kept no copy"),
    ("../../etc/passwd#0", "is not a WARC file name and offset"),
    ("gone.warc.gz#12", "Archive gone.warc.gz is not in"),
])
def test_an_archived_page_that_cannot_be_had_is_one_line(record_name, words):
    with pytest.raises(NotArchived) as problem:
        find_archive(record_name, [SNAPSHOT_DIR])
    assert words in str(problem.value)


def test_a_record_offset_that_is_not_a_response_is_refused():
    with pytest.raises(NotArchived):
        read_archived_page("snapshot.warc.gz#1", [SNAPSHOT_DIR])


# The desk's routes in an in-process Datasette.

def test_desk_routes_sign_in_csrf_and_one_line_errors(tmp_path):
    path = tmp_path / "courses.db"
    build_review_db(path).conn.close()
    ds = datasette_for(path, {})
    ana = {"ds_actor": ds.sign({"a": {"id": "ana"}}, "actor")}
    card = f"/-/desk/candidates/{KCL_IMPL}"

    async def run():
        front = await ds.client.get("/")
        queue = await ds.client.get("/-/desk")
        anonymous_card = await ds.client.get(card)
        anonymous_post = await ds.client.post(card, data={"action": "accept"})
        # Signed in, but the form's CSRF token is missing: asgi-csrf refuses it.
        forged = await ds.client.post(card, data={"action": "accept"}, cookies={**ana, "ds_csrftoken": "x"})
        page = await ds.client.get(card, cookies=ana)
        token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
        cookies = {**ana, "ds_csrftoken": page.cookies["ds_csrftoken"]}
        refused = await ds.client.post(card, data={"action": "reject", "reason": "other", "note": "",
                                                   "csrftoken": token}, cookies=cookies)
        accepted = await ds.client.post(card, data={"action": "accept", "note": "fine", "csrftoken": token},
                                        cookies=cookies)
        bad_filter = await ds.client.get("/-/desk?category=out")
        bad_site = await ds.client.get("/-/desk?site=nowhere")
        missing = await ds.client.get("/-/desk/candidates/999")
        return front, queue, anonymous_card, anonymous_post, forged, refused, accepted, bad_filter, bad_site, missing

    front, queue, anonymous_card, anonymous_post, forged, refused, accepted, bad_filter, bad_site, missing = run_async(run)
    assert 'href="/-/desk"' in front.text
    assert queue.status_code == 200 and "5</strong> candidates in scope left" in queue.text
    assert anonymous_card.status_code == 200 and "Sign in to decide" in anonymous_card.text
    assert 'data-key="a"' not in anonymous_card.text
    assert anonymous_post.status_code == 403 and "Sign in to decide" in anonymous_post.text
    assert forged.status_code == 403
    assert refused.status_code == 400 and "Reason &#34;other&#34; needs a note" in refused.text
    assert accepted.status_code == 302
    assert accepted.headers["location"].startswith("/-/desk/candidates/")
    assert bad_filter.status_code == 400 and "No category called &#39;out&#39;" in bad_filter.text
    assert "Traceback" not in bad_filter.text
    assert bad_site.status_code == 400 and "No site called &#39;nowhere&#39;" in bad_site.text
    assert missing.status_code == 404 and "No candidate has id 999." in missing.text
    db = open_db(path)
    assert db.execute("SELECT action, candidate_id, reviewer, note FROM decisions").fetchall() == [
        ("accept", KCL_IMPL, "ana", "fine")]
