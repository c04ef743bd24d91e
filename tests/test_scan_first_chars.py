"""crawler/scan/firsts.behind_first_chars: a lookahead for the first characters changes no match,
and find_awards, which uses it over lowercased text, finds what the plain re.I search finds."""

from __future__ import annotations

import re

import pytest

from crawler.facts import awards, realpages
from crawler.scan.firsts import behind_first_chars
from tests.test_scan_patterns import _page_texts


def _named_spans(pattern, text):
    return [(m.span(), m.lastgroup) for m in pattern.finditer(text)]


@pytest.mark.parametrize("source, expected", [
    (r"\bfull[\s-]?time\b|\bpart", r"(?=[fp])\bfull[\s-]?time\b|\bpart"),
    (r"\b\d{1,3}\s+weeks|\bone\s+week", r"(?=[o\d])\b\d{1,3}\s+weeks|\bone\s+week"),
    (r"[£$€]\s?\d|-\s?x", r"(?=[\$\-£€])[£$€]\s?\d|-\s?x"),
    # Unknown first characters, re.I, a global flag group: left as they are.
    (r"\b\w+\s+weeks", r"\b\w+\s+weeks"),
    (r"(?m)^full", r"(?m)^full"),
])
def test_behind_first_chars(source, expected):
    assert behind_first_chars(source) == expected


def test_a_case_insensitive_pattern_is_left_alone():
    assert behind_first_chars(r"\bfees\b", re.I) == r"\bfees\b"


def _texts() -> list[str]:
    texts = _page_texts()
    if realpages.dev_pages_path().exists():
        pages = realpages.load_dev_pages()
        texts += [page.get("text") or "" for page in pages] + [page.get("title") or "" for page in pages]
    return texts


AWKWARD = [
    "MSC Nursing", "msc nursing", "PGCERT / Dip", "Pg Cert/PGDip", "M.Sc. and B.A. (Hons)", "MA-level", "M.A.S. degree",
    "Helen Marsh, PhD, Director", "Master of Nursing", "master of ceremonies", "Master’s in Public Health",
    "A 20-credit module", "A ٢٠ credit module", "Fd Sc", "FdSc", "DClinPsy", "EdD and DProf", "graduate certificate",
    "post-graduate certificate", "post graduate certificate", "Postgraduate Certificate in Education",
    # Characters re.I folds unlike str.lower(): the re.I search is used as it is.
    "\u0130MSc", "PGCERT \u017f", "MSc \u212a", "MS\u0131c", "MS in Clinical Research", "the MS society",
]


def test_find_awards_is_the_plain_search():
    def plain(text):
        found = set()
        for pattern in (awards._AWARD_I, awards._AWARD_CS):
            for match in pattern.finditer(text):
                if not awards._is_post_nominal(text, match):
                    found.add(awards._GROUP_AWARD[match.lastgroup])
        if awards._CERT_SLASH_DIP.search(text) or awards._CERT_SLASH_PGDIP.search(text):
            found.update(("PgCert", "PgDip"))
        if found & awards.NAMED_MASTERS:
            found.discard("master's")
        return [a for a in awards.AWARD_ORDER if a in found]

    texts = _texts() + AWKWARD
    assert sum(bool(plain(text)) for text in texts) > 30  # the texts name awards to find
    for text in texts:
        assert awards.find_awards(text) == plain(text), text[:80]


def test_the_faster_alternations_find_what_the_plain_ones_find():
    from crawler.scan.literals import lowered_in_step

    for text in _texts() + AWKWARD:
        assert _named_spans(awards._AWARD_CS_FAST, text) == _named_spans(awards._AWARD_CS, text)
        lowered = lowered_in_step(text)
        if lowered is not None:
            assert _named_spans(awards._AWARD_I_LOWER, lowered) == _named_spans(awards._AWARD_I, text), text[:80]
