"""crawler/scan/boundaries: one word-boundary test for a run of alternatives is the same regex."""

import re

import pytest

from crawler.facts import modes
from crawler.scan.boundaries import boundary_first, top_level_alternatives
from tests.test_scan_patterns import _page_texts


def _spans(pattern, text):
    return [(m.start(), m.end(), m.groups()) for m in pattern.finditer(text)]


def test_alternatives_split_only_at_the_top_level():
    assert top_level_alternatives(r"\ba|(?:b|c)|[|\]]x|\\|d") == [r"\ba", "(?:b|c)", r"[|\]]x", "\\\\", "d"]
    assert top_level_alternatives(r"[]|]|[^]|]|e") == ["[]|]", "[^]|]", "e"]


@pytest.mark.parametrize("source, expected", [
    (r"\bone\b|\btwo\b", r"\b(?:one\b|two\b)"),
    # Order is kept: an alternative without a boundary ends the run and stays where it was.
    (r"\ba|\bb|[(]c|\bd", r"\b(?:a|b)|[(]c|\bd"),
    (r"\\bnot|\bword", r"\\bnot|\bword"),  # an escaped backslash then "b" is not a boundary
    (r"\bsingle", r"\bsingle"),
])
def test_runs_of_boundary_alternatives_share_one_boundary(source, expected):
    assert boundary_first(source) == expected


@pytest.mark.parametrize("mode, source", modes._TEXT_MODES + modes._LABEL_MODES)
def test_a_rewritten_pattern_matches_what_the_original_matches(mode, source):
    texts = _page_texts() + ["Full-time study; studied part time (Part-time)\n- part-time: 2 years\nonline course, in person"]
    for flags in (0, re.I):
        original, rewritten = re.compile(source, flags), re.compile(boundary_first(source), flags)
        for text in texts:
            assert _spans(rewritten, text) == _spans(original, text), (mode, text[:80])


def test_every_rewritten_pattern_matches_what_its_source_matches():
    import crawler.extract  # noqa: F401 - compiles the facts' patterns
    import crawler.facts.pagekind  # noqa: F401
    from crawler.scan.boundaries import REWRITTEN

    assert len(REWRITTEN) >= 30
    texts = _page_texts()
    for rewritten, source in REWRITTEN.items():
        original = re.compile(source, rewritten.flags)
        for text in texts:
            assert _spans(rewritten, text) == _spans(original, text), source[:60]


def _named_spans(pattern, text):
    return [(m.span(), m.lastgroup) for m in pattern.finditer(text)]


def test_the_award_alternation_finds_what_the_plain_alternation_finds():
    from crawler.facts import awards

    texts = _page_texts() + ["Postgraduate Certificate, post-graduate certificate, post graduate certificate; "
                             "Jane Marsh, PhD, Director; M.A. B.A.Sc. MA BA (Hons) MS in Nursing, M.S. degree; "
                             "Graduate Certificate and post-Graduate Certificate; Master of Nursing; FdSc; EdD"]
    written_as = dict(awards._SPELLINGS_I)
    # The certificate spelling as first written, its boundary after the look-behinds.
    written_as["certificate"] = r"(?<!post-)(?<!post\s)\bgraduate\s+certificate\b|\bcertificate\s+of\s+graduate\s+study\b"
    plain_i = re.compile("|".join(f"(?P<i{n}>{written_as[a]})" for n, (a, _) in enumerate(awards._SPELLINGS_I)), re.I)
    plain_cs = re.compile("|".join(f"(?P<c{n}>{p})" for n, (_, p) in enumerate(awards._SPELLINGS_CS)))
    for text in texts:
        assert _named_spans(awards._AWARD_I, text) == _named_spans(plain_i, text)
        assert _named_spans(awards._AWARD_CS, text) == _named_spans(plain_cs, text)


@pytest.mark.parametrize("text", [
    "It runs for 18 months. Through the year; three terms (determined by the admin team).",
    "Lasts 2 YEARS part-time. A 3-day course! minimum of 10 hours? 1.5 years",
    "Te\u0130 ye\u0131 12 wee\u212a and 3 dayſ.",  # characters re.I folds unlike str.lower()
])
def test_the_length_test_agrees_with_the_unit_pattern_over_every_sentence(text):
    from crawler.facts import durations
    from crawler.extract import _SENTENCES

    names_a_length = durations.length_test(text)
    for found in _SENTENCES.finditer(text):
        assert names_a_length(*found.span()) == bool(durations._UNIT_WORD.search(found.group(0))), found.group(0)
        if not names_a_length(*found.span()):
            assert durations.parse_duration(found.group(0)) == {"full-time": None, "part-time": None}


@pytest.mark.parametrize("skip_module_sizes", [False, True])
def test_the_credit_guard_never_hides_a_credit_value(skip_module_sizes):
    from crawler.facts import levels

    def unguarded(text):
        values = []
        for m in levels._CREDITS.finditer(text):
            if skip_module_sizes and levels._MODULE_SIZE.match(text, m.end()):
                continue
            number = int(m.group("n") or m.group("n2"))
            if (m.group("unit") or m.group("unit2") or "").lower().startswith("ects"):
                number *= levels.ECTS_TO_CATS
            if 5 <= number <= levels.MAX_CREDITS:
                values.append(number)
        return values

    texts = _page_texts() + [
        "180 credits; 60 ECTS; Credits: 30; 30-credit module; 20CATS points; projects and subjects of 30 effects",
        "(credit value 15) MSc: 180 UK credits, 90 ects credits, credit points 60",
        "sixty credits\u212a 30 cat\u017f and 60 credit\u0131",
    ]
    for text in texts:
        assert levels.credit_values(text, skip_module_sizes) == unguarded(text), text[:80]
