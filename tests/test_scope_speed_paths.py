"""scope_rules' shortcuts decide what the plain definitions decide.

Each shortcut is compared with the computation it spares, on the text of the fixture pages
(and of the development pages when they are there) and on awkward strings chosen so that a
wrong bound fails a case.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

import scope_rules
from crawler.facts import realpages

EXTRACT_PAGES = Path(__file__).parent / "fixtures" / "extract"


def plain_listing(text: str) -> int:
    """_looks_like_listing without the count of letter pairs first."""
    awards = len(scope_rules._AWARD_WORDS.findall(text))
    if awards < scope_rules.LISTING_AWARD_MENTIONS:
        return 0
    words = len(scope_rules._WORDS.findall(text))
    return awards if words <= awards * scope_rules.LISTING_WORDS_PER_AWARD else 0


def _texts() -> list[str]:
    texts = [lxml.html.document_fromstring(path.read_bytes()).text_content() for path in sorted(EXTRACT_PAGES.glob("*.html"))]
    if realpages.dev_pages_path().exists():
        texts += [page.get("text") or "" for page in realpages.load_dev_pages()]
    return texts


def _listing(names: list[str], sep: str = " ") -> str:
    return sep.join(names)


N = scope_rules.LISTING_AWARD_MENTIONS
AWKWARD = [
    "", "MSc", _listing(["MSc"] * N), _listing(["MSc"] * (N - 1)), _listing(["MA"] * N, ""),  # no boundaries: none count
    _listing(["MA"] * N, "/"), _listing(["PGDip", "PgCert", "LLM", "FdA", "FdSc", "MEng", "PhD", "BA"] * 5, ", "),
    _listing(["MBA"] * N, " Nursing "), _listing(["LLM"] * N, "L"), _listing(["MSc Nursing (part-time)"] * N, "\n"),
    "MScs " * N, _listing(["BSc"] * N, " one two three four five six seven eight nine ten eleven twelve thirteen "),
]


@pytest.mark.parametrize("text", AWKWARD)
def test_listing_is_the_plain_definition_on_awkward_text(text):
    assert scope_rules._looks_like_listing(text) == plain_listing(text)
    # The bound the shortcut rests on: never fewer letter pairs than award words.
    assert len(scope_rules._AWARD_HEADS.findall(text)) >= len(scope_rules._AWARD_WORDS.findall(text))


def test_some_awkward_texts_are_listings():
    assert sum(plain_listing(text) > 0 for text in AWKWARD) >= 4


def test_listing_is_the_plain_definition_on_page_text():
    texts = _texts()
    assert len(texts) > 40
    for text in texts:
        for part in (text, text[:scope_rules.TEXT_SCAN_CHARS]):
            assert scope_rules._looks_like_listing(part) == plain_listing(part)
            assert len(scope_rules._AWARD_HEADS.findall(part)) >= len(scope_rules._AWARD_WORDS.findall(part))


def test_every_award_name_starts_with_a_counted_pair():
    for name in scope_rules._AWARD_NAMES:
        assert scope_rules._AWARD_HEADS.fullmatch(name[:2]), name


def test_english_share_is_the_plain_count():
    def plain(text):
        words = scope_rules._WORDS.findall(text[:5000].lower())
        if not words:
            return 0.0
        return sum(w in scope_rules._ENGLISH_STOPWORDS for w in words) / len(words)

    for text in _texts() + ["", "123", "The and of", "Ceci n'est pas une pipe", "THE AND OF TO IN"] + NON_ASCII:
        assert scope_rules._english_share(text) == plain(text), text[:60]


# Characters that keep the bytes shortcut (signs, dashes, quotes) and those that must leave it:
# letters, letters that lowercase into ASCII, digits that are not decimal, a capital sigma.
NON_ASCII = [
    "£9,250 – the course’s fees “and” more", "café and the tea", "straße of the", "Kelvin the and",
    "İstanbul in the", "x² and the ½ of", "chapter Ⅻ of the", "ΟΔΟΣ the and", "the and of", "the_and 12the",
    "١٢ the ٣ and", "naïve the and", "the \ud800 and of", "the ﬁnal and of", "́the and", "the 😀 and of",
]


def test_the_english_share_shortcut_keeps_and_leaves_the_bytes_path():
    kept = [text for text in NON_ASCII if all(map(scope_rules._separates_words, set(text) - set(map(chr, range(128)))))]
    assert 2 <= len(kept) < len(NON_ASCII) - 5


def _plain_finditer(rules, lowered: dict[str, str], term_list, name):
    """What the scan gives: the list's own pattern over the field with the masks blanked."""
    text = lowered[name]
    if rules.mask is not None:
        text = rules.mask.sub(" ", text)
    return term_list.pattern.finditer(text)


def _rules_without_index(tmp_path):
    """The scope rules with a phrase that opens with a wildcard: no literal index, every list scanned by re."""
    import yaml

    raw = yaml.safe_load(scope_rules.TERMS_FILE.read_text())
    raw["lists"]["health_setting"]["terms"].append("*ward")
    path = tmp_path / "scope_terms.yaml"
    path.write_text(yaml.safe_dump(raw))
    rules = scope_rules.load_scope_rules(path)
    assert rules.literal_index is None
    return rules


@pytest.mark.parametrize("indexed", [True, False], ids=["literal index", "no literal index"])
def test_every_list_scans_each_field_as_its_pattern_does(indexed, tmp_path):
    rules = scope_rules.default_rules() if indexed else _rules_without_index(tmp_path)
    texts = _texts() + ["health and safety care homes; quality of life in it", "", "it to pro per super"]
    hits = passed_over = 0
    for n, text in enumerate(texts):
        title = texts[(n + 1) % len(texts)][:200]
        lowered = {"title": title.lower(), "summary": text[:600].lower(), "topics": "quality improvement ; health",
                   "entry_requirements": text[-500:].lower(), "text": text[:scope_rules.TEXT_SCAN_CHARS].lower()}
        fields = scope_rules._Fields(rules, lowered)
        for term_list in rules.lists:
            for name in scope_rules.FIELDS:
                found = [(m.span(), m.group(0)) for m in fields.finditer(term_list, name)]
                assert found == [(m.span(), m.group(0)) for m in _plain_finditer(rules, lowered, term_list, name)], \
                    (term_list.name, name, text[:60])
                hits += len(found)
                passed_over += not fields.may_match(term_list, name)
                assert fields.may_match(term_list, name) or not found, (term_list.name, name, text[:60])
    assert hits > 500 and (passed_over > 500 or not indexed)  # with no index, only empty fields are passed over


def test_verdicts_without_a_literal_index_ignore_a_shared_scan(tmp_path):
    from crawler.scan.literals import LiteralIndex
    from crawler.scan.shared import SharedScan

    rules = _rules_without_index(tmp_path)
    index = LiteralIndex(scope_rules.default_rules().literal_index.literals)
    for text in _texts()[:40]:
        facts = {"title": "MSc Quality Improvement in Healthcare", "summary": text[:300], "text": text, "page_kind": "course"}
        expected = scope_rules.classify(facts, rules)
        assert scope_rules.classify(facts, rules, SharedScan(index, text.lower())) == expected
