"""The review server's metadata and the `scrapy review` command, without a browser."""

import asyncio
import concurrent.futures
import re

import pytest
import yaml

from crawler.review import (
    METADATA_FILE, PLUGINS_DIR, datasette_args, review_metadata, reviewer_accounts,
)
from crawler.storage import open_db
from test_review_fixtures import build_review_db


@pytest.fixture(scope="module")
def metadata():
    return yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))


def described_objects(db):
    """Every table and view a reviewer sees, with its columns (search index tables are Datasette's own)."""
    names = [n for n in db.table_names() + db.view_names() if "_fts" not in n]
    return {name: [c.name for c in db[name].columns] for name in names}


def test_every_table_view_and_column_is_described(metadata):
    db = build_review_db()
    tables = metadata["databases"]["courses"]["tables"]
    missing = [f"{name}.{column}" for name, columns in described_objects(db).items()
               for column in columns if column not in tables.get(name, {}).get("columns", {})]
    undescribed = [name for name in described_objects(db) if not tables.get(name, {}).get("description")]
    assert not undescribed, f"add a description to crawler/review/metadata.yml for: {undescribed}"
    assert not missing, f"describe these columns in crawler/review/metadata.yml: {missing}"
    stale = [name for name in tables if name not in described_objects(db)]
    assert not stale, f"metadata.yml describes tables that no longer exist: {stale}"


def test_every_writable_query_needs_a_signed_in_actor(metadata):
    queries = metadata["databases"]["courses"]["queries"]
    writable = {name for name, query in queries.items() if query.get("write")}
    assert writable == {"accept", "reject", "same_as", "not_same", "undo"}
    for name in writable:
        assert queries[name]["allow"] == {"id": "*"}, name
        assert ":_actor_id" in queries[name]["sql"], name
        assert queries[name]["sql"].lstrip().startswith("INSERT INTO decisions"), name


def test_canned_queries_run_on_the_schema(metadata):
    db = build_review_db()
    for name, query in metadata["databases"]["courses"]["queries"].items():
        if not query.get("write"):
            db.execute(query["sql"]).fetchall()


@pytest.mark.parametrize("facet", ["provider", "region", "scope_category", "review_status",
                                   {"array": "awards"}, {"array": "modes"}])
def test_candidates_have_the_default_facets(metadata, facet):
    assert facet in metadata["databases"]["courses"]["tables"]["candidates"]["facets"]


def test_reviewer_accounts_come_from_environment_variables():
    environ = {"REVIEW_PASSWORD_HASH_ANA": "pbkdf2_sha256$x", "REVIEW_PASSWORD_HASH_BEN_O": "pbkdf2_sha256$y",
               "REVIEW_PASSWORD_HASH_EMPTY": " ", "HOME": "/root"}
    assert reviewer_accounts(environ) == {"ana": "REVIEW_PASSWORD_HASH_ANA", "ben_o": "REVIEW_PASSWORD_HASH_BEN_O"}
    plugin = review_metadata("courses", environ)["plugins"]["datasette-auth-passwords"]
    # The hash stays in the environment; the metadata only names the variable.
    assert plugin == {"ana_password_hash": {"$env": "REVIEW_PASSWORD_HASH_ANA"},
                      "ben_o_password_hash": {"$env": "REVIEW_PASSWORD_HASH_BEN_O"}}


def test_metadata_follows_the_database_file_name():
    metadata = review_metadata("snapshot", {})
    assert set(metadata["databases"]) == {"snapshot"}
    assert "accept" in metadata["databases"]["snapshot"]["queries"]


def test_server_listens_on_this_machine_only_by_default(tmp_path):
    args = datasette_args(tmp_path / "courses.db", tmp_path / "m.json")
    assert args[args.index("--host") + 1] == "127.0.0.1"
    assert args[args.index("--plugins-dir") + 1] == str(PLUGINS_DIR)
    assert "--root" not in args and "--root" in datasette_args(tmp_path / "c.db", tmp_path / "m.json", root=True)


def test_hash_password_line_is_accepted_by_the_sign_in_plugin():
    from datasette_auth_passwords.utils import verify_password
    from crawler.commands.review import hash_password_line

    line = hash_password_line("ana", "s3cret")
    name, value = line.removeprefix("export ").split("=", 1)
    assert name == "REVIEW_PASSWORD_HASH_ANA"
    assert verify_password("s3cret", value.strip("'"))


# In-process Datasette (no browser): permissions and messages of the writable queries.

def run_async(function):
    """Run a coroutine function on its own loop: pytest-twisted's asyncio reactor owns this thread's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, function()).result(timeout=60)


def datasette_for(path, environ):
    from datasette.app import Datasette

    return Datasette([str(path)], metadata=review_metadata(path.stem, environ), plugins_dir=str(PLUGINS_DIR))


def test_anonymous_write_is_refused_and_changes_nothing(tmp_path):
    path = tmp_path / "courses.db"
    build_review_db(path).conn.close()
    ds = datasette_for(path, {})

    async def run():
        page = await ds.client.get("/courses/accept")
        post = await ds.client.post("/courses/accept", data={"candidate_id": "2", "note": ""},
                                    headers={"accept": "application/json"})
        pending = await ds.client.get("/courses/pending.json?_shape=array")
        return page.status_code, post.status_code, pending

    page_status, post_status, pending = run_async(run)
    assert (page_status, post_status) == (403, 403)
    assert pending.status_code == 200 and len(pending.json()) == 4
    db = open_db(path)
    assert db.execute("SELECT count(*) FROM decisions").fetchone()[0] == 0


def test_a_signed_in_write_records_the_reviewer_and_bad_input_gives_the_trigger_message(tmp_path):
    path = tmp_path / "courses.db"
    build_review_db(path).conn.close()
    ds = datasette_for(path, {})
    cookies = {"ds_actor": ds.sign({"a": {"id": "ana"}}, "actor")}

    async def post(query, **data):
        # As the form does: the page sets a CSRF cookie and carries the same token in a hidden field.
        form = await ds.client.get(f"/courses/{query}", cookies=cookies)
        token = re.search(r'name="csrftoken" value="([^"]+)"', form.text).group(1)
        response = await ds.client.post(f"/courses/{query}", data={"_json": "1", "csrftoken": token, **data},
                                        cookies={**cookies, "ds_csrftoken": form.cookies["ds_csrftoken"]})
        return response.json()

    async def run():
        return [await post("accept", candidate_id="2", note=""),
                await post("accept", candidate_id="2", note=""),
                await post("accept", candidate_id="", note=""),
                await post("reject", candidate_id="5", reason="boring", note="")]

    first, again, missing, bad_reason = run_async(run)
    assert first["ok"] and first["message"].startswith("Accepted")
    assert not again["ok"] and "already decided" in again["message"]
    assert not missing["ok"] and "Candidate id is missing" in missing["message"]
    assert not bad_reason["ok"] and "not in the list" in bad_reason["message"]
    db = open_db(path)
    assert db.execute("SELECT action, candidate_id, reviewer FROM decisions").fetchall() == [("accept", 2, "ana")]


def test_review_command_without_a_database_is_a_configuration_error(tmp_path):
    from support.scrapy_run import run_scrapy

    result = run_scrapy("review", "--db", str(tmp_path / "missing.db"), timeout=120)
    assert result.returncode == 2 and "not found" in result.stderr
