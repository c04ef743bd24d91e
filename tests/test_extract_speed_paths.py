"""crawler/extract's shortcuts give the facts the plain definitions give.

Each shortcut is compared with what it replaces over the fixture pages, the development
pages (when they are there, in every wrapping) and pages written to hold what would tell
the two apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from crawler import extract, pagetext
from crawler.facts import dates, fees, keyfacts, realpages, sentences

EXTRACT_PAGES = Path(__file__).parent / "fixtures" / "extract"

# Forms, inputs, selects, text areas and labels: the elements lxml.html's own lookup gives classes of their own.
FORM_PAGE = b"""<html><head><title>MSc Nursing | Uni</title></head><body><main><h1>MSc Nursing</h1>
<form action="/apply"><label for="q">Duration</label><input id="q" name="q" value="2 years">
<select name="mode"><option value="ft" selected>Full-time</option></select><textarea>Fees: 9000</textarea></form>
<div><label>Study mode</label><span>Part-time, online</span></div>
<p><label>Start date:</label> September 2026</p>
<table><tr><th><label>Fees</label></th><td>UK: \xc2\xa39,000</td></tr></table>
<p>This course is delivered online over two years part-time. Applicants must hold a degree.</p></main></body></html>"""


def _bodies() -> list[tuple[bytes, str]]:
    pages = [(path.read_bytes(), f"https://example.ac.uk/courses/{path.stem}") for path in sorted(EXTRACT_PAGES.glob("*.html"))]
    if realpages.dev_pages_path().exists():
        pages += [(realpages.wrap_page(page, wrapping), page["url"]) for page in realpages.load_dev_pages()
                  for wrapping in realpages.WRAPPINGS]
    pages.append((FORM_PAGE, "https://example.ac.uk/courses/msc-nursing"))
    return pages


@pytest.fixture(scope="module")
def bodies():
    return _bodies()


def test_the_parser_gives_every_element_the_one_html_class():
    root = pagetext.parse_html(FORM_PAGE.decode())
    for tag in ("form", "input", "select", "textarea", "label", "p"):
        assert type(root.find(f".//{tag}")) is lxml.html.HtmlElement
    # lxml.html's own lookup gives these their own classes: the shortcut is what is tested.
    plain = lxml.html.document_fromstring(FORM_PAGE.decode())
    assert type(plain.find(".//form")) is not lxml.html.HtmlElement


def test_facts_are_those_of_lxml_html_s_own_element_classes(bodies, monkeypatch):
    fast = [extract.extract_course_facts(body, url) for body, url in bodies]
    plain_parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
    monkeypatch.setattr(pagetext, "_PARSER", plain_parser)
    plain = [extract.extract_course_facts(body, url) for body, url in bodies]
    assert len(fast) > 20
    for (_, url), got, expected in zip(bodies, fast, plain):
        assert got == expected, url


AWKWARD_TEXTS = [
    "", ".", "\n", "you", "You.", "..you..", "You must hold a degree. Applicants should have one!",
    "First line\nyou must be registered\nThird?", "Also available as a PgCert.\nEXIT AWARDS: PgDip",
    # Lowering that changes the length (İ is two characters lowered), a Kelvin sign that lowers
    # to "k", a final sigma whose lowering depends on what follows it.
    "İstanbul: you must apply. Open to all.", "\u212aelvin open days. Eligibility: none", "ΟΔΟΣ. you ΟΔΟΣ you.",
    "STUDY at the step-off point? lead to an MSc", "regist", "no guard here. none here either",
    "\u0130" * 10 + " you.abc.def",  # offsets moved by lowering
]


def plain_sentences_with(pattern: re.Pattern, guards: tuple[str, ...], text: str) -> list[str]:
    """sentences_with by its definition (the code it replaced): every sentence lowered and tested."""
    out = []
    for sentence in sentences.SENTENCES.findall(text):
        lowered = sentence.lower()
        if any(word in lowered for word in guards) and pattern.search(sentence):
            out.append(sentence)
    return out


def test_sentences_with_is_its_definition(bodies):
    texts = [extract.extract_course_facts(body, url)["text"] or "" for body, url in bodies] + AWKWARD_TEXTS
    cases = [(extract._ENTRY_SENTENCE, extract._ENTRY_GUARDS), (extract._REGISTRATION_SENTENCE, extract._REGISTRATION_GUARDS),
             (extract._AWARD_SENTENCE, extract._AWARD_GUARDS)]
    any_sentence = re.compile("")  # every sentence holding a guard word: the guard test on its own
    found = 0
    for text in texts:
        for pattern, guards in cases:
            for tried in (pattern, any_sentence):
                expected = plain_sentences_with(tried, guards, text)
                assert sentences.sentences_with(tried, guards, text) == expected, text[:200]
                found += len(expected)
    assert found > 1_000


FREE_TEXTS = [
    "Free of charge. No fees!", "There is no FEE for this course.\nCOSTS: £0", "Stra\u00dfe courses are free to all.",
    "\u017fREE course? It is free.", "Feel free to ask. Tax-free stipend.", "The levy pays. Funded places.", "£0.00 today",
    "£0", "no guard", "", "fee.free.fee\nfree", "\u00df" * 10 + " free.abc.def",  # offsets moved by folding
]


def test_free_sentences_are_those_of_every_sentence(bodies):
    texts = [(extract.extract_course_facts(body, url)["text"] or "")[:6000] for body, url in bodies] + FREE_TEXTS
    found = 0
    for text in texts:
        expected = [s for s in sentences.SENTENCES.findall(text) if fees.is_free(s)]
        assert fees.free_sentences(text) == expected, text[:200]
        found += len(expected)
        for fold in (str.lower, str.casefold):
            holding = sentences.plain_sentences_holding(fees._FREE_GUARDS, text, fold)
            assert sentences.sentences_holding(fees._FREE_GUARDS, text, fold) == holding
    assert found > 5


def test_guard_words_are_folded_words_without_delimiters():
    assert sentences.check_guards(("you", "£0")) == ("you", "£0")
    for guards in (("you", "e.g"), ("You",), ("new\nline",), ("σ",), ("",)):
        with pytest.raises(ValueError):
            sentences.check_guards(guards)
    with pytest.raises(ValueError):
        sentences.check_guards(("stra\u00dfe",), str.casefold)


def _long_sections_page() -> bytes:
    """Sections whose values run past what KeyFacts keeps, some opening with a label's words."""
    paragraph = "<p>" + "Students learn through seminars and projects with partner employers. " * 12 + "</p>"
    return ("<html><head><title>MSc Public Health | Uni</title></head><body><main><h1>MSc Public Health</h1>"
            "<h2>Overview</h2>" + paragraph * 9
            + "<h2>Entry requirements</h2><p>Duration</p>" + paragraph * 9
            + "<h2>Modules</h2><ul>" + "".join(f"<li>Module {n} " + "x " * 300 + "</li>" for n in range(20)) + "</ul>"
            + "<h2>Fees</h2><p>\u00a0 \u2028 \u00a0</p><p>UK: 9000</p>" + paragraph * 8
            + "<h2>Duration</h2>" + "<p>1 year</p>" * 1500
            + "<h2>Start date</h2>" + "<p>»</p>" * 2500 + "</main></body></html>").encode()


