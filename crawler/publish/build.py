"""Build the public course finder: a static site from the accepted catalogue (docs/publish.md)."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from crawler.publish import facets
from crawler.publish.datafiles import FIELDS, SITE_TITLE, data_row, datapackage, write_csv
from crawler.publish.feeds import write_feed
from crawler.registry import REGIONS

NOT_STATED = facets.NOT_STATED
DEFAULT_LICENCE = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
DEFAULT_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
# Facts not seen on the provider's site for longer than this may have changed: the crawl
# is nightly, so a week of misses means the page moved, closed or could not be fetched.
STALE_AFTER_DAYS = 7
# A file in the output directory saying this builder made it, so a rebuild may replace it.
BUILD_MARKER = ".course-finder-build"
STATIC_FILES = ("style.css", "finder.js", "favicon.svg")

# Characters that are not allowed in XML 1.0 or HTML text; crawled pages sometimes hold them.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


class PublishError(ValueError):
    """The site cannot be built where asked; the message says why."""


# -- the data ----------------------------------------------------------------------

ACCEPTED_COURSES_SQL = """
    SELECT k.id AS catalogue_id, k.added_at AS accepted_at, k.title AS catalogue_title,
           k.provider AS catalogue_provider, k.region AS catalogue_region, k.url AS catalogue_url,
           c.id AS candidate_id, c.canonical_url, c.provider, c.region, c.title, c.awards, c.fheq_level,
           c.credits, c.modes, c.duration, c.months_full_time, c.months_part_time, c.fees,
           c.entry_requirements, c.requires_registration, c.regulators, c.topics, c.start_dates, c.summary,
           c.facts, c.first_seen, c.last_seen,
           -- The canonical page's archived copy, else the latest of any address the course was found at.
           coalesce((SELECT p.archive_record FROM pages p WHERE p.url = c.canonical_url),
                    (SELECT p.archive_record FROM pages p WHERE p.candidate_id = c.id
                       AND p.archive_record IS NOT NULL ORDER BY p.fetched_at DESC LIMIT 1)) AS archive_record
      FROM catalogue k JOIN candidates c ON c.id = k.candidate_id
     WHERE k.origin = 'accepted'
     ORDER BY k.id
"""


def accepted_courses(db) -> list[dict]:
    """Catalogue rows maintainers accepted, joined to the candidate whose facts describe them."""
    return list(db.query(ACCEPTED_COURSES_SQL))


def clean_text(value) -> str | None:
    """Text fit for HTML and XML: control characters dropped, blank as None."""
    if value is None:
        return None
    text = _CONTROL_CHARACTERS.sub("", str(value)).strip()
    return text or None


def _json_value(raw, default):
    if raw is None or raw == "":
        return default
    if not isinstance(raw, str):
        return raw
    try:
        value = json.loads(raw)
    except ValueError:
        return default
    return default if value is None else value


def _text_list(raw) -> list[str]:
    value = _json_value(raw, [])
    if not isinstance(value, list):
        return []
    return [text for text in (clean_text(item) for item in value if not isinstance(item, (dict, list))) if text]


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is not stated


def _as_bool(value) -> bool | None:
    if value is None or value == "":
        return None
    return bool(value)


def parse_time(value) -> datetime | None:
    """An ISO timestamp from the database as an aware datetime (UTC when it has no zone); None if unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def human_date(moment: datetime | None) -> str:
    return f"{moment.day} {moment:%B %Y}" if moment else NOT_STATED


def web_url(value) -> str | None:
    """A crawled URL safe to link to: http or https only (never javascript: or data:)."""
    text = clean_text(value)
    if not text:
        return None
    parts = urlsplit(text)
    return text if parts.scheme in ("http", "https") and parts.netloc else None


