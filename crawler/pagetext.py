"""Decoding, parsing and visible-text cleaning of HTML pages (navigation, banners and footers removed)."""

from __future__ import annotations

import codecs
import re

import lxml.html
from lxml import etree

# Pages beyond this are cut before parsing: real course pages are under 1 MB
# of HTML, and a 10 MB page would cost ~0.3 s in lxml and more in the regexes.
MAX_HTML_CHARS = 2_000_000
# The "text" fact is capped: enough for the judge's phrase search, small to store.
TEXT_CAP = 20_000

_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"\xd0\xcf\x11\xe0",
                 b"OggS", b"ID3", b"RIFF", b"\x00\x00\x01\x00", b"wOF", b"7z\xbc\xaf")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.I)
# Browsers read latin-1 labels as windows-1252 (WHATWG encoding standard).
_LATIN_LABELS = frozenset({"latin-1", "latin_1", "iso8859-1", "iso-8859-1", "iso8859_1", "cp1252",
                           "windows-1252", "ascii", "us-ascii", "cp819", "l1"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# The same characters as UTF-8 bytes: each is one byte that no other character's encoding holds.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0b, *range(0x0e, 0x20), 0x7f])

_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
# lxml.html's own lookup is a Python callback run for every element proxy made (~300 a page,
# each time the tree is walked): ~0.1 ms a page. The default lookup, in C, gives the same
# HtmlElement class to every element; only the form, input, select, textarea and label
# classes of lxml.html are lost, and their extra properties (form fields, values) are read
# nowhere here (tests/test_pagetext_speed_paths.py compares the facts of both parsers).
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity))

# Elements never shown as page text.
_DROP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas",
                        "select", "option", "input", "textarea", "nav", "map", "audio", "video", "head"})
# class/id/role words of site furniture. Tokens are matched whole (split on
# space, "-" and "_" boundaries) so "navigation" goes but "canvas" stays.
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:cookies?|cookie-?banner|consent|gdpr|onetrust|cookiebot|cc-window|breadcrumbs?|skip-?links?|"
    r"skip(?:-to)?(?:-content)?|mega-?menu|megamenu|navbar|site-?nav|global-?nav|main-?nav|primary-?nav|"
    r"nav-?menu|navigation|sr-only|visually-?hidden|screen-?reader-?text|share|sharing|social-?(?:links|media|icons|share)|newsletter|"
    r"site-?header|global-?header|masthead|site-?footer|global-?footer|back-?to-?top|announcement-?bar|related|promo)(?:$|[\s_-])",
    re.I,
)
_FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menubar", "menu"})
_COOKIE_TEXT = re.compile(r"^\W*(?:this\s+(?:web)?site\s+uses\s+cookies|we\s+use\s+cookies|we\s+(?:and\s+our\s+partners\s+)?use\s+(?:essential\s+)?cookies|cookies\s+on\s+(?:this|our)|your\s+privacy|manage\s+cookies|cookie\s+(?:settings|preferences|policy))", re.I)
# Cookie banners are short; a longer block starting with these words is content.
MAX_COOKIE_BANNER_CHARS = 1500

BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "aside", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "li", "ul", "ol", "dl", "dd", "table", "tr", "thead", "tbody", "tfoot", "hr", "blockquote", "pre", "figure",
    "figcaption", "details", "summary", "address", "form", "fieldset", "legend", "caption", "body", "dialog",
})
_CELL_TAGS = frozenset({"td", "th"})
_MARKED_TAGS = tuple(sorted(BLOCK_TAGS | _CELL_TAGS | {"dt", "br"}))
_SPACES = re.compile(r"[^\S\n]+")
_LINE_BREAKS = re.compile(r" ?\n[\n ]*")
_SKIP_HINTS = ("skip to", "back to top", "print this page", "share this page")
_SKIP_LINES = re.compile(r"^(?:skip to (?:main )?content|back to top|print this page|share this page)$", re.I | re.M)
# The lengths of the lines _SKIP_LINES drops ("back to top", "skip to content", "skip to main
# content"): re.I matches a character to one character, so no line of another length matches.
_SKIP_LINE_LENGTHS = frozenset({11, 15, 20})


class PageError(Exception):
    """The body cannot be read as an HTML page (empty, binary or unparseable)."""