def _keyfacts_of(bodies, monkeypatch, plain: bool) -> list:
    if plain:
        monkeypatch.setattr(keyfacts, "_value_text", lambda els: "\n".join(
            t for t in (pagetext.element_text(v) for v in els) if t))
        monkeypatch.setattr(keyfacts, "_longer_than_a_label", lambda text: False)
    read = []

    def recording(root, body_text):
        facts = keyfacts.read_keyfacts(root, body_text)
        read.append((facts.values, facts.labels,
                     {name: [(el.tag, el.text_content()) for el in els] for name, els in facts.elements.items()}))
        return facts

    monkeypatch.setattr(extract, "read_keyfacts", recording)
    facts = [extract.extract_course_facts(body, url) for body, url in bodies]
    monkeypatch.undo()
    return list(zip(read, facts))


def test_key_facts_read_only_what_is_kept_are_those_read_whole(bodies, monkeypatch):
    pages = bodies + [(_long_sections_page(), "https://example.ac.uk/courses/msc-public-health")]
    fast = _keyfacts_of(pages, monkeypatch, plain=False)
    plain = _keyfacts_of(pages, monkeypatch, plain=True)
    assert fast == plain
    cut = [value for (values, _, _), _ in fast for found in values.values() for value in found if len(value) == keyfacts.MAX_VALUE_CHARS]
    assert len(cut) >= 5  # values that were cut: the shortcut is taken


