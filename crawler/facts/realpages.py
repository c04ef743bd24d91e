"""The development set of realistic pages (../shared/dev-pages/): served as a site would, judged, scored.

Each page there is a rewrite of a real page as plain text with labels. ``wrap_page`` turns it
back into HTML the way sites serve it: ``plain`` (a title, a heading, the text as paragraphs,
headings and lists inside <main>), ``noisy`` (the same inside a header, mega-menu, cookie
banner, breadcrumbs, a related-courses sidebar and a footer that repeat improvement words,
and no <main>) or ``divs`` (that furniture in anonymous divs with no class names, as older
sites build it, so only its link density gives it away). ``judge_pages`` runs the real analysis on them; ``figures`` scores it. Used by
bench/bench_real_pages.py (the report) and tests/test_real_pages.py (the floors). The text is
never copied into the repository: it is read from ../shared/ at run time.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crawler.facts import durations

ROOT = Path(__file__).resolve().parents[2]
# CI lays shared/ beside the clone, as on a developer's machine; DEV_PAGES points elsewhere.
DEFAULT_PATH = ROOT.parent / "shared" / "dev-pages" / "pages.jsonl"
WRAPPINGS = ("plain", "noisy", "divs")
IN_SCOPE = ("core", "related")
FAMILIES = ("universities", "NHS and funders", "online providers", "look-alikes")
FACTS = ("award", "level", "modes", "duration", "fees")

# Index of the first page from other providers: the set lists its 90 university pages first.
UNIVERSITY_PAGES = 90
_NHS_OR_FUNDER = re.compile(
    r"\bNHS\b|\bNIHR\b|National\s+Institute\s+for\s+Health|Health\s+Foundation|Royal\s+College|Healthcare\s+Improvement"
    r"|Health\s+Education|\bHEE\b|\bAHSN|Academic\s+Health|Applied\s+Research|Improvement\s+Academy|King's\s+Fund"
    r"|Cochrane|Florence\s+Nightingale|\bTrust\b|Leadership\s+Academy|Healthcare\s+Research\s+and\s+Quality"
    r"|Health\s+and\s+Social\s+Care|Healthcare\s+Excellence|BMJ|Recruitment\s+Office|Excellence\s+in\s+Health",
    re.I,
)
_HEALTH_WORD = re.compile(r"health|medic|nurs|clinic|care|hospital|patient", re.I)
_BULLET = re.compile(r"^\s*(?:[•·▪◦*]|-\s|–\s|\d{1,2}[.)]\s)\s*")
# A standalone short line with no sentence end reads as a section heading.
MAX_HEADING_CHARS = 60

# Label awards the extractor spells another way: a label is found when any of these is.
_MASTERS = ("MSc", "MA", "MRes", "MPhil", "MPH", "MBA", "master's")
_AWARD_EQUIVALENTS = {
    "MS": _MASTERS, "MHQS": _MASTERS, "MHSR": _MASTERS, "Master's degree": _MASTERS,
    "certificate": ("certificate", "PgCert"), "NPQ": ("certificate", "short course"),
}
# Label modes the extractor spells another way.
_MODE_EQUIVALENTS = {"face-to-face": ("campus", "blended")}


def dev_pages_path() -> Path:
    return Path(os.environ.get("DEV_PAGES") or DEFAULT_PATH)


def load_dev_pages(path: str | Path | None = None) -> list[dict]:
    """The labelled pages, each with its ``index`` and provider ``family``."""
    pages = []
    with open(path or dev_pages_path(), encoding="utf-8") as fh:
        for index, line in enumerate(line for line in fh if line.strip()):
            page = json.loads(line)
            page["index"] = index
            page["family"] = provider_family(page, index)
            pages.append(page)
    return pages


def provider_family(page: dict, index: int) -> str:
    if index < UNIVERSITY_PAGES:
        return "universities"
    provider = page.get("provider") or ""
    if _NHS_OR_FUNDER.search(provider):
        return "NHS and funders"
    if page.get("group") == "out" and not _HEALTH_WORD.search(provider + " " + (page.get("title") or "")):
        return "look-alikes"
    return "online providers"


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _blocks_html(text: str, title: str) -> tuple[str, bool]:
    """The text as HTML blocks, the first line equal to the title as <h1>; (html, heading placed)."""
    out: list[str] = []
    heading_placed = False
    wanted = _norm(title)
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        items: list[str] = []
        for line in lines:
            bullet = _BULLET.match(line)
            if bullet:
                items.append(f"<li>{html.escape(line[bullet.end():])}</li>")
                continue
            if items:
                out.append("<ul>" + "".join(items) + "</ul>")
                items = []
            escaped = html.escape(line)
            if not heading_placed and _norm(line) == wanted:
                out.append(f"<h1>{escaped}</h1>")
                heading_placed = True
            elif len(lines) == 1 and len(line) <= MAX_HEADING_CHARS and not line.endswith((".", ":", "?", "!")):
                out.append(f"<h2>{escaped}</h2>")
            else:
                out.append(f"<p>{escaped}</p>")
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(out), heading_placed


_NOISY_HEADER = """<header class="site-header"><a class="skip" href="#content">Skip to main content</a>
<div class="cookie-banner"><p>We use cookies to improve your experience and to measure how our site is used.</p>
<button>Accept all cookies</button><button>Manage preferences</button></div>
<div class="logo"><a href="/">{provider}</a></div>
<form class="search" action="/search"><label>Search this site <input name="q"></label><button>Search</button></form>
<nav class="main-menu"><ul>
<li><a href="/study/">Study</a><ul><li><a href="/courses/">Courses</a></li><li><a href="/short-courses/">Short courses and CPD</a></li>
<li><a href="/fees/">Fees and funding</a></li><li><a href="/apply/">How to apply</a></li></ul></li>
<li><a href="/research/">Research</a><ul><li><a href="/research/quality-improvement/">Quality improvement</a></li>
<li><a href="/research/patient-safety/">Patient safety</a></li><li><a href="/research/implementation-science/">Implementation science</a></li></ul></li>
<li><a href="/news/">News</a></li><li><a href="/events/">Events</a></li><li><a href="/about/">About us</a></li></ul></nav>
</header>
<div class="mega-menu"><ul><li><a href="/improvement/">Improvement and innovation</a></li>
<li><a href="/leadership/">Leadership for change</a></li><li><a href="/evidence/">Evidence-based practice</a></li>
<li><a href="/nursing/">Nursing and midwifery</a></li><li><a href="/health/">Health and social care</a></li></ul></div>
<div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/study/">Study</a> &gt; <span>{title}</span></div>"""
_NOISY_ASIDE = """<aside class="related"><h2>You may also like</h2><ul>
<li><a href="/courses/msc-healthcare-leadership/">MSc Healthcare Leadership</a></li>
<li><a href="/courses/pgcert-quality-improvement/">PgCert Quality Improvement in Healthcare</a></li>
<li><a href="/courses/patient-safety-short-course/">Patient Safety short course</a></li></ul></aside>"""
_NOISY_FOOTER = """<footer class="site-footer"><div><h2>Our work</h2><ul><li><a href="/qi/">Quality improvement hub</a></li>
<li><a href="/safety/">Patient safety collaborative</a></li><li><a href="/innovation/">Innovation in health care</a></li></ul></div>
<div><h2>Contact us</h2><p>Telephone 020 7946 0000. Email enquiries@example.org</p></div>
<p>Copyright 2026. All rights reserved. Privacy notice. Accessibility statement. Modern slavery statement.</p></footer>"""


