"""Labelled key facts: "Duration | 1 year" in tables, definition lists, headed sections, tabs and accordions.

Every layout reduces to a label element (th, dt, heading, tab, summary, a short
leaf) followed by its value; one vocabulary of labels maps them to fact names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from crawler.facts import durations, modes
from crawler.pagetext import element_text, raw_text

# Label wording per fact, matched against the whole label (case-insensitive,
# trailing colon and icons removed). Order matters only for readability.
_LABELS = {
    "duration": r"(?:course |programme |program |study |typical )?(?:duration|length)(?: of (?:the )?(?:course|programme|program|study|award))?(?: and (?:mode|attendance|study mode)s?)?(?: \(.*\))?"
                r"|how long(?: is the course| does it take| will it take| it takes| it will take)?\??|(?:estimated )?time (?:to complete|commitment|required)|study (?:time|period)|length of (?:course|programme|program|study)"
                r"|(?:study |attendance |delivery )?modes?(?: of study)? (?:and|&) (?:duration|length)",
    "modes": r"(?:study|delivery|attendance|learning|teaching|course) (?:mode|method|options?|format|type|pattern)s?|modes? of (?:study|delivery|attendance|learning)|delivery|attendance|format"
             r"|how (?:you'll|you will|to) (?:study|learn)|location|study options|ways to study|where you(?:'ll| will) study|mode",
    "fees": r"(?:tuition |course |programme |module |cpd )?(?:fees?|costs?|price|pricing)(?: and funding| & funding| \(.*\)| \d{4}.*| for .*| per module)?|fees and funding|funding|tuition"
            r"|how much (?:does it|will it|is it) cost\??|award value|what (?:the|this) (?:award|fellowship) (?:covers|funds|pays)|salary|stipend|financial support",
    "entry": r"(?:entry|admission|admissions|academic|application|applicant|course|programme|minimum) (?:requirements?|criteria)|entry(?: requirements?)?|requirements?|eligibility(?: criteria| requirements)?"
             r"|who (?:is (?:this|the) (?:course|programme|program|module|fellowship|training) for|can apply|should apply|is it for|this (?:course|programme|module) is for)\??|prerequisites?|am i eligible\??|before you apply|what you need",
    "start": r"(?:course |next |programme |module )?start(?:ing)? (?:dates?|date\(s\)|month)|starts?|starting|next (?:start|intake|cohort)|intakes?|entry points?|(?:course |module |session )dates?|dates?|commenc(?:es|ing|ement)"
             r"|when (?:can i|does it|do i|will i) start\??|enrolment dates?|start and end dates?"
             r"|(?:the )?(?:course|programme|program|module|fellowship|training) (?:starts?|begins?|commences?)",
    "awards": r"awards?(?: available| offered)?|qualifications?(?: awarded| available| offered)?|final (?:award|qualification)|exit awards?|interim awards?|course type|(?:type|kind) of (?:course|award|programme|qualification)"
              r"|programme type|degree(?: type| awarded)?|award type|qualification type",
    "level": r"(?:fheq |academic |study |credit |qualification |nqf |rqf |course |module )?level(?: of study)?|fheq(?: level)?|credit level",
    "credits": r"(?:total |module )?credits?(?: value| points| rating)?|cats(?: points| credits)?|credit points|ects(?: credits)?",
    "topics": r"(?:course |programme |core |optional |compulsory |key |example |the |our )?modules?(?: overview| and structure| list| information| content)?|what you(?:'ll| will) (?:study|learn|cover)|what (?:topics |modules |subjects )?(?:will you|you(?:'ll| will)) (?:study|learn|cover)\??|course (?:content|structure|outline|modules|units)"
              r"|curriculum|programme (?:structure|content|modules)|syllabus|topics(?: covered)?|units?|structure|content|what'?s covered|what is covered|what (?:does it|will it|it) covers?|course topics|sessions|workshops|(?:the )?programme|course programme|agenda",
    "summary": r"overview|(?:course|programme|module|fellowship) (?:overview|summary|description)|about (?:the|this) (?:course|programme|module|fellowship|scheme)|introduction|summary|description|at a glance",
}
_LABEL_PATTERNS = tuple((name, re.compile(rf"(?:{pattern})", re.I)) for name, pattern in _LABELS.items())
# Bullets, arrows and colons around a label's words.
_LABEL_NOISE_CHARS = " +-−–›»▸▾▼►•*:"
# Labels are short; longer leaf text is content that happens to start with a label word.
MAX_LABEL_CHARS = 60
# Values are cut here: an "Entry requirements" section rarely needs more.
MAX_VALUE_CHARS = 4000
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_LEAF_TAGS = frozenset({"dt", "th", "td", "summary", "button", "strong", "b", "span", "div", "p", "label", "li", "a", "h2", "h3", "h4", "h5", "h6", "em"})
_INLINE = frozenset({"span", "i", "em", "strong", "b", "abbr", "sup", "sub", "small", "img", "svg", "br", "a"})
# Blocks whose opening bold/span can label the rest of the block: a facts list item, a paragraph, a cell.
_INLINE_LABEL_BLOCKS = frozenset({"li", "p", "div", "dd", "td"})
# A bold lead-in longer than this is the start of a paragraph of prose, not a key-facts value.
MAX_INLINE_VALUE_CHARS = 160
_LINE_LABEL = re.compile(r"^(?P<label>[A-Za-z][A-Za-z &'’/()]{1,50}?)\s*(?::|\||–|—| - )\s*(?P<value>\S.*)$")


# Colon-less "Label value" lines: only labels whose value can be checked, and only values
# that read as that fact, so "Length of the waiting list" or "Mode of assessment" stay prose.
_BARE_LABEL = re.compile(
    r"^(?P<label>(?:(?:course|programme|program|study)\s+)?(?:duration|length)(?:\s+of\s+(?:the\s+)?(?:course|programme|program|study))?"
    r"|(?:attendance|study|delivery)\s+modes?|modes?\s+of\s+(?:study|attendance|delivery))\s+(?P<value>\S.{0,80})$",
    re.I,
)
_BARE_LABEL_STARTS = frozenset({"cour", "prog", "stud", "dura", "leng", "atte", "deli", "mode"})
_BARE_VALUE_CHECK = {
    "duration": lambda value: durations.parse_duration(value) != {"full-time": None, "part-time": None},
    "modes": lambda value: bool(modes.modes_in_label(value)),
    None: lambda value: False,
}


@dataclass
class KeyFacts:
    """Values found per fact name, in page order, with the elements they came from."""

    values: dict[str, list[str]] = field(default_factory=dict)
    elements: dict[str, list] = field(default_factory=dict)
    # The label wording read before each value, for rules that hang on it ("What the fellowship funds").
    labels: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, name: str, value: str, elements=(), label: str | None = None) -> None:
        value = value.strip()[:MAX_VALUE_CHARS]
        if not value:
            return
        if label:
            self.labels.setdefault(name, []).append((" ".join(label.split()), value))
        values = self.values.setdefault(name, [])
        if value not in values:
            values.append(value)
        self.elements.setdefault(name, []).extend(elements)

    def first(self, name: str) -> str | None:
        values = self.values.get(name)
        return values[0] if values else None

    def longest(self, name: str) -> str | None:
        values = self.values.get(name)
        return max(values, key=len) if values else None

    def joined(self, name: str) -> str | None:
        values = self.values.get(name)
        return "\n".join(values) if values else None


# The same menu items, headings and labels recur on every page of a site: ~20 calls a page.
@lru_cache(maxsize=8192)
def label_name(text: str) -> str | None:
    """The fact a label names ("Course duration:" -> "duration"), or None."""
    # After the join the only whitespace is single spaces, so a str.strip of the noise does
    # what a regex stripping whitespace and noise from both ends would.
    text = " ".join(text.split()).strip(_LABEL_NOISE_CHARS)
    if not text or len(text) > MAX_LABEL_CHARS:
        return None
    for name, pattern in _LABEL_PATTERNS:
        if pattern.fullmatch(text):
            return name
    return None


def _is_leaf(el) -> bool:
    # A childless element (most leaves) is one without walking its children.
    if not len(el):
        return True
    for child in el:
        tag = child.tag  # lxml builds the tag string anew at each reading
        if not (isinstance(tag, str) and tag in _INLINE):
            return False
    return True


def _starts_with_heading(el, level: int) -> bool:
    """A wrapper (<section><h2>...) whose first element is a heading of rank ``level`` or higher."""
    for _ in range(3):
        first = next((c for c in el if isinstance(c.tag, str)), None)
        if first is None:
            return False
        if first.tag in _HEADINGS:
            return int(first.tag[1]) <= level
        el = first
    return False


def _siblings_until_heading(el, level: int) -> list:
    """Elements after a heading up to the next heading (or headed section) of the same or higher rank."""
    out = []
    for sib in el.itersiblings():
        if not isinstance(sib.tag, str):
            continue
        if sib.tag in _HEADINGS and int(sib.tag[1]) <= level:
            break
        if _starts_with_heading(sib, level):
            break
        out.append(sib)
    return out


def _value_elements(el, doc_ids) -> list:
    """The elements holding the value of label element ``el``."""
    tag = el.tag
    target = el.get("aria-controls")
    if not target and (el.get("href") or "").startswith("#"):
        target = el.get("href")[1:]
    if target:
        found = doc_ids(target)
        return [found] if found is not None else []
    if tag == "a":
        return []
    if tag == "dt":
        out = []
        for sib in el.itersiblings():
            if sib.tag == "dt":
                break
            if sib.tag == "dd":
                out.append(sib)
        return out
    if tag in ("th", "td"):
        row = el.getparent()
        if row is None or row.tag != "tr":
            return []
        cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("th", "td")]
        if tag == "td" and (len(cells) != 2 or cells[0] is not el):
            return []
        if all(c.tag == "th" for c in cells):
            return []  # a column-heading row
        return [c for c in el.itersiblings() if isinstance(c.tag, str) and c.tag == "td"]
    if tag == "summary":
        return [s for s in el.itersiblings() if isinstance(s.tag, str)]
    if tag in _HEADINGS:
        out = _siblings_until_heading(el, int(tag[1]))
        if not out:
            parent = el.getparent()
            if parent is not None and parent.tag not in ("body", "main", "article", "section") and len(element_text(parent)) <= len(element_text(el)) + 2:
                out = _siblings_until_heading(parent, int(tag[1]))
        return out
    parent = el.getparent()
    # A button or label alone in a heading/wrapper: the panel follows the wrapper.
    if parent is not None and len(parent) == 1 and not (parent.text or "").strip() and parent.tag not in ("body", "main", "li"):
        if parent.tag in _HEADINGS:
            return _value_elements(parent, doc_ids)
        nxt = parent.getnext()
        while nxt is not None and not isinstance(nxt.tag, str):
            nxt = nxt.getnext()
        if nxt is not None:
            return [nxt]
    nxt = el.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    return [nxt] if nxt is not None and nxt.tag != "br" else []


def read_keyfacts(root, body_text: str) -> KeyFacts:
    """Labelled facts from the cleaned tree under ``root`` and from "Label: value" lines of ``body_text``."""
    facts = KeyFacts()
    ids: dict[str, object] = {}

    def doc_ids(ident: str):
        if not ids:
            for node in root.iter():
                node_id = node.get("id") if isinstance(node.tag, str) else None
                if node_id:
                    ids.setdefault(node_id, node)
        return ids.get(ident)

    for el in root.iter(*_LEAF_TAGS):
        tag = el.tag
        if tag not in _HEADINGS and tag not in ("dt", "th", "summary") and not _is_leaf(el):
            continue
        if tag in ("strong", "b", "span", "em", "label") and (el.tail or "").strip(" :\n"):
            # "<strong>Duration:</strong> 1 year" is read as a text line below; without
            # the colon ("<li><b>Start date</b> September 2026</li>") only the block shows the pair.
            pair = _inline_label_pair(el)
            if pair:
                facts.add(*pair)
            continue
        raw = raw_text(el)
        if len(raw) > MAX_LABEL_CHARS * 3:
            continue
        name = label_name(raw)
        if name is None:
            continue
        value_els = _value_elements(el, doc_ids)
        value = _value_text(value_els)
        if value and (_longer_than_a_label(value) or label_name(value) is None):
            facts.add(name, value, value_els, label=raw)
    for line in body_text.splitlines():
        for segment_label, segment_value in _line_pairs(line):
            name = label_name(segment_label)
            if name and label_name(segment_value) is None:
                facts.add(name, segment_value)
    return facts


def _value_text(value_els) -> str:
    """The value's text: each element's text on its own line, as far as KeyFacts.add keeps it.

    A section's value (an "Overview" heading's paragraphs) often runs to twice what add keeps:
    the elements past MAX_VALUE_CHARS are not read. Each text is normalised, so stripped and
    not empty: the lines read are the value's first ones, and add cuts both at the same place.
    A value read in part is one that _longer_than_a_label shows label_name would not take."""
    parts, size = [], -1
    for el in value_els:
        text = element_text(el)
        if text:
            parts.append(text)
            size += len(text) + 1
            if size >= MAX_VALUE_CHARS:
                value = "\n".join(parts)
                if _longer_than_a_label(value):
                    return value
                # Not shown to be no label (a run of bullets): read it all, for label_name to judge.
                return "\n".join(t for t in (element_text(v) for v in value_els) if t)
    return "\n".join(parts)


def _longer_than_a_label(text: str) -> bool:
    """True when ``text``, and so any text it begins, is too long for label_name to read as a label.

    Its first characters made one-spaced and stripped of noise as label_name does: any text
    beginning with ``text`` keeps at least those characters after the same steps."""
    head = text[:4 * MAX_LABEL_CHARS]
    return len(" ".join(head.split()).strip(_LABEL_NOISE_CHARS)) > MAX_LABEL_CHARS


def _inline_label_pair(el) -> tuple[str, str] | None:
    """(fact, value) of a bold/span label that opens its block, its value following in the same block."""
    parent = el.getparent()
    if parent is None or parent.tag not in _INLINE_LABEL_BLOCKS or (parent.text or "").strip():
        return None
    for sib in el.itersiblings(preceding=True):
        if (raw_text(sib) or "").strip() or (sib.tail or "").strip():
            return None  # the label is not the first thing in the block
    if not _is_leaf(parent):
        return None
    label = element_text(el)
    name = label_name(label)
    if name is None or name == "topics":
        return None  # a module list never sits inline after its heading
    block = element_text(parent)
    if not block.startswith(label):
        return None
    value = block[len(label):].strip(" :–—-|\n")
    if not value or len(value) > MAX_INLINE_VALUE_CHARS or label_name(value) is not None:
        return None
    return name, value


def _line_pairs(line: str):
    """("Duration", "1 year") pairs from "Duration: 1 year", a "Duration | 1 year | Fees | £900" row
    or a colon-less "Length One year FT, two years PT" line (a fact file flattened to text)."""
    cells = [c.strip() for c in line.split(" | ")] if " | " in line else []
    if len(cells) >= 2:
        for label, value in zip(cells, cells[1:]):
            yield label, value
    match = _LINE_LABEL.match(line)
    if match:
        yield match.group("label"), match.group("value")
    elif line[:1].isalpha() and line[:4].lower() in _BARE_LABEL_STARTS:
        bare = _BARE_LABEL.match(line)
        if bare and _BARE_VALUE_CHECK[label_name(bare.group("label"))](bare.group("value")):
            yield bare.group("label"), bare.group("value")
