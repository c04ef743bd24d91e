"""One page through the stages: extract → judge → match. Shared by the crawl, `explain` and re-scoring."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import scope_rules
from crawler.extract import extract_course_facts
from crawler.match.matching import Matcher, ProviderResolver
from crawler.registry import Registry, Site
from crawler.scan import lowercase
from crawler.scan.literals import LiteralIndex
from crawler.scan.shared import SharedScan
from crawler.terms import SearchTerms

logger = logging.getLogger(__name__)

IN_SCOPE = ("core", "related")

@dataclass
class Analysis:
    url: str
    site: Site | None
    facts: dict
    verdict: dict
    match: dict | None
    search_terms: list[str]

    @property
    def is_course(self) -> bool:
        return bool(self.facts.get("is_course"))

    @property
    def type_sure(self) -> bool:
        return bool(self.facts.get("page_kind_sure", True))

    @property
    def is_candidate(self) -> bool:
        """Stored as a candidate: a course page typed for sure, or one unsure of its type
        that the scope rules keep (an unsure page out of scope is dropped, with its reasons, in `pages`)."""
        if not self.is_course:
            return False
        return self.type_sure or self.verdict.get("category") in IN_SCOPE

    def judgement(self) -> str:
        """Why the page is, or is not, a candidate, in words a maintainer auditing the crawl reads."""
        kind = self.facts.get("page_kind") or "other"
        sure = "sure" if self.type_sure else "unsure"
        category = self.verdict.get("category")
        if self.is_candidate:
            return f"candidate: {kind} page ({sure} of its type), {category}"
        if self.is_course:
            reason = (self.verdict.get("reasons") or [{}])[0]
            return f"dropped: unsure it is a course page, and out of scope ({reason.get('rule')}: {reason.get('phrase')})"
        return f"dropped: typed {kind} ({sure})"

    def as_explain_json(self) -> dict:
        facts = self.facts
        return {
            "url": self.url,
            "title": facts.get("title"),
            "provider": self.site.name if self.site else None,
            "is_course": self.is_course,
            "page_kind": facts.get("page_kind"),
            "page_kind_sure": self.type_sure,
            "page_kind_evidence": facts.get("page_kind_evidence") or [],
            "is_candidate": self.is_candidate,
            "judgement": self.judgement(),
            "awards": facts.get("awards") or [],
            "fheq_level": facts.get("fheq_level"),
            "credits": facts.get("credits"),
            "modes": facts.get("modes") or [],
            "duration": facts.get("duration"),
            "duration_months": facts.get("duration_months") or {"full-time": None, "part-time": None},
            "fees": facts.get("fees"),
            "fee_amounts": facts.get("fee_amounts") or [],
            "entry_requirements": facts.get("entry_requirements"),
            "degree_class": facts.get("degree_class"),
            "work_experience": facts.get("work_experience"),
            "requires_registration": facts.get("requires_registration"),
            "regulators": facts.get("regulators") or [],
            "topics": facts.get("topics") or [],
            "start_dates": facts.get("start_dates") or [],
            "search_terms": self.search_terms,
            "scope": self.verdict,
            "match": self.match,
            "sources": facts.get("sources") or {},
            "errors": facts.get("errors") or [],
        }


class PageAnalyser:
    """Analyses pages. Built with an empty catalogue it can still extract and judge
    (`analyse(..., match=False)`), for a distributed worker; the writer matches later with `complete`."""

    def __init__(self, registry: Registry, terms: SearchTerms, catalogue: list[dict] = (),
                 never_link: set | None = None):
        self.registry = registry
        self.terms = terms
        self.matcher = Matcher(catalogue, ProviderResolver.from_registry(registry), never_link=never_link or set())
        # The scope rules the shared index was built for, and the index (see _text_scan).
        self._scan_for: tuple[scope_rules.ScopeRules, LiteralIndex | None] | None = None

    def analyse(self, body: bytes | str, url: str, encoding: str | None = None, site: Site | None = None,
                canonical_url: str | None = None, terms_on_every_page: bool = False,
                match: bool = True) -> Analysis:
        """Extract, judge and match one page. Search terms are looked for on course pages only,
        unless terms_on_every_page (for `explain`, which reports them for any page).
        With match=False the page is not matched (`match` stays None); `complete` matches it later."""
        site = site or self.registry.site_for_url(url)
        facts = extract_course_facts(body, url, encoding=encoding)
        if site is not None and site.health_focused:
            facts["provider_health_focused"] = site.name
        text_scan = self._text_scan(facts.get("text"))
        terms = []
        if facts.get("is_course") or terms_on_every_page:
            terms = self.terms.found_in_page(facts.get("title"), facts.get("text"), text_scan)
        # The scope rules give non-course pages their own verdict and reason.
        verdict = scope_rules.classify(facts, text_scan=text_scan)
        analysis = Analysis(url, site, facts, verdict, None, terms)
        if not match:
            return analysis
        return self.complete(analysis, canonical_url=canonical_url)

    def _text_scan(self, text) -> SharedScan | None:
        """One scan of the page's lowercased text for the search terms and the scope rules, made when first read."""
        if not isinstance(text, str) or not text:
            return None
        rules = scope_rules.default_rules()  # another terms file may be in use since the last page
        if self._scan_for is None or self._scan_for[0] is not rules:
            literals = self.terms.first_words | (rules.literal_index.literals if rules.literal_index else frozenset())
            self._scan_for = (rules, LiteralIndex(literals) if literals else None)
        index = self._scan_for[1]
        return SharedScan(index, lowercase.lowered(text)) if index is not None else None

    def complete(self, analysis: Analysis, canonical_url: str | None = None) -> Analysis:
        """Match an analysis made with match=False against this analyser's catalogue; sets and returns it.
        Only course pages are matched, as in `analyse`."""
        if not analysis.is_course:
            return analysis
        facts = analysis.facts
        provider = analysis.site.name if analysis.site else ""
        analysis.match = self.matcher.best(facts.get("title") or "", provider, url=canonical_url or analysis.url,
                                           awards=facts.get("awards"))
        return analysis
