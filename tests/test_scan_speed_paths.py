"""Shortcuts around the scan give what the plain definitions give: the lowered head of a
text cut from its remembered lowering, the search terms of a page lowered part by part,
and the site of a URL remembered per host.

Each is compared with the computation it spares, on the text of the fixture pages (and of
the development pages when they are there), on generated course pages, and on awkward
strings chosen so that a wrong condition fails a case.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

import lxml.html
import pytest

from crawler.facts import realpages
from crawler.registry import load_registry
from crawler.scan import lowercase
from crawler.terms import load_terms

ROOT = Path(__file__).resolve().parent.parent
EXTRACT_PAGES = ROOT / "tests" / "fixtures" / "extract"


def _texts() -> list[str]:
    texts = [lxml.html.document_fromstring(path.read_bytes()).text_content() for path in sorted(EXTRACT_PAGES.glob("*.html"))]
    if realpages.dev_pages_path().exists():
        texts += [page.get("text") or "" for page in realpages.load_dev_pages()]
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from sitegen import BenchSite
    finally:
        sys.path.remove(str(ROOT / "bench"))
    site = BenchSite(20)
    texts += [lxml.html.document_fromstring(site.pages[c["path"]][1]).text_content() for c in site.courses]
    return texts


# Characters that lowercase to two (İ), into ASCII (the Kelvin sign), or by context (a final
# sigma, whose form depends on the letter after it: a cut just after it changes it).
AWKWARD = [
    "", "a", "ΟΔΟΣ", "ΟΔΟΣΑ " * 60, "x" * 9 + "Σ" + "A" * 300, "İstanbul " * 50, "\u212a" * 400,
    "Full-time MSc, £9,250 – 12 months. " * 30, "ΟΔΟΣ\n" + "ΑΣ" * 200,
]


def test_the_lowered_head_is_str_lower_of_the_head():
    for text in _texts() + AWKWARD:
        for end in (0, 1, 9, 10, 11, 256, 4000, 8000, len(text) - 1, len(text), len(text) + 1):
            if end < 0:
                continue
            expected = text[:end].lower()
            assert lowercase.lowered_head(text, end) == expected, (text[:40], end)
            lowercase.lowered(text)  # now remembered: the head is cut from it where that is exact
            assert lowercase.lowered_head(text, end) == expected, (text[:40], end)


def test_the_lowered_head_is_cut_from_the_remembered_text():
    text = "Part-time PgCert in Quality Improvement. " * 300
    low = lowercase.lowered(text)
    assert lowercase.lowered_head(text, 8000) == low[:8000]
    assert lowercase.lowered_head(text, len(text)) is low


def test_a_sigma_before_the_cut_is_lowered_as_the_head_ends():
    text = "ΟΔΟΣ" * 100 + "Α" * 100
    lowercase.lowered(text)
    head = lowercase.lowered_head(text, 4)
    assert head == "οδος" != text.lower()[:4]  # final form at the cut, not the middle form


@pytest.fixture(scope="module")
def terms():
    return load_terms()


def test_search_terms_of_a_page_are_those_of_its_joined_text(terms):
    texts = _texts()
    titles = ["", "MSc Quality Improvement", "ΟΔΟΣ", "Implementation ΣCIENCE", "Clinical Research Σ", "İMPROVEMENT Science"]
    found_any = 0
    for n, text in enumerate(texts + AWKWARD):
        title = titles[n % len(titles)]
        expected = terms.found_in(f"{title}\n{text}")
        found_any += bool(expected)
        assert terms.found_in_page(title, text) == expected, (title, text[:60])
        lowercase.lowered(text)  # the remembered lowering gives the same
        assert terms.found_in_page(title, text) == expected, (title, text[:60])
    assert found_any >= 10  # the texts carry terms to find


@pytest.mark.parametrize("title, text", [
    (None, None), ("", ""), ("Improvement", "science and more"), ("Improvement\n", "Science"),
    ("Evidence", "based practice"), ("ΟΔΟΣ", "Σ implementation science"), ("Darzi Fellow", None),
])
def test_search_terms_across_the_join(terms, title, text):
    # A spelling may run across the line break between title and text, as found_in sees it.
    assert terms.found_in_page(title, text) == terms.found_in(f"{title or ''}\n{text or ''}")


def _plain_site_for_url(registry, url: str):
    """site_for_url as defined: every site's allowed domains asked, the most specific wins."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    owners = [s for s in registry.sites if s.owns_host(host)]
    if not owners:
        return None
    return max(owners, key=lambda s: max(len(d) for d in s.allowed_domains if host == d or host.endswith("." + d)))


