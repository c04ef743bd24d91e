"""crawler/pagetext's shortcuts give the text the plain definitions give.

Each shortcut is compared with the definition it replaces: on the text of every element of
the fixture pages (and of the development pages when they are there, in every wrapping),
and on awkward strings chosen so that dropping any condition of a shortcut fails a case.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler import pagetext
from crawler.facts import realpages

EXTRACT_PAGES = Path(__file__).parent / "fixtures" / "extract"


def plain_normalise(text: str) -> str:
    """normalise_text in plain steps, each on every text: spaces and blank lines collapsed by
    regexes, bars stripped from the lines that have one, skip links dropped where the lowered
    text names one ("ſkip to content" matches _SKIP_LINES but lowers to no hint), line breaks
    collapsed again."""
    text = pagetext._LINE_BREAKS.sub("\n", pagetext._SPACES.sub(" ", text))
    text = "\n".join(line.strip(" |") if "|" in line else line for line in text.split("\n"))
    if any(hint in text.lower() for hint in pagetext._SKIP_HINTS):
        text = pagetext._SKIP_LINES.sub("", text)
    return pagetext._LINE_BREAKS.sub("\n", text).strip()


def _trees():
    """Each page cleaned and marked as extract does, with its main element."""
    bodies = [path.read_bytes() for path in sorted(EXTRACT_PAGES.glob("*.html"))]
    if realpages.dev_pages_path().exists():
        bodies += [realpages.wrap_page(page, wrapping) for page in realpages.load_dev_pages()
                   for wrapping in realpages.WRAPPINGS]
    for body in bodies:
        text, _ = pagetext.decode_html(body)
        root = pagetext.parse_html(text)
        pagetext.clean_tree(root)
        pagetext.mark_blocks(root)
        yield root, pagetext.main_element(root)


@pytest.fixture(scope="module")
def trees():
    return list(_trees())


AWKWARD = [
    "", " ", "\n", "\n\n", "a", " a ", "a  b", "a\t\tb", "a\xa0b", "a \n b", "a\n\n\nb", " \n \n ", "a\n", "\na",
    "\n\nTitle\n\n  Duration | 1 year | \n\n", "a\r\nb", "a\u2028b", "  lead  \n  trail  ", "\t\n\t",
    "| Home | Courses |\n\nMSc Nursing\n|", " | a\nb | ", "||\n||", "a | b\n |\n c",
    "Skip to content\nMSc Nursing", " Skip to main content\nMSc", "MSc\nBack to top ", "MSc\nback to top",
    "Print this page | MSc", "share this page\n| a |\nb", "skip to content", " skip to content", "\u017fkip to content\nMSc",
    # Skip lines of each length, among bars, with a hint elsewhere, and lines of those lengths that are not skip lines.
    "BACK TO TOP\nMSc", "MSc\nSkip To Main Content\nx", "| Share this page |\nMSc | Fees", "abcdefghijk\nskip to it",
    "Duration 1 year\nprint this page please", "a\n| back to top\nb |", "\u212aeep\nback to top", "Skip to main content",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_normalise_text_is_the_plain_definition_on_awkward_text(text):
    assert pagetext.normalise_text(text) == plain_normalise(text)


@pytest.mark.parametrize("text", AWKWARD)
def test_collapse_layout_is_the_regexes_on_awkward_text(text):
    assert pagetext._collapse_layout(text) == pagetext._LINE_BREAKS.sub("\n", pagetext._SPACES.sub(" ", text))


def test_normalise_text_is_the_plain_definition_on_every_element(trees):
    checked = 0
    for root, _ in trees:
        for el in root.iter():
            if isinstance(el.tag, str):
                raw = el.text_content()
                assert pagetext.normalise_text(raw) == plain_normalise(raw), raw[:200]
                assert pagetext._collapse_layout(raw) == pagetext._LINE_BREAKS.sub("\n", pagetext._SPACES.sub(" ", raw))
                checked += 1
    assert checked > 5_000


def test_the_body_around_the_main_has_the_text_of_the_body(trees):
    shortcuts = 0
    for root, main in trees:
        body = root.find("body")
        inner_raw, outer_raw = main.text_content(), body.text_content()
        expected = pagetext.normalise_text(outer_raw)
        assert pagetext.enclosing_text(outer_raw, inner_raw, pagetext.normalise_text(inner_raw)) == expected
        shortcuts += pagetext._only_whitespace_around(outer_raw, inner_raw)
    assert shortcuts > 10  # the shortcut is taken, so its condition is what is tested


@pytest.mark.parametrize("outer, inner", [
    # Each case breaks one condition of the shortcut, and the results differ there.
    (" skip to content", "skip to content"),  # no line break in the inner text: its only line is its first
    (" Skip to content\nMSc Nursing\n", "Skip to content\nMSc Nursing\n"),  # inner first line not blank
    ("\nSkip to content ", "\nSkip to content"),  # inner last line not blank
    ("Home\nMSc\n", "\nMSc\n"),  # words before the inner text
    ("\nMSc\nHome", "\nMSc\n"),  # words after it
    ("\nMSc Nursing\n", "\nMSc\n"),  # the inner text is not in the outer text
    # The shortcut applies: whitespace around a text whose first and last lines are blank.
    (" \n\n\nMSc | a |\nSkip to content\n \t\n", "\n\nMSc | a |\nSkip to content\n \t"),
    ("\nMSc\n", "\nMSc\n"),
])
def test_the_enclosing_text_shortcut_keeps_to_its_conditions(outer, inner):
    assert pagetext.enclosing_text(outer, inner, pagetext.normalise_text(inner)) == pagetext.normalise_text(outer)


def plain_is_furniture(el) -> bool:
    """pagetext._is_furniture without its shortcut for elements with no attribute."""
    role = el.get("role")
    if role and role.lower() in pagetext._FURNITURE_ROLES:
        return el.tag not in ("main", "article")
    tokens = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("aria-label"))))
    if tokens and pagetext._FURNITURE.search(tokens):
        return not pagetext._holds_main_content(el)
    itemtype = el.get("itemtype")
    return bool(itemtype and "BreadcrumbList" in itemtype)


def test_furniture_is_the_plain_definition_on_every_element():
    """On the pages as parsed, before clean_tree drops the furniture it finds."""
    bodies = [path.read_bytes() for path in sorted(EXTRACT_PAGES.glob("*.html"))]
    if realpages.dev_pages_path().exists():
        bodies += [realpages.wrap_page(page, "noisy") for page in realpages.load_dev_pages()]
    bodies.append(b'<html><body><div role="navigation">a</div><p class="">b</p><span itemtype="x/BreadcrumbList">c</span>'
                  b'<nav aria-label="Breadcrumb">d</nav><header id="masthead"><h1>e</h1></header></body></html>')
    checked = furniture = 0
    for body in bodies:
        root = pagetext.parse_html(pagetext.decode_html(body)[0])
        for el in root.iter():
            if isinstance(el.tag, str):
                assert pagetext._is_furniture(el) == plain_is_furniture(el)
                checked += 1
                furniture += plain_is_furniture(el)
    assert checked > 5_000 and furniture > 100


def test_control_characters_are_found_as_the_regex_finds_them():
    # Every character up to U+3000 and a spread above, lone surrogates included, alone and in text.
    chars = [chr(n) for n in range(0x3000)] + [chr(n) for n in range(0x3000, 0x110000, 97)] + ["\ud800", "\udfff"]
    found = 0
    for char in chars:
        for text in (char, f"<p>Fees £9,000 – {char} MSc</p>", "é" * 50 + char):
            expected = pagetext._CONTROL_CHARS.search(text) is not None
            assert pagetext.has_control_chars(text) == expected, hex(ord(char))
            found += expected
    assert found == 3 * 29  # \x00-\x08, \x0b, \x0e-\x1f and \x7f
    bodies = [path.read_bytes() for path in sorted(EXTRACT_PAGES.glob("*.html"))]
    if realpages.dev_pages_path().exists():
        bodies += [realpages.wrap_page(page, "noisy") for page in realpages.load_dev_pages()]
    for body in bodies:
        text = pagetext.decode_html(body)[0]
        assert pagetext.has_control_chars(text) == (pagetext._CONTROL_CHARS.search(text) is not None)


def test_raw_text_is_text_content_on_every_element(trees):
    checked = childless = 0
    for root, _ in trees:
        for el in root.iter():
            assert pagetext.raw_text(el) == el.text_content()
            checked += 1
            childless += len(el) == 0
    # Elements as parsed (before cleaning moves tails about), with text split around entities and comments.
    raw = pagetext.parse_html("<p>a &amp; b<!-- c --> d<br>e</p><p></p><p>&lt;&#160;x</p><span>1<b></b>2</span>")
    for el in raw.iter():
        assert pagetext.raw_text(el) == el.text_content()
    assert checked > 5_000 and childless > 1_000


def plain_main_element(root):
    """main_element as it was: an XPath query per content id."""
    for el in root.xpath(pagetext._MAIN_XPATH):
        if len(el.text_content()) >= pagetext.MIN_MAIN_TEXT:
            return el
    for ident in pagetext._CONTENT_IDS:
        found = root.xpath(f"//*[@id='{ident}']")
        if found and len(found[0].text_content()) >= pagetext.MIN_MAIN_TEXT:
            return found[0]
    body = root.find("body")
    return body if body is not None else root


ID_PAGES = [
    # The content ids in every order that matters: a later id first in the page, a short first match, nesting.
    '<div id="content">{long}</div><div id="main-content">{long}</div>',
    '<div id="main-content">short</div><div id="main-content">{long}</div><div id="primary">{long}</div>',
    '<div id="primary"><div id="main">{long}</div></div>',
    '<main>short</main><div id="maincontent">short</div><div id="content-main">{long}</div>',
    '<div role="main">short</div><div id="MAIN">{long}</div>',
    '<div id="x">{long}</div>',
]


def test_main_element_is_the_plain_definition(trees):
    roots = [root for root, _ in trees]
    roots += [pagetext.parse_html(f"<html><body>{page.format(long='words ' * 50)}</body></html>") for page in ID_PAGES]
    by_id = 0
    for root in roots:
        main, raw = pagetext.main_element_with_text(root)
        assert main is plain_main_element(root)
        assert raw == main.text_content()
        by_id += main.get("id") in pagetext._CONTENT_IDS
    assert by_id >= 4


def plain_clean_tree(root) -> None:
    """clean_tree as it was: every element looked at in the first pass (those inside a doomed one too),
    each cookie banner candidate's text read to MAX_COOKIE_BANNER_CHARS."""
    doomed = []
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            doomed.append(el)
            continue
        if tag in pagetext._DROP_TAGS:
            doomed.append(el)
        elif tag in ("header", "footer"):
            if not pagetext._inside(el, ("main", "article")) and not pagetext._holds_main_content(el):
                doomed.append(el)
        elif pagetext._is_furniture(el):
            doomed.append(el)
    for el in doomed:
        pagetext._drop(el)
    body = root.find("body")
    if body is None:
        return
    if body.find(".//main") is None and not body.xpath(".//*[@role='main']"):
        pagetext._drop_link_blocks(body)
    for el in list(body.iterchildren()) + [c for child in body.iterchildren() for c in child.iterchildren()]:
        if isinstance(el.tag, str) and el.getparent() is not None:
            text = pagetext._text_start(el, pagetext.MAX_COOKIE_BANNER_CHARS)
            if len(text) < pagetext.MAX_COOKIE_BANNER_CHARS and pagetext._COOKIE_TEXT.match(text.strip()[:200]):
                pagetext._drop(el)


