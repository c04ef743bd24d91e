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
from crawler.facts import realpages, sentences

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
]


def test_sentences_with_is_its_definition(bodies):
    texts = [extract.extract_course_facts(body, url)["text"] or "" for body, url in bodies] + AWKWARD_TEXTS
    cases = [(extract._ENTRY_SENTENCE, extract._ENTRY_GUARDS), (extract._REGISTRATION_SENTENCE, extract._REGISTRATION_GUARDS),
             (extract._AWARD_SENTENCE, extract._AWARD_GUARDS)]
    any_sentence = re.compile("")  # every sentence holding a guard word: the guard test on its own
    found = 0
    for text in texts:
        for pattern, guards in cases:
            for tried in (pattern, any_sentence):
                expected = sentences.plain_sentences_with(tried, guards, text)
                assert sentences.sentences_with(tried, guards, text) == expected, text[:200]
                found += len(expected)
    assert found > 1_000


def test_guard_words_must_be_lowercase_letters():
    with pytest.raises(ValueError):
        sentences.check_guards(("you", "e.g"))
    with pytest.raises(ValueError):
        sentences.check_guards(("You",))