def looks_binary(body: bytes | str) -> bool:
    """True for bodies that are files, not text: known magic numbers or NUL bytes near the start."""
    head = body[:1024]
    if isinstance(head, str):
        return "\x00" in head
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return head.startswith(_BINARY_MAGIC) or b"\x00" in head


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None


# A UTF-8 multi-byte sequence: its presence says the page meant to be UTF-8.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def decode_html(body: bytes | str, encoding: str | None = None) -> tuple[str, list[str]]:
    """The page as text, and notes on any encoding trouble met on the way.

    Order: byte-order mark, then the declared encoding (HTTP header argument or
    <meta charset>), then UTF-8, then windows-1252. A latin-1 declaration over
    bytes that are valid UTF-8 is treated as the common server misconfiguration
    it is, and the page is read as UTF-8.
    """
    notes: list[str] = []
    if isinstance(body, str):
        return body, notes
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(codec, "replace"), notes
    declared = encoding
    if not declared:
        meta = _META_CHARSET.search(body[:4096])
        declared = meta.group(1).decode("ascii", "replace") if meta else None
    codec = _codec_name(declared)
    if declared and codec is None:
        notes.append(f"encoding: unknown charset {declared[:40]!r}")
    if codec and (declared.lower() in _LATIN_LABELS or codec in ("latin-1", "cp1252", "ascii")):
        try:
            text = body.decode("utf-8")
            if not text.isascii():
                notes.append(f"encoding: declared {declared} but body is UTF-8")
            return text, notes
        except UnicodeDecodeError:
            return body.decode("cp1252", "replace"), notes
    if codec:
        try:
            return body.decode(codec), notes
        except UnicodeDecodeError:
            notes.append(f"encoding: body is not valid {declared}")
    try:
        return body.decode("utf-8"), notes
    except UnicodeDecodeError:
        pass
    repaired = _repair_mixed_encoding(body)
    if repaired is not None:
        notes.append("encoding: UTF-8 with windows-1252 pieces, repaired")
        return repaired, notes
    notes.append("encoding: not UTF-8, read as windows-1252")
    return body.decode("cp1252", "replace"), notes


def _repair_mixed_encoding(body: bytes) -> str | None:
    """A UTF-8 page with windows-1252 smart quotes pasted in (common in CMS pages), made whole.

    BeautifulSoup's UnicodeDammit.detwingle is the tolerant tool for this; lxml has none.
    Pages with no UTF-8 sequences at all are left to the windows-1252 reading.
    """
    if not _UTF8_MULTIBYTE.search(body):
        return None
    # Imported here: BeautifulSoup costs a crawl (and each analysis worker) about 0.1 s to import,
    # and few pages need it.
    from bs4 import UnicodeDammit

    try:
        return UnicodeDammit.detwingle(body).decode("utf-8")
    except UnicodeDecodeError:
        return None


def parse_html(text: str):
    """An lxml document for ``text``; raises PageError when there is nothing to parse."""
    text = _XML_DECLARATION.sub("", text, count=1)
    if has_control_chars(text):
        text = _CONTROL_CHARS.sub(" ", text)
    if not text.strip():
        raise PageError("body: empty")
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise PageError(f"body: unparseable HTML ({exc.__class__.__name__})") from exc
    if root is None:
        raise PageError("body: unparseable HTML")
    return root


def has_control_chars(text: str) -> bool:
    """Whether _CONTROL_CHARS matches in ``text``: most pages have none, and the regex tried every
    character to find none (~80 us a 15 KB page); bytes.translate deletes at C speed."""
    encoded = text.encode("utf-8", "surrogatepass")
    return len(encoded.translate(None, _CONTROL_BYTES)) != len(encoded)


def _is_furniture(el) -> bool:
    # Most elements of a page (p, li, span, em...) have no attribute at all, and every test below
    # reads one: asking four attributes of each of them was most of clean_tree's own time.
    if not el.attrib:
        return False
    role = el.get("role")
    if role and role.lower() in _FURNITURE_ROLES:
        return el.tag not in ("main", "article")
    tokens = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("aria-label"))))
    if tokens and _FURNITURE.search(tokens):
        return not _holds_main_content(el)
    itemtype = el.get("itemtype")
    return bool(itemtype and "BreadcrumbList" in itemtype)