def slug(text: str | None) -> str:
    """A filter value or file name: ascii lower case and hyphens; None is "not-stated"."""
    if text is None:
        return "not-stated"
    plain = unicodedata.normalize("NFKD", text.replace("£", "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "not-stated"


def page_name(catalogue_id: str, taken: set[str]) -> str:
    """The course page's file name: the catalogue id, so links and feed entries stay put between builds."""
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", catalogue_id).strip(".-") or "course"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name.lower())
    return f"{name}.html"


def archive_link(record: str | None, base_url: str | None) -> str | None:
    """Where the archived copy of the page is published, from pages.archive_record ("<file>.warc.gz#<offset>")."""
    if not record or not base_url:
        return None
    file_name, _, offset = str(record).partition("#")
    file_name = Path(file_name).name
    if not file_name:
        return None
    link = f"{base_url.rstrip('/')}/{quote(file_name)}"
    return f"{link}#{quote(offset)}" if offset else link


def course_record(row: dict, now: datetime, archive_base_url: str | None = None) -> dict:
    """Everything the pages, feeds and data files say about one accepted course."""
    facts = _json_value(row.get("facts"), {})
    facts = facts if isinstance(facts, dict) else {}
    awards = _text_list(row.get("awards"))
    modes = _text_list(row.get("modes"))
    entry = clean_text(row.get("entry_requirements"))
    fee_amounts = facts.get("fee_amounts") if isinstance(facts.get("fee_amounts"), list) else []
    months_ft, months_pt = _number(row.get("months_full_time")), _number(row.get("months_part_time"))
    fheq_level = _number(row.get("fheq_level"))
    fheq_level = int(fheq_level) if fheq_level is not None else None
    credits = _number(row.get("credits"))
    requires_registration = _as_bool(row.get("requires_registration"))
    degree_class = clean_text(facts.get("degree_class"))
    last_seen, first_seen = parse_time(row.get("last_seen")), parse_time(row.get("first_seen"))
    accepted_at = parse_time(row.get("accepted_at"))
    days_since_seen = (now - last_seen).days if last_seen else None
    region = clean_text(row.get("region")) or clean_text(row.get("catalogue_region"))
    record = {
        "id": str(row["catalogue_id"]),
        "title": clean_text(row.get("title")) or clean_text(row.get("catalogue_title"))
        or clean_text(row.get("canonical_url")) or "Untitled course",
        "provider": clean_text(row.get("provider")) or clean_text(row.get("catalogue_provider")),
        "region": region,
        "region_label": facets.region_label(region),
        "url": web_url(row.get("canonical_url")) or web_url(row.get("catalogue_url")),
        "awards": awards,
        "course_type": facets.course_type(awards),
        "fheq_level": fheq_level,
        "level_label": facets.level_label(fheq_level),
        "credits": int(credits) if credits is not None else None,
        "modes": modes,
        "delivery": facets.delivery(modes),
        "duration": clean_text(row.get("duration")),
        "months_full_time": months_ft,
        "months_part_time": months_pt,
        "length_band": facets.length_band(months_ft, months_pt),
        "fees": clean_text(row.get("fees")),
        "home_fee_gbp": facets.home_fee(fee_amounts),
        "cost_band": facets.cost_band(fee_amounts, facts.get("free")),
        # The extractor says False when the page is silent, so only a yes is a fact.
        "free": True if facts.get("free") else (False if (facets.home_fee(fee_amounts) or 0) > 0 else None),
        "stipend": True if facts.get("stipend") else None,
        "entry_requirements": entry,
        "degree_class": degree_class,
        "no_degree_required": facets.no_degree_required(degree_class, entry, fheq_level),
        "requires_registration": requires_registration,
        "open_without_registration": facets.open_without_registration(requires_registration, entry),
        "regulators": _text_list(row.get("regulators")),
        "topics": _text_list(row.get("topics")),
        "start_dates": _text_list(row.get("start_dates")),
        "summary": clean_text(row.get("summary")),
        "first_seen": first_seen,
        "last_seen": last_seen,
        "accepted_at": accepted_at,
        "days_since_seen": days_since_seen,
        "stale": days_since_seen is not None and days_since_seen > STALE_AFTER_DAYS,
        "archive_record": clean_text(row.get("archive_record")),
        "archive_url": archive_link(clean_text(row.get("archive_record")), archive_base_url),
    }
    record["search_text"] = _search_text(record)
    return record


def _search_text(course: dict) -> str:
    """The words the finder's search box looks in, folded like the script folds a query."""
    parts = [course["title"], course["provider"], course["region_label"], course["summary"], course["course_type"],
             *course["awards"], *course["topics"], *course["modes"]]
    text = " ".join(p for p in parts if p)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


# -- the site ----------------------------------------------------------------------

def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("crawler.publish", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        # A missing fact prints as "not stated", never "None".
        finalize=lambda value: NOT_STATED if value is None else value,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["slug"] = slug
    env.filters["date"] = human_date
    env.filters["stated"] = lambda value: value if value not in (None, "", []) else NOT_STATED
    env.filters["months"] = _months
    env.filters["money"] = lambda amount: f"£{amount:,.0f}" if amount is not None else NOT_STATED
    return env


def _months(value: float | None) -> str:
    if value is None:
        return NOT_STATED
    if value < 1:
        weeks = value * 52 / 12
        return f"{weeks:.0f} week{'s' if round(weeks) != 1 else ''}" if weeks >= 1 else "less than a week"
    return f"{value:g} month{'s' if value != 1 else ''}"


def _options(courses: list[dict], key: str, order: tuple | list | None = None, label=str) -> list[dict]:
    """Filter options present in the catalogue, in a fixed order, "not stated" last."""
    values = {course[key] for course in courses}
    known = [v for v in (order or ()) if v in values] + sorted(v for v in values if v is not None and v not in (order or ()))
    options = [{"value": slug(str(v)), "label": label(v)} for v in known]
    if None in values:
        options.append({"value": "not-stated", "label": NOT_STATED})
    return options


def filter_groups(courses: list[dict]) -> list[dict]:
    """The index page's filters, each a fieldset of checkboxes."""
    levels = sorted({c["fheq_level"] for c in courses if c["fheq_level"] is not None})
    level_options = [{"value": str(level), "label": facets.level_label(level)} for level in levels]
    if any(c["fheq_level"] is None for c in courses):
        level_options.append({"value": "not-stated", "label": NOT_STATED})
    groups = [
        {"name": "access", "legend": "Who can apply", "all": True, "options": [
            {"value": "no-registration", "label": "Open to people without professional registration"},
            {"value": "no-degree", "label": "No degree required"},
        ]},
        {"name": "type", "legend": "Kind of course", "options": _options(courses, "course_type", facets.COURSE_TYPES)},
        {"name": "mode", "legend": "How it is taught", "all": True, "options": [
            {"value": mode, "label": mode} for mode in facets.DELIVERY_FILTERS
            if any(mode in c["delivery"] for c in courses)]},
        {"name": "level", "legend": "Level (FHEQ)", "options": level_options},
        {"name": "length", "legend": "Length", "options": _options(
            courses, "length_band", [label for _, label in facets.LENGTH_BANDS])},
        {"name": "cost", "legend": "Cost (UK fee)", "options": _options(courses, "cost_band", facets.COST_BANDS)},
        {"name": "region", "legend": "Region", "options": _options(courses, "region", REGIONS, facets.region_label)},
    ]
    return [{"all": False, **group} for group in groups if group["options"]]


def filter_values(course: dict) -> dict:
    """The data-* attributes the finder's script filters on."""
    access = []
    if course["open_without_registration"]:
        access.append("no-registration")
    if course["no_degree_required"]:
        access.append("no-degree")
    return {
        "access": " ".join(access),
        "type": slug(course["course_type"]),
        "mode": " ".join(course["delivery"]),
        "level": str(course["fheq_level"]) if course["fheq_level"] is not None else "not-stated",
        "length": slug(course["length_band"]),
        "cost": slug(course["cost_band"]),
        "region": slug(course["region"]),
    }


def build_site(db, outdir: str | Path, now: datetime, archive_base_url: str | None = None,
               site_url: str | None = None, licence: str = DEFAULT_LICENCE,
               licence_url: str = DEFAULT_LICENCE_URL) -> dict:
    """Write the course finder for the accepted catalogue to outdir, replacing an earlier build there.

    The site is built beside outdir and moved into place, so a web server pointed at
    outdir never serves half a site. Returns counts for the command to print.
    """
    if now.tzinfo is None:
        raise PublishError("now must be timezone-aware")
    outdir = Path(outdir)
    _check_replaceable(outdir)
    site_url = site_url.rstrip("/") + "/" if site_url else None
    taken: set[str] = set()
    courses = []
    for row in accepted_courses(db):
        course = course_record(row, now, archive_base_url)
        course["page"] = f"courses/{page_name(course['id'], taken)}"
        course["filters"] = filter_values(course)
        courses.append(course)
    courses.sort(key=lambda c: (c["title"].casefold(), c["provider"] or "", c["id"]))
    generated = now.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    regions = list(REGIONS) + sorted({c["region"] for c in courses if c["region"] and c["region"] not in REGIONS})
    feeds = [{"path": "feeds/all.atom", "title": "All newly accepted courses", "region": None}] + [
        {"path": f"feeds/{facets.region_key(region)}.atom", "title": f"Newly accepted courses: {facets.region_label(region)}",
         "region": region} for region in regions]
    context = {
        "site_title": SITE_TITLE, "now": now, "generated": generated, "courses": courses,
        "licence": licence, "licence_url": licence_url, "feeds": feeds, "fields": FIELDS,
        "archive_published": bool(archive_base_url), "stale_after_days": STALE_AFTER_DAYS,
        "not_stated": NOT_STATED,
    }

    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}-", dir=outdir.parent))
    try:
        env = _environment()
        (staging / "courses").mkdir()
        (staging / "feeds").mkdir()
        _render(env, "index.html", staging / "index.html", root="", filters=filter_groups(courses), **context)
        _render(env, "data.html", staging / "data.html", root="", **context)
        for course in courses:
            _render(env, "course.html", staging / course["page"], root="../", course=course, **context)
        for name in STATIC_FILES:
            shutil.copyfile(Path(__file__).with_name("static") / name, staging / name)
        rows = [data_row(course, course["page"]) for course in courses]
        write_csv(staging / "catalogue.csv", rows)
        (staging / "catalogue.json").write_text(json.dumps({
            "title": SITE_TITLE, "generated": generated, "licence": licence, "licence_url": licence_url,
            "schema": "data.html#fields", "missing_values": "null means the provider's page did not say",
            "courses": rows,
        }, ensure_ascii=False, indent=1), encoding="utf-8")
        (staging / "datapackage.json").write_text(
            json.dumps(datapackage(generated, licence, licence_url), ensure_ascii=False, indent=1), encoding="utf-8")
        for feed in feeds:
            chosen = [c for c in courses if feed["region"] is None or c["region"] == feed["region"]]
            write_feed(staging / feed["path"], feed["title"], chosen, now=now, site_url=site_url,
                        feed_path=feed["path"], site_title=SITE_TITLE, licence=licence)
        (staging / BUILD_MARKER).write_text(generated + "\n", encoding="utf-8")
        os.chmod(staging, 0o755)
        previous = None
        if outdir.exists():
            previous = staging.with_name(staging.name + "-previous")
            os.replace(outdir, previous)
        os.replace(staging, outdir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if previous is not None:
        shutil.rmtree(previous)
    return {"courses": len(courses), "feeds": len(feeds), "outdir": str(outdir)}


def _check_replaceable(outdir: Path) -> None:
    """Refuse to delete a directory this builder did not make."""
    if not outdir.exists():
        return
    if not outdir.is_dir():
        raise PublishError(f"{outdir} exists and is not a directory")
    if any(outdir.iterdir()) and not (outdir / BUILD_MARKER).is_file():
        raise PublishError(f"{outdir} is not empty and was not built by `scrapy export site`; "
                           "choose an empty or new directory")


def _render(env: Environment, template: str, path: Path, **context) -> None:
    path.write_text(env.get_template(template).render(**context), encoding="utf-8")


# -- `scrapy export site` ----------------------------------------------------------

# Settings (crawler/settings.py or -s NAME=VALUE) the export reads; all optional.
SETTING_SITE_URL = "PUBLISH_SITE_URL"          # where the site is served, for absolute feed links
SETTING_ARCHIVE_URL = "PUBLISH_ARCHIVE_URL"    # where data/archive/*.warc.gz is published, if it is
SETTING_LICENCE = "PUBLISH_LICENCE"
SETTING_LICENCE_URL = "PUBLISH_LICENCE_URL"


def export_site(db, registry, opts, out_dir: Path) -> list[Path]:
    """The public course finder from the accepted catalogue: pages, Atom feeds, CSV and JSON (docs/publish.md)."""
    from scrapy.exceptions import UsageError
    from scrapy.utils.conf import arglist_to_dict
    from scrapy.utils.project import get_project_settings

    if getattr(opts, "provider", ""):
        raise UsageError("--provider applies to `export verification` only")
    settings = get_project_settings()
    settings.setdict(arglist_to_dict(getattr(opts, "set", None) or []), priority="cmdline")
    try:
        build_site(db, out_dir, now=datetime.now(timezone.utc),
                   archive_base_url=settings.get(SETTING_ARCHIVE_URL) or None,
                   site_url=settings.get(SETTING_SITE_URL) or None,
                   licence=settings.get(SETTING_LICENCE) or DEFAULT_LICENCE,
                   licence_url=settings.get(SETTING_LICENCE_URL) or DEFAULT_LICENCE_URL)
    except PublishError as exc:
        raise UsageError(str(exc)) from None
    return [out_dir / name for name in ("index.html", "data.html", "feeds/all.atom", "catalogue.csv", "catalogue.json")]