NESTED_FURNITURE = [
    # Doomed elements inside doomed ones, with tails; a doomed last element; one at the end of the page.
    "<div class='menu'>a<nav>b<ul><li class='share'>c</li>d</ul>e</nav>f<footer>g</footer>h</div>",
    "<header><nav><div class='cookie-banner'>x</div>y</nav>z</header><p>k</p><script>s</script>t",
    "<main><h1>T</h1><header>hero<nav>n</nav>m</header>p</main><div role='navigation'><div role='menu'>q</div>r</div>",
    "<p>a</p><footer><div><span class='share'>s</span></div></footer>",
    # Cookie banners without a telling class: short, after a run of spaces, too long, not at the start.
    "<div>We use cookies to improve. <a>OK</a></div><div>" + " " * 500 + "We use cookies</div><div>" + "x" * 300 + "</div>"
    "<div>We use cookies " + "y " * 800 + "</div><div><p>" + "\n" * 450 + "Your privacy</p><p>Manage cookies</p></div>"
    "<div>Intro " + "z" * 250 + " we use cookies</div>",
    # The start read first ends inside the cookie words: the whole text must be read.
    "<div><span>" + " " * 398 + "We</span> use cookies <b>on this site</b></div><p>Course</p>",
]


def trees_twice(extra_bodies: list[bytes]):
    """Two separate parses of each fixture page, development page (every wrapping) and extra body."""
    bodies = [path.read_bytes() for path in sorted(EXTRACT_PAGES.glob("*.html"))]
    if realpages.dev_pages_path().exists():
        bodies += [realpages.wrap_page(page, wrapping) for page in realpages.load_dev_pages() for wrapping in realpages.WRAPPINGS]
    for body in bodies + extra_bodies:
        text = pagetext.decode_html(body)[0]
        yield pagetext.parse_html(text), pagetext.parse_html(text)