def _urls(registry) -> list[str]:
    urls = []
    for site in registry.sites:
        urls += [site.home, *site.sitemaps, *site.listings]
        for domain in site.allowed_domains:
            urls += [f"https://{domain}/x", f"https://www.{domain}/courses/msc", f"http://A.B.{domain.upper()}:8080/y",
                     f"https://not{domain}/", f"https://{domain}.evil.example/", f"https://{domain}./"]
    return urls + ["", "not a url", "https:///path", "https://[::1]/", "https://bench.example/courses/x", "mailto:x@nhs.uk"]


def test_site_for_url_is_the_plain_definition_for_every_registered_site():
    registry = load_registry()
    urls = _urls(registry)
    assert len({_plain_site_for_url(registry, url) for url in urls}) > len(registry.sites) // 2
    for _ in range(2):  # asked, then remembered
        for url in urls:
            assert registry.site_for_url(url) is _plain_site_for_url(registry, url), url


def test_site_for_url_follows_changes_to_the_list_of_sites():
    registry = load_registry()
    url = registry.sites[0].home
    first = registry.site_for_url(url)
    assert first is registry.sites[0]
    # A more specific site added: it wins from then on.
    host = first.home.split("/")[2]
    registry.sites.append(dataclasses.replace(first, key="narrower", allowed_domains=(host,)))
    assert registry.site_for_url(url).key == "narrower" == _plain_site_for_url(registry, url).key
    # A site replaced by an equal copy: the copy is the answer, as the plain definition says.
    registry.sites.pop()
    assert registry.site_for_url(url) is first
    copy = dataclasses.replace(first)
    registry.sites[0] = copy
    assert registry.site_for_url(url) is copy is _plain_site_for_url(registry, url)
    registry.sites.clear()
    assert registry.site_for_url(url) is None


def test_site_for_url_forgets_past_its_limit(monkeypatch):
    from crawler import registry as registry_module

    monkeypatch.setattr(registry_module, "MAX_REMEMBERED_HOSTS", 5)
    registry = load_registry()
    for n in range(12):
        url = f"https://h{n}.{registry.sites[n % len(registry.sites)].allowed_domains[0]}/"
        assert registry.site_for_url(url) is _plain_site_for_url(registry, url)
        assert len(registry._site_by_host) <= 5


@pytest.mark.parametrize("text", [
    "", "no digits", "12 months, £9,250", "2027", "x² and ½ are no decimal digits: 3",
    "٣ weeks, 12 weeks", "ＭＳｃ １２ months 3", "a lone \ud800 surrogate 7", "৭ and 7", "9" * 50,
])
def test_digit_offsets_are_what_re_finds_on_awkward_text(text):
    from crawler.scan.literals import digit_offsets

    assert digit_offsets(text) == [m.start() for m in re.finditer(r"\d", text)]


def test_digit_offsets_are_what_re_finds_on_page_text():
    from crawler.scan.literals import digit_offsets

    texts = _texts()
    assert sum(bool(re.search(r"\d", text)) for text in texts) > 20
    for text in texts:
        for part in (text, text.lower(), text[:4000]):
            assert digit_offsets(part) == [m.start() for m in re.finditer(r"\d", part)]


def _joint_index(*literal_sets):
    from crawler.scan.literals import LiteralIndex

    return LiteralIndex(frozenset().union(*literal_sets))


