"""Atom feeds of newly accepted courses (RFC 4287), so people and intranets can subscribe."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

ATOM = "http://www.w3.org/2005/Atom"
# Enough for a reader that checks weekly to see a busy week's acceptances.
FEED_ENTRIES = 50
FEED_AUTHOR = "Course finder maintainers"
NOT_STATED = "not stated"

ET.register_namespace("", ATOM)


def atom_id(key: str) -> str:
    """A permanent id for a feed or entry: the same on every build, wherever the site is hosted."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'course-finder:{key}')}"


def atom_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def entry_summary(course: dict) -> str:
    """Plain-text summary of a course for a feed reader: the facts a person decides on, then the description."""
    def said(value):
        return value if value not in (None, "", []) else NOT_STATED

    def yes_no(value):
        return NOT_STATED if value is None else ("yes" if value else "no")

    lines = [
        f"Provider: {said(course['provider'])}",
        f"Region: {said(course['region_label'])}",
        f"Kind of course: {said(course['course_type'])}",
        f"Level: {said(course['level_label'])}",
        f"Delivery: {said(', '.join(course['modes']))}",
        f"Length: {said(course['duration'])}",
        f"Cost: {said(course['cost_band'])}",
        f"Open without professional registration: {yes_no(course['open_without_registration'])}",
        f"No degree required: {yes_no(course['no_degree_required'])}",
    ]
    if course["summary"]:
        lines += ["", course["summary"]]
    return "\n".join(lines)


def _sub(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k.rstrip("_"): v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def write_feed(path: Path, title: str, courses: list[dict], now: datetime, feed_path: str,
               site_title: str, licence: str, site_url: str | None = None) -> int:
    """Write one Atom feed of the most recently accepted of `courses`; returns the number of entries."""
    def href(site_path: str) -> str:
        # Relative links resolve against the feed's own address (feeds/*.atom).
        return f"{site_url}{site_path}" if site_url else f"../{site_path}"

    newest = sorted(courses, key=lambda c: (c["accepted_at"] or c["first_seen"] or now, c["id"]), reverse=True)
    newest = newest[:FEED_ENTRIES]
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "en-GB"})
    _sub(feed, "title", title)
    _sub(feed, "subtitle", f"{site_title}: courses maintainers have checked and accepted, newest first.")
    _sub(feed, "id", atom_id(feed_path))
    _sub(feed, "updated", atom_time(now))
    author = _sub(feed, "author")
    _sub(author, "name", FEED_AUTHOR)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=href(feed_path))
    _sub(feed, "link", rel="alternate", type="text/html", href=href("index.html"))
    _sub(feed, "rights", f"Catalogue data: {licence}. Course descriptions are quoted from the providers' pages.")
    _sub(feed, "generator", "course-crawler scrapy export site")
    for course in newest:
        entry = _sub(feed, "entry")
        _sub(entry, "title", course["title"], type="text")
        _sub(entry, "id", atom_id(f"course/{course['id']}"))
        when = atom_time(course["accepted_at"] or course["first_seen"] or now)
        _sub(entry, "updated", when)
        _sub(entry, "published", when)
        _sub(entry, "link", rel="alternate", type="text/html", href=href(course["page"]))
        if course["url"]:
            _sub(entry, "link", rel="related", type="text/html", href=course["url"],
                 title="The course on the provider's site")
        if course["region"]:
            _sub(entry, "category", term=course["region"], label=course["region_label"])
        if course["course_type"]:
            _sub(entry, "category", term=course["course_type"])
        _sub(entry, "summary", entry_summary(course), type="text")
    ET.indent(feed)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(feed).write(path, encoding="utf-8", xml_declaration=True)
    return len(newest)
