"""The item pipeline: each fetched page goes extract → judge → match → store."""

from __future__ import annotations

import json
import logging

from crawler.analyse.analyser import Analysis, PageAnalyser
from crawler.analyse.workers import close_shared_pool, open_shared_pool
from crawler.catalogue import load_catalogue
from crawler.items import FetchedPage, SitemapUnchangedPage
from crawler.paths import project_path
from crawler.match.normalise import awards_relation, canonical_awards, normalise_title
from crawler.registry import load_registry
from crawler.runlog import run_id_for
from crawler.storage import (
    add_candidate_urls, catalogue_rows, mark_page_seen, mark_page_seen_unfetched, forbidden_pairs, open_db, record_match, record_page, upsert_candidate,
)
from crawler.terms import load_terms

logger = logging.getLogger(__name__)

IN_SCOPE = ("core", "related")
# Candidate columns that each hold one extracted fact under the same name.
FACT_COLUMNS = ("title", "awards", "fheq_level", "credits", "modes", "duration", "fees", "entry_requirements",
                "requires_registration", "regulators", "topics", "start_dates")


def candidate_row(analysis: Analysis, canonical_url: str, urls: list[str]) -> dict:
    """The candidates-table row for one course page."""
    facts, site, match, verdict = analysis.facts, analysis.site, analysis.match, analysis.verdict
    # The facts as `explain` shows them (lists never None), so the two never disagree.
    shown = analysis.as_explain_json()
    return {
        "canonical_url": canonical_url,
        "urls": urls,
        "site": site.key,
        "provider": site.name,
        "region": site.region,
        **{column: shown[column] for column in FACT_COLUMNS},
        "months_full_time": shown["duration_months"].get("full-time"),
        "months_part_time": shown["duration_months"].get("part-time"),
        "summary": facts.get("summary"),
        "search_terms": analysis.search_terms,
        "facts": {k: v for k, v in facts.items() if k != "text"},
        "text": facts.get("text"),
        "scope_category": verdict["category"],
        "scope_score": verdict["score"],
        "scope_reasons": verdict["reasons"],
        "match_catalogue_id": match["catalogue_id"] if match else None,
        "match_score": match["score"] if match else None,
        "match_decision": match["decision"] if match else "new",
        "page_type_sure": 1 if analysis.type_sure else 0,
    }


class CoursesByTitle:
    """Course pages of a site by normalised title, to fold award pages of one course together.

    A page whose site already has a candidate at another URL with the same normalised title
    and at least one award in common (or no awards named) is the same course: "X MSc" and
    "X PgCert/PgDip/MSc". A PgCert-only page and an MSc-only page of one subject stay two
    courses, since providers sell those separately (the matcher's hard negatives).
    """

    def __init__(self, db):
        self._known: dict[tuple[str, str], list[tuple[str, frozenset]]] = {}
        for row in db.query("SELECT site, canonical_url, title, awards FROM candidates"):
            self._add(row["site"], row["canonical_url"], row["title"], json.loads(row["awards"] or "[]"))

    def _add(self, site: str, canonical: str, title: str | None, awards) -> None:
        key = normalise_title(title or "").key
        if key:
            self._known.setdefault((site, key), []).append((canonical, canonical_awards(awards)))

    def remember(self, site: str, canonical: str, facts: dict) -> None:
        self._add(site, canonical, facts.get("title"), facts.get("awards"))

    def same_course(self, site: str, canonical: str, facts: dict) -> str | None:
        """The canonical URL of the stored candidate this page is another page of, if any."""
        key = normalise_title(facts.get("title") or "").key
        awards = canonical_awards(facts.get("awards"))
        for known_url, known_awards in self._known.get((site, key), []) if key else []:
            if known_url == canonical:
                return None  # this very page, seen again: an ordinary update
            if awards_relation(awards, known_awards) != "conflict":
                return known_url
        return None


class CoursePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.registry = load_registry(settings.get("SITES_FILE"))
        self.terms = load_terms(settings.get("SEARCH_TERMS_FILE"))
        self.db_path = settings.get("DATABASE")
        self.catalogue_path = settings.get("CATALOGUE_FILE")
        # REEXTRACT=1 reads every page again even when unchanged (after changing the extractor).
        self.reextract = settings.getbool("REEXTRACT")
        # ANALYSIS_PROCESSES=N analyses pages in N worker processes (crawler/analyse/workers.py).
        self.processes = settings.getint("ANALYSIS_PROCESSES")
        self.pool = None
        self.db = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        self.db = open_db(self.db_path)
        if not self.crawler.settings.getbool("CATALOGUE_LOADED"):
            load_catalogue(self.db, self.catalogue_path)
        self.run_id = run_id_for(self.crawler, self.db)
        self.courses_by_title = CoursesByTitle(self.db)
        catalogue, never_link = catalogue_rows(self.db), forbidden_pairs(self.db)
        self.analyser = PageAnalyser(self.registry, self.terms, catalogue, never_link=never_link)
        if self.processes > 0:
            settings = self.crawler.settings
            self.pool_key, self.pool = open_shared_pool(
                self.processes, str(project_path(settings.get("SITES_FILE"))),
                str(project_path(settings.get("SEARCH_TERMS_FILE"))),
                str(project_path(settings.get("SCOPE_TERMS_FILE"))), catalogue, never_link,
            )

    def close_spider(self, spider=None):
        if self.pool is not None:
            close_shared_pool(self.pool_key)
            self.pool = None
        if self.db is None:
            return
        for target, old_urls in getattr(self.crawler, "redirect_aliases", {}).items():
            add_candidate_urls(self.db, target, sorted(old_urls))
        self.db.conn.close()

    def stored_page(self, url: str) -> tuple | None:
        """(content hash, candidate id, the candidate's scope category) of a stored page, or None."""
        return self.db.execute(
            """SELECT p.content_hash, p.candidate_id, c.scope_category FROM pages p
               LEFT JOIN candidates c ON c.id = p.candidate_id WHERE p.url = ?""", [url]).fetchone()

    def unchanged_since_last_seen(self, url: str, body_hash: str, seen_at: str, links: str | None = None) -> bool:
        """An unchanged page is not extracted again: its page and candidate rows are only marked seen."""
        row = self.stored_page(url)
        if row is None or row[0] != body_hash:
            return False
        stored_hash, candidate_id, category = row
        with self.db.atomic():
            mark_page_seen(self.db, url, candidate_id, self.run_id, seen_at, links)
        if candidate_id is not None:
            # Still a course page tonight, for the summary and the broken-spider alerts.
            self.count_course(category)
        return True

    def count_course(self, category: str | None, matched: bool = False) -> None:
        self.stats.inc_value("courses/found")
        self.stats.inc_value(f"courses/{category}")
        if category in IN_SCOPE:
            self.stats.inc_value("courses/in_scope")
        if matched:
            self.stats.inc_value("courses/matched")

    def seen_unfetched(self, page: SitemapUnchangedPage) -> dict:
        """A stored page not requested tonight (crawler/fetch/revisits.py): seen in this run, still its
        last fetch's page; pages.fetched_at keeps the time it was last fetched."""
        row = self.stored_page(page.url)
        if row is None:  # the spider read it a moment ago; only a concurrent writer could have deleted it
            logger.warning("Not requested as unchanged, but no longer stored: %s", page.url)
            return {"url": page.url, "site": page.site, "error": "unchanged page no longer stored"}
        _, candidate_id, category = row
        with self.db.atomic():
            mark_page_seen_unfetched(self.db, page.url, candidate_id, self.run_id, page.seen_at)
        if candidate_id is not None:
            self.count_course(category)
        return {"url": page.url, "site": page.site, "unchanged": True, "requested": False}

    async def process_item(self, item, spider=None):
        if isinstance(item, SitemapUnchangedPage):
            return self.seen_unfetched(item)
        if not isinstance(item, FetchedPage):
            return item
        if self.pool is not None:
            return await self.store_page_in_pool(item)
        return self.store_page(item)

    def store_page(self, page: FetchedPage) -> dict:
        """Analyse and store one page on this thread (the crawl without a pool, and `scrapy ingest`)."""
        unchanged = self.skip_if_unchanged(page)
        if unchanged:
            return unchanged
        site = self.registry.get(page.site)
        try:
            analysis = self.analyser.analyse(page.body, page.url, encoding=page.encoding, site=site,
                                             canonical_url=page.canonical_url or page.url)
        except Exception as exc:  # a page that breaks the analyser is logged and skipped, never the crawl
            return self.analysis_failed(page, exc)
        return self.write_page(page, analysis)

    async def store_page_in_pool(self, page: FetchedPage) -> dict:
        unchanged = self.skip_if_unchanged(page)
        if unchanged:
            return unchanged
        try:
            analysis = await self.pool.analyse(page.body, page.url, page.encoding, page.site,
                                               page.canonical_url or page.url)
        except Exception as exc:  # a page that breaks the analyser is logged and skipped, never the crawl
            return self.analysis_failed(page, exc)
        return self.write_page(page, analysis)

    def analysis_failed(self, page: FetchedPage, exc: Exception) -> dict:
        self.stats.inc_value("errors/analysis_failed")
        logger.warning("Could not analyse %s: %r", page.url, exc)
        return {"url": page.url, "site": page.site, "error": repr(exc)}

    def skip_if_unchanged(self, page: FetchedPage) -> dict | None:
        if self.reextract:
            return None
        if not self.unchanged_since_last_seen(page.url, page.content_hash, page.fetched_at, page.links):
            return None
        self.stats.inc_value("pages/unchanged")
        return {"url": page.url, "site": page.site, "unchanged": True}

    def write_page(self, page: FetchedPage, analysis: Analysis) -> dict:
        site = self.registry.get(page.site)
        canonical = page.canonical_url or page.url
        facts = analysis.facts
        page_row = {
            "url": page.url, "site": site.key, "run_id": self.run_id, "fetched_at": page.fetched_at,
            "status": page.status, "content_type": page.content_type, "content_hash": page.content_hash,
            "archive_record": page.archive_record, "page_kind": facts.get("page_kind"),
            "is_course": 1 if analysis.is_course else 0,
            "error": "; ".join(facts.get("errors") or []) or None,
            "page_kind_sure": 1 if analysis.type_sure else 0,
            "kind_evidence": json.dumps(facts.get("page_kind_evidence") or [], ensure_ascii=False),
            "scope_category": analysis.verdict.get("category") if analysis.is_course else None,
            "judgement": analysis.judgement(),
            "links": page.links,
        }
        summary = {"url": page.url, "site": site.key, "is_course": analysis.is_candidate,
                   "title": facts.get("title"), "scope": None, "candidate_id": None}
        if analysis.is_course and not analysis.type_sure:
            self.stats.inc_value("courses/unsure_type" if analysis.is_candidate else "pages/dropped_unsure_type")
        # One transaction per page: a killed crawl leaves whole pages or none.
        with self.db.atomic():
            if analysis.is_candidate:
                category = analysis.verdict["category"]
                self.count_course(category, matched=bool(analysis.match and analysis.match["decision"] == "duplicate"))
                same_course = self.courses_by_title.same_course(site.key, canonical, facts)
                if same_course:
                    # Another URL (or award page) of a course already stored: one candidate, several URLs.
                    canonical = same_course
                    self.stats.inc_value("courses/merged_same_title")
                    candidate_id = add_candidate_urls(self.db, canonical, [page.url, *page.urls])
                else:
                    candidate_id = upsert_candidate(
                        self.db, candidate_row(analysis, canonical, page.urls), self.run_id, page.fetched_at
                    )
                    self.courses_by_title.remember(site.key, canonical, facts)
                if analysis.match and not same_course:
                    record_match(self.db, candidate_id, analysis.match, self.run_id)
                page_row["candidate_id"] = candidate_id
                summary.update(scope=category, candidate_id=candidate_id)
            record_page(self.db, page_row)
        return summary