def test_a_shared_scan_finds_in_a_head_what_a_scan_of_the_head_finds():
    import scope_rules
    from crawler.scan.literals import LiteralIndex
    from crawler.scan.shared import SharedScan

    rules = scope_rules.default_rules()
    literal_sets = [rules.literal_index.literals, load_terms().first_words, frozenset({"he", "she", "hers", "s"})]
    index = _joint_index(*literal_sets)
    for text in _texts()[::3] + ["ushers", "she", ""]:
        lowered = text.lower()
        scan = SharedScan(index, lowered)
        for literals in literal_sets:
            assert scan.covers(literals)
            for end in (0, 1, 5, 100, scope_rules.TEXT_SCAN_CHARS, len(lowered) - 3, len(lowered)):
                if end >= 0:
                    assert scan.found_before(end, literals) == LiteralIndex(literals).starts(lowered[:end]), (end, text[:40])


def test_covers_is_the_subset_test():
    from crawler.scan.literals import LiteralIndex

    index = LiteralIndex(["care", "health", "nhs"])
    for literals in (frozenset({"care"}), frozenset({"care", "lean"}), frozenset(), frozenset({"nhs", "health", "care"})):
        for _ in range(2):  # asked, then remembered
            assert index.covers(literals) == (literals <= index.literals)


def test_search_terms_from_a_shared_scan_are_those_of_the_joined_text(terms):
    import scope_rules
    from crawler.scan.literals import LiteralIndex
    from crawler.scan.shared import SharedScan

    covering = _joint_index(terms.first_words, scope_rules.default_rules().literal_index.literals)
    short = LiteralIndex(sorted(terms.first_words)[1:])  # one first word not looked for: not used
    titles = ["", "MSc Quality Improvement", "Research", "Implementation ΣCIENCE", "Evidence"]
    found_any = 0
    for n, text in enumerate(_texts() + AWKWARD + ["science and more", "based practice"]):
        title = titles[n % len(titles)]
        expected = terms.found_in(f"{title}\n{text}")
        found_any += bool(expected)
        lowered = text.lower()
        for scan in (SharedScan(covering, lowered), SharedScan(short, lowered), SharedScan(covering, lowered + " msc")):
            assert terms.found_in_page(title, text, scan) == expected, (title, text[:60])
    assert found_any >= 10


def _page_facts() -> list[dict]:
    from crawler.extract import extract_course_facts

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from sitegen import BenchSite
    finally:
        sys.path.remove(str(ROOT / "bench"))
    site = BenchSite(30)
    pages = [(site.pages[c["path"]][1], "https://bench.example" + c["path"]) for c in site.courses]
    if realpages.dev_pages_path().exists():
        pages += [(realpages.wrap_page(page, "plain"), page["url"]) for page in realpages.load_dev_pages()]
    facts = [extract_course_facts(body, url) for body, url in pages]
    # Awkward texts: a capital sigma at the cut (its form depends on what the cut removes), a
    # masked phrase ("health and safety") and a phrase running across the cut.
    cut = 8000
    facts.append({**facts[0], "text": "x" * (cut - 1) + "Σ" + "A" * 50})
    facts.append({**facts[0], "text": "Health and safety in quality improvement. " * 250})
    facts.append({**facts[0], "text": "a" * (cut - 8) + " quality improvement in the NHS"})
    facts.append({**facts[0], "text": "İ" + facts[0]["text"]})
    return facts


def test_the_scope_verdict_from_a_shared_scan_is_the_verdict_without_it():
    import scope_rules
    from crawler.scan.literals import LiteralIndex
    from crawler.scan.shared import SharedScan

    rules = scope_rules.default_rules()
    covering = _joint_index(rules.literal_index.literals, load_terms().first_words)
    short = LiteralIndex(sorted(rules.literal_index.literals)[1:])
    categories = set()
    for facts in _page_facts():
        expected = scope_rules.classify(facts)
        categories.add(expected["category"])
        lowered = lowercase.lowered(facts["text"])
        for scan in (SharedScan(covering, lowered), SharedScan(short, lowered), SharedScan(covering, "x" + lowered)):
            assert scope_rules.classify(facts, text_scan=scan) == expected, facts["text"][:60]
    assert categories == {"core", "related", "out"}