def test_clean_tree_is_the_walk_over_every_element():
    from lxml import etree
    extra = [f"<html><body>{page}</body></html>".encode() for page in NESTED_FURNITURE]
    for fast, plain in trees_twice(extra):
        pagetext.clean_tree(fast)
        plain_clean_tree(plain)
        assert etree.tostring(fast, encoding=str) == etree.tostring(plain, encoding=str)


def test_skip_line_lengths_are_those_of_the_skip_lines():
    phrases = ("skip to content", "skip to main content", "back to top", "print this page", "share this page")
    assert all(pagetext._SKIP_LINES.fullmatch(phrase) for phrase in phrases)
    assert pagetext._SKIP_LINE_LENGTHS == {len(phrase) for phrase in phrases}


def plain_mark_blocks(root) -> None:
    """mark_blocks as it was: every node of the tree walked, its tag tested."""
    for table in root.iter("table"):
        pagetext._label_cells_with_headers(table)
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag in pagetext.BLOCK_TAGS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
        elif tag in pagetext._CELL_TAGS:
            el.tail = " | " + (el.tail or "")
        elif tag == "dt":
            el.text = "\n" + (el.text or "")
            el.tail = ": " + (el.tail or "")
        elif tag == "br":
            el.tail = "\n" + (el.tail or "")


def test_mark_blocks_is_the_walk_over_every_node():
    from lxml import etree
    extra = [b"<html><body><o:p>x</o:p><svg><p>y</p></svg><math><br/></math><DL><DT>Fee<DD>1</DL>"
             b"<table><tr><th>A</th><th>B</th></tr><tr><td>1<br>2</td><td>3</td></tr></table></body></html>"]
    for fast, plain in trees_twice(extra):
        pagetext.mark_blocks(fast)
        plain_mark_blocks(plain)
        assert etree.tostring(fast, encoding=str) == etree.tostring(plain, encoding=str)