def _anonymous(markup: str) -> str:
    """Site furniture with its semantic tags and class names taken away."""
    markup = re.sub(r"<(/?)(?:header|nav|aside|footer)\b", r"<\1div", markup)
    return re.sub(r'\s(?:class|id)="[^"]*"', "", markup)


def wrap_page(page: dict, wrapping: str = "plain") -> bytes:
    """One dev page as HTML, the way a site would serve it."""
    title = page.get("title") or ""
    provider = page.get("provider") or ""
    blocks, heading_placed = _blocks_html(page.get("text") or "", title)
    if not heading_placed and title:
        blocks = f"<h1>{html.escape(title)}</h1>\n{blocks}"
    head = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)} | {html.escape(provider)}</title></head>")
    if wrapping == "plain":
        body = f"<body><main>\n{blocks}\n</main></body></html>"
    elif wrapping == "noisy":
        header = _NOISY_HEADER.format(provider=html.escape(provider), title=html.escape(title))
        body = (f'<body>{header}\n<div class="page"><div id="content" class="content">\n{blocks}\n</div>'
                f"{_NOISY_ASIDE}</div>\n{_NOISY_FOOTER}</body></html>")
    elif wrapping == "divs":
        # Old-style markup: the same furniture in anonymous divs, no header, nav, aside, footer or main.
        furniture = _NOISY_HEADER.format(provider=html.escape(provider), title=html.escape(title))
        furniture = _anonymous(furniture)
        body = f"<body>{furniture}\n<div>\n{blocks}\n</div>{_anonymous(_NOISY_ASIDE)}\n{_anonymous(_NOISY_FOOTER)}</body></html>"
    else:
        raise ValueError(f"unknown wrapping {wrapping!r}; use one of {', '.join(WRAPPINGS)}")
    return (head + body).encode("utf-8")