def _holds_main_content(el) -> bool:
    """A wrapper with furniture words in its class that still holds the page's h1 or <main>."""
    for child in el.iter("h1", "main"):
        return True
    return False


def _inside(el, tags: tuple[str, ...]) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def clean_tree(root) -> None:
    """Remove everything a reader would not see as page content, in place."""
    doomed = []
    # What lies inside a doomed element goes with it: the walk skips to the node after it (menus
    # and footers are a good share of a page's elements). Dropping them too only changed the
    # detached subtree.
    skipping, resume_at = False, None
    for el in root.iter():
        if skipping:
            if el is not resume_at:
                continue
            skipping = False
        tag = el.tag
        if not isinstance(tag, str):
            doomed.append(el)
        elif tag in _DROP_TAGS:
            doomed.append(el)
        elif tag in ("header", "footer"):
            # A site header or footer; a course hero <header> inside <main> stays.
            if not _inside(el, ("main", "article")) and not _holds_main_content(el):
                doomed.append(el)
        elif _is_furniture(el):
            doomed.append(el)
        if doomed and doomed[-1] is el and len(el):
            skipping, resume_at = True, _node_after(el)
    for el in doomed:
        _drop(el)
    body = root.find("body")
    if body is None:
        return
    if body.find(".//main") is None and not body.xpath(".//*[@role='main']"):
        # A page with <main> has its furniture outside it already; only div-built pages need the pass.
        _drop_link_blocks(body)
    # Cookie banners with no telling class: short blocks near the top of <body> that start with cookie talk.
    for el in list(body.iterchildren()) + [c for child in body.iterchildren() for c in child.iterchildren()]:
        if isinstance(el.tag, str) and el.getparent() is not None and _is_cookie_banner(el):
            _drop(el)


# The cookie words are looked for in this many characters of a block's stripped text.
COOKIE_TEXT_HEAD = 200


def _is_cookie_banner(el) -> bool:
    """A block shorter than MAX_COOKIE_BANNER_CHARS whose text starts with cookie talk.

    The start is read first: most blocks (the <main>, its wrappers) do not open so, and their
    text is then not read to MAX_COOKIE_BANNER_CHARS. A start holding COOKIE_TEXT_HEAD
    characters once stripped opens the whole text's stripped form as well."""
    text = _text_start(el, 2 * COOKIE_TEXT_HEAD)
    if len(text) >= 2 * COOKIE_TEXT_HEAD:  # else it is the whole text
        head = text.strip()
        if len(head) >= COOKIE_TEXT_HEAD and not _COOKIE_TEXT.match(head[:COOKIE_TEXT_HEAD]):
            return False
        text = _text_start(el, MAX_COOKIE_BANNER_CHARS)
    return len(text) < MAX_COOKIE_BANNER_CHARS and bool(_COOKIE_TEXT.match(text.strip()[:COOKIE_TEXT_HEAD]))


def _node_after(el):
    """The node that follows ``el`` and all it holds in document order (root.iter()'s order), or None."""
    while el is not None:
        following = el.getnext()
        if following is not None:
            return following
        el = el.getparent()
    return None


# Menus and footers in anonymous divs (no nav, header, footer or telling class): a block whose
# text is nearly all link text, with several links, is navigation (the link-density test of
# boilerplate removers such as jusText and Readability).
_LINK_BLOCK_TAGS = frozenset({"ul", "ol", "div", "table", "section", "dl"})
MIN_MENU_LINKS = 3
MIN_MENU_LINK_SHARE = 0.75


def _drop_link_blocks(body) -> None:
    """Drop the outermost blocks that are menus by link density, in one pass over the tree."""
    elements = [el for el in body.iter() if isinstance(el.tag, str)]
    text_len: dict = {}
    link_len: dict = {}
    links: dict = {}
    for el in reversed(elements):  # children before parents
        own = len((el.text or "").strip())
        total, linked, count = own, 0, 0
        for child in el:
            if not isinstance(child.tag, str):
                continue
            total += text_len[child] + len((child.tail or "").strip())
            linked += link_len[child]
            count += links[child]
        if el.tag == "a":
            linked, count = total, count + 1
        text_len[el], link_len[el], links[el] = total, linked, count
    doomed = []
    skip_inside = None
    for el in elements:
        if skip_inside is not None and _is_descendant(el, skip_inside):
            continue
        if (el.tag in _LINK_BLOCK_TAGS and links[el] >= MIN_MENU_LINKS and text_len[el]
                and link_len[el] >= MIN_MENU_LINK_SHARE * text_len[el] and not _holds_main_content(el)):
            doomed.append(el)
            skip_inside = el
    for el in doomed:
        _drop(el)