@pytest.mark.parametrize("text", ["Duration", "Duration " + "\u2028 " * 200 + "x" * 100, " : " * 100 + "Fees",
                                  "a " * 31, "a " * 30, "»" * 70 + " Fees", "Course duration: " + "one year " * 20])
def test_a_text_longer_than_a_label_begins_no_label(text):
    if keyfacts._longer_than_a_label(text):
        for tail in ("", " more words", "\n" + "x " * 1000, " " * 5000, "»:" * 50):
            assert keyfacts.label_name(text + tail) is None
    assert keyfacts._longer_than_a_label(text) == (len(" ".join(text[:240].split()).strip(keyfacts._LABEL_NOISE_CHARS)) > 60)


ODD_LINES = [
    "Coſt: £9,000", "Prıce £500 a year", "PRİCE: £500", "Tuıtion £1,000", "Fees £9,250 per annum", "FULL TIME: £9,000",
    "Part-time : $4,500", "  full time: €10", "Course \u212aost £5", "Nothing here £5", "per year 5,000 GBP",
    "Starts ın September 2026", "ſtart date September 2026", "BEGİNS 1 March 2027", "Intakes: January 2027",
    "Entry points: May 2027 and June 2028", "Enrolment in October 2026.", "Commencing April 2027",
    "The \u212aey start is 4 May 2027", "INTAKE january 2027",
]


def _odd_texts():
    """Each odd line alone and among plain ones, so both ways of may_hold are taken."""
    return [line for line in ODD_LINES] + ["\n".join(ODD_LINES), "Fees £9,000\nStarts September 2026\nno words 2027\n"]


def plain_fee_lines(text):
    return [line for line in text.splitlines() if extract._FEE_LINE.search(line) and fees.has_amount(line)]


def plain_start_dates_in_text(text):
    found = []
    for sentence in dates._SENTENCE.findall(text):
        if dates._START_WORD.search(sentence):
            found += [d for d in dates.start_dates_in(sentence) if d not in found]
    return found


def test_fee_lines_and_start_sentences_are_those_the_regexes_find(bodies):
    texts = [extract.extract_course_facts(body, url)["text"] or "" for body, url in bodies] + _odd_texts()
    fee_lines = starts = 0
    for text in texts:
        lines = extract._fee_lines(text)
        assert lines == plain_fee_lines(text), text[:200]
        assert dates.start_dates_in_text(text) == plain_start_dates_in_text(text), text[:200]
        fee_lines += len(lines)
        starts += len(plain_start_dates_in_text(text))
    assert fee_lines > 50 and starts > 50
    # Each odd line on its own: a regex match there that the lowered words would miss is found all the same.
    for line in ODD_LINES:
        assert plain_fee_lines(line) or plain_start_dates_in_text(line) or "Nothing" in line or "\u212a" in line, line


def test_may_hold_passes_every_piece_of_a_text_with_odd_letters():
    assert sentences.may_hold(("cost",), "Coſt: £9")("Coſt: £9")
    assert not sentences.may_hold(("cost",), "Price: £9")("Price: £9")
    assert sentences.may_hold(("cost",), "COST: £9")("COST: £9")