@dataclass
class Judged:
    """What the analysis made of one dev page in one wrapping."""

    page: dict
    wrapping: str
    facts: dict
    verdict: dict
    candidate: bool  # reaches the candidates (typed course, sure or unsure)

    @property
    def typed_course(self) -> bool:
        return self.facts.get("page_kind") == "course"

    @property
    def in_scope(self) -> bool:
        return self.candidate and self.verdict.get("category") in IN_SCOPE


def judge_pages(pages: Iterable[dict], analyse: Callable[[bytes, str], object],
                wrappings: Iterable[str] = WRAPPINGS) -> list[Judged]:
    """Run ``analyse(body, url) -> Analysis`` on every page in every wrapping."""
    out = []
    for wrapping in wrappings:
        for page in pages:
            analysis = analyse(wrap_page(page, wrapping), page["url"])
            out.append(Judged(page, wrapping, analysis.facts, analysis.verdict, bool(analysis.is_candidate)))
    return out


def award_found(label: str, awards: list[str]) -> bool:
    wanted = _AWARD_EQUIVALENTS.get(label, (label,))
    return any(a in wanted for a in awards)


def modes_found(label: list[str], modes: list[str]) -> bool:
    return all(any(m in modes for m in _MODE_EQUIVALENTS.get(want, (want,))) for want in label)


def duration_found(label: str, facts: dict) -> bool:
    """A length was read and, where the label's words give months, agrees with them in some mode."""
    months = facts.get("duration_months") or {}
    if not facts.get("duration") and not any(months.values()):
        return False
    wanted = durations.parse_duration(label)
    wanted_values = {round(v, 2) for v in wanted.values() if v is not None}
    if not wanted_values:
        return True
    got = {round(v, 2) for v in months.values() if v is not None}
    return bool(wanted_values & got)


def fees_found(label: str, facts: dict) -> bool:
    """A fee was read and, where the label states amounts, one of them is among those read."""
    if not (facts.get("fees") or facts.get("fee_amounts") or facts.get("free")):
        return False
    wanted = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", label) if len(n.replace(",", "")) >= 2}
    got = {float(a["amount"]) for a in facts.get("fee_amounts") or []}
    return not wanted or not got or bool(wanted & got)


def fact_hits(judged: Judged) -> dict[str, bool | None]:
    """Per fact: found (True), missed (False), or not labelled (None). Course pages only."""
    page, facts = judged.page, judged.facts
    out: dict[str, bool | None] = dict.fromkeys(FACTS)
    if not page.get("is_course"):
        return out
    if page.get("award"):
        out["award"] = award_found(page["award"], facts.get("awards") or [])
    if page.get("fheq_level"):
        out["level"] = facts.get("fheq_level") == page["fheq_level"]
    if page.get("modes"):
        out["modes"] = modes_found(page["modes"], facts.get("modes") or [])
    if page.get("duration_text"):
        out["duration"] = duration_found(page["duration_text"], facts)
    if page.get("fee_text"):
        out["fees"] = fees_found(page["fee_text"], facts)
    return out


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