def _is_descendant(el, ancestor) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False


def _text_start(el, limit: int) -> str:
    """The first ``limit`` characters of an element's text, without building all of it."""
    parts, size = [], 0
    for piece in el.itertext():
        parts.append(piece)
        size += len(piece)
        if size >= limit:
            break
    return "".join(parts)


def _drop(el) -> None:
    """Remove ``el`` but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + " " + tail
        else:
            parent.text = (parent.text or "") + " " + tail
    parent.remove(el)


def mark_blocks(root) -> None:
    """Put line breaks around block elements and " | " after table cells, so text_content() keeps layout.

    Tables with a header row get the column heading written into each cell
    ("Home: £9,250"), so a fee or duration keeps its label on its own line.
    """
    for table in root.iter("table"):
        _label_cells_with_headers(table)
    # Only the tags marked are walked (lxml matches them in C): links, spans and the other
    # inline elements are not made Python objects to be passed over. Each element's marks
    # are its own text and tail, so the order they are set in does not matter.
    for el in root.iter(*_MARKED_TAGS):
        tag = el.tag
        if tag in BLOCK_TAGS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
        elif tag in _CELL_TAGS:
            el.tail = " | " + (el.tail or "")
        elif tag == "dt":
            el.text = "\n" + (el.text or "")
            el.tail = ": " + (el.tail or "")
        elif tag == "br":
            el.tail = "\n" + (el.tail or "")


def _label_cells_with_headers(table) -> None:
    rows = [r for r in table.iter("tr")]
    if len(rows) < 2:
        return
    header = [c for c in rows[0] if isinstance(c.tag, str) and c.tag in _CELL_TAGS]
    if len(header) < 2 or any(c.tag != "th" for c in header):
        return
    names = [" ".join(raw_text(c).split()) for c in header]
    for row in rows[1:]:
        cells = [c for c in row if isinstance(c.tag, str) and c.tag in _CELL_TAGS]
        for i, cell in enumerate(cells):
            if i < len(names) and names[i]:
                cell.text = f"{names[i]}: " + (cell.text or "")


def _collapse_layout(text: str) -> str:
    """``text`` with each run of non-newline whitespace made one space and blank lines dropped.

    The same as ``_LINE_BREAKS.sub("\\n", _SPACES.sub(" ", text))`` (str.split() and
    the regex ``\\s`` agree on what whitespace is), at a quarter of the cost: the
    regexes tried every character of every block, ~1.3 ms on a 15 KB page. The lines are
    collapsed in one comprehension and only the first and last looked at again, which
    halves the cost of a loop testing every line's position.
    """
    lines = text.split("\n")
    if len(lines) == 1:
        words = text.split()
        if not words:
            return " " if text else ""
        return (" " if text[0].isspace() else "") + " ".join(words) + (" " if text[-1].isspace() else "")
    collapsed = [" ".join(line.split()) for line in lines]
    # Blank lines vanish between blocks; the first and last stay (as "") where the regexes left them,
    # and keep one space where they began or ended with whitespace.
    first, last = collapsed[0], collapsed[-1]
    if first and lines[0][0].isspace():
        first = " " + first
    if last and lines[-1][-1].isspace():
        last += " "
    return "\n".join([first, *filter(None, collapsed[1:-1]), last])


def normalise_text(text: str) -> str:
    """Collapse runs of spaces, keep single line breaks between blocks."""
    text = _collapse_layout(text)
    # This runs on every block of every page: the rarer clean-ups only where they can apply.
    trimmed = text
    lines = None
    if "|" in trimmed:
        # Bars at either end of a line (breadcrumb and footer separators); a line-anchored
        # regex tried at every position cost ~1.3 ms a page, this a tenth of it.
        lines = [line.strip(" |") if "|" in line else line for line in trimmed.split("\n")]
        trimmed = "\n".join(lines)
    if _may_hold_skip_line(trimmed, lines) and any(hint in trimmed.lower() for hint in _SKIP_HINTS):
        trimmed = _SKIP_LINES.sub("", trimmed)
    elif lines is not None:
        # Bars stripped and no line skipped: _LINE_BREAKS (below) would only join the lines the
        # bars left empty, as dropping the empty lines does (~0.3 ms on a 15 KB page). The
        # collapsed text has no space next to a line break (only the first line can begin with
        # one, only the last end with one), so every match of _LINE_BREAKS is a run of line
        # breaks, and the runs at either end are stripped.
        return "\n".join(filter(None, lines)).strip()
    if trimmed is not text:
        trimmed = _LINE_BREAKS.sub("\n", trimmed)
    return trimmed.strip()


def raw_text(el) -> str:
    """``el.text_content()``. An element with no child holds nothing but its own text: read so,
    without the XPath evaluation text_content runs (~1.2 us a call, ~100 calls a page)."""
    if len(el):
        return el.text_content()
    return el.text or ""


def _may_hold_skip_line(text: str, lines: list[str] | None = None) -> bool:
    """False when no line of ``text`` (split already as ``lines``) has the length of a line _SKIP_LINES drops.

    Then _SKIP_LINES.sub changes nothing, and normalise_text's two ways give the same text:
    the skip hints need not be looked for (a lowering and four searches of the text, ~50 us a page)."""
    if lines is None:
        if "\n" not in text:
            return len(text) in _SKIP_LINE_LENGTHS
        lines = text.split("\n")
    return any(len(line) in _SKIP_LINE_LENGTHS for line in lines)


def element_text(el) -> str:
    """Visible text of one element after mark_blocks, normalised."""
    return normalise_text(raw_text(el))


def enclosing_text(outer_raw: str, inner_raw: str, inner_text: str) -> str:
    """``normalise_text(outer_raw)``, where ``inner_raw`` is the raw text of an element inside the
    outer one and ``inner_text`` its normalised text.

    After clean_tree a page's <body> often holds nothing but its <main>: normalising the body's
    text again then cost as much as the main's (~0.8 ms on a 15 KB page). When the outer text
    is the inner text with only whitespace around it, and the inner text's first and last lines
    are blank (a block element's, after mark_blocks), the two have the same lines between two
    blank ones, which _collapse_layout turns into the same string: the inner result is the
    outer's. Else the outer text is normalised as usual."""
    if _only_whitespace_around(outer_raw, inner_raw):
        return inner_text
    return normalise_text(outer_raw)


def _blank(text: str) -> bool:
    """No character but whitespace (str.split()'s whitespace, as _collapse_layout's)."""
    return not text or text.isspace()


def _only_whitespace_around(outer_raw: str, inner_raw: str) -> bool:
    first_break, last_break = inner_raw.find("\n"), inner_raw.rfind("\n")
    if first_break < 0 or not _blank(inner_raw[:first_break]) or not _blank(inner_raw[last_break + 1:]):
        return False
    at = outer_raw.find(inner_raw)
    return at >= 0 and _blank(outer_raw[:at]) and _blank(outer_raw[at + len(inner_raw):])


_MAIN_XPATH = "//main | //*[@role='main']"
_CONTENT_IDS = ("main-content", "maincontent", "content-main", "main", "content", "primary")
# Every element with one of the ids, in page order, found in one walk of the tree (an XPath
# query per id walked it six times on a page with no <main>).
_CONTENT_IDS_XPATH = "//*[" + " or ".join(f"@id='{ident}'" for ident in _CONTENT_IDS) + "]"
# A <main> with less text than this is a shell (content rendered elsewhere); use <body>.
MIN_MAIN_TEXT = 200


def main_element(root):
    """The element holding the page's own content: <main>, role=main, a content id, or <body>."""
    return main_element_with_text(root)[0]


def main_element_with_text(root):
    """main_element and its text_content(), which choosing it reads already."""
    for el in root.xpath(_MAIN_XPATH):
        raw = el.text_content()
        if len(raw) >= MIN_MAIN_TEXT:
            return el, raw
    with_ids = root.xpath(_CONTENT_IDS_XPATH)
    for ident in _CONTENT_IDS:
        found = next((el for el in with_ids if el.get("id") == ident), None)
        if found is not None:
            raw = found.text_content()
            if len(raw) >= MIN_MAIN_TEXT:
                return found, raw
    body = root.find("body")
    main = body if body is not None else root
    return main, main.text_content()