@dataclass
class Figures:
    pages: int = 0
    course_recall: float | None = None
    course_recall_sure: float | None = None
    noncourse_rejection: float | None = None
    noncourse_kept_out: float | None = None
    scope_precision: float | None = None
    scope_recall: float | None = None
    scope_f1: float | None = None
    core_related_agreement: float | None = None
    facts: dict[str, float | None] = field(default_factory=dict)
    misses: dict[str, list[str]] = field(default_factory=dict)


def figures(judged: list[Judged]) -> Figures:
    """Course-page recall, non-course rejection, scope P/R/F1, core/related agreement, fact recall."""
    out = Figures(pages=len(judged))
    courses = [j for j in judged if j.page.get("is_course")]
    others = [j for j in judged if not j.page.get("is_course")]
    out.course_recall = _share(sum(j.typed_course for j in courses), len(courses))
    out.course_recall_sure = _share(sum(j.typed_course and j.facts.get("page_kind_sure", True) for j in courses),
                                    len(courses))
    out.noncourse_rejection = _share(sum(not j.typed_course for j in others), len(others))
    out.noncourse_kept_out = _share(sum(not j.candidate for j in others), len(others))
    out.misses["course pages typed otherwise"] = [f"{_name(j)} -> {j.facts.get('page_kind')}" for j in courses if not j.typed_course]
    out.misses["non-course pages typed course"] = [f"{_name(j)} -> {'candidate' if j.candidate else 'dropped'}"
                                                   for j in others if j.typed_course]

    labelled_in = [j for j in judged if j.page.get("group") in IN_SCOPE]
    judged_in = [j for j in judged if j.in_scope]
    true_in = [j for j in judged_in if j.page.get("group") in IN_SCOPE]
    out.scope_precision = _share(len(true_in), len(judged_in))
    out.scope_recall = _share(len(true_in), len(labelled_in))
    if out.scope_precision and out.scope_recall:
        out.scope_f1 = 2 * out.scope_precision * out.scope_recall / (out.scope_precision + out.scope_recall)
    out.core_related_agreement = _share(sum(j.verdict.get("category") == j.page["group"] for j in true_in), len(true_in))
    out.misses["in scope, not a candidate in scope"] = [
        f"{_name(j)} -> {j.facts.get('page_kind')}/{j.verdict.get('category')}: {_first_reason(j)}"
        for j in labelled_in if not j.in_scope]
    out.misses["out of scope, judged in scope"] = [
        f"{_name(j)} -> {j.verdict.get('category')}" for j in judged_in if j.page.get("group") not in IN_SCOPE]

    for fact in FACTS:
        hits = [(j, fact_hits(j)[fact]) for j in courses]
        scored = [(j, h) for j, h in hits if h is not None]
        out.facts[fact] = _share(sum(h for _, h in scored), len(scored))
        out.misses[f"{fact} missed"] = [f"{_name(j)}: {_fact_label(j.page, fact)!r} got {_fact_got(j.facts, fact)!r}"
                                        for j, h in scored if not h]
    return out


def _name(judged: Judged) -> str:
    return f"[{judged.wrapping} #{judged.page['index']}] {judged.page.get('title', '')[:60]}"


def _first_reason(judged: Judged) -> str:
    reasons = judged.verdict.get("reasons") or []
    return (reasons[0].get("phrase") or "")[:80] if reasons else ""


def _fact_label(page: dict, fact: str):
    return {"award": page.get("award"), "level": page.get("fheq_level"), "modes": page.get("modes"),
            "duration": page.get("duration_text"), "fees": page.get("fee_text")}[fact]


def _fact_got(facts: dict, fact: str):
    return {"award": facts.get("awards"), "level": facts.get("fheq_level"), "modes": facts.get("modes"),
            "duration": (facts.get("duration"), facts.get("duration_months")),
            "fees": (facts.get("fees") or "")[:60]}[fact]
