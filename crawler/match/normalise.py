"""Normalised course titles and provider names, the keys the matcher compares."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache, partial
from typing import Callable, Iterable, NamedTuple

from crawler.match.gcpause import cyclic_gc_paused
from crawler.scan.boundaries import top_level_alternatives

# Award spellings, most specific first, mapped to the canonical spellings of
# docs/architecture.md (plus MPA, "masters", "diploma" and "certificate", which
# titles use but the architecture list has no slot for).
# Each alternative of a spelling starts with a small letter (_award_alternatives_by_letter).
_HONOURS = r"(?:\s*\(\s*hons\s*\)|\s+hon(?:ou)?rs)?"
_AWARD_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("PgCert", r"post\s*-?\s*grad(?:uate)?\.?\s*cert(?:ificate)?|p\.?\s?g\.?\s?cert(?:ificate)?|pgc"),
    ("PgDip", r"post\s*-?\s*grad(?:uate)?\.?\s*dip(?:loma)?|p\.?\s?g\.?\s?dip(?:loma)?|pgd"),
    ("MSc", r"master\s+of\s+science|m\.?\s?sc"),
    ("MA", r"master\s+of\s+arts|m\.a\.|ma"),
    ("MRes", r"master\s+of\s+research|m\.?\s?res"),
    ("MPhil", r"master\s+of\s+philosophy|m\.?\s?phil"),
    ("MPH", r"master\s+of\s+public\s+health|mph"),
    ("MBA", r"master\s+of\s+business\s+administration|mba"),
    ("MPA", r"master\s+of\s+public\s+administration|mpa"),
    ("PhD", r"doctor\s+of\s+philosophy|ph\.?\s?d|d\.?\s?phil"),
    # "Doctor of Public Health (DrPH)", "Doctor of Nursing (DNurs)": taught doctorates; a PhD
    # ("Doctor of Philosophy") is matched first, as its group comes earlier.
    ("professional doctorate", r"professional\s+doctorate|prof\.?\s*doc|d\.?\s?prof|doctorate|doctor\s+of|"
                               r"drph|dnurs|dhsc|dclinprac|edd|dba"),
    # "BSc (Hons)" and "BSc Honours" are one award; the honours word is no subject.
    ("BSc", rf"bachelor\s+of\s+science{_HONOURS}|b\.?\s?sc{_HONOURS}"),
    ("BA", rf"bachelor\s+of\s+arts{_HONOURS}|b\.a\.{_HONOURS}|ba{_HONOURS}"),
    ("foundation degree", r"foundation\s+degree|fd(?:a|sc)?"),
    ("masters", r"master'?s?\s+degree|masters?'?|master's"),
    ("diploma", r"higher\s+diploma|diploma|dip"),
    ("certificate", r"certificate|cert"),
    ("apprenticeship", r"degree\s+apprenticeship|higher\s+apprenticeship|apprenticeship"),
    ("short course", r"short\s+course"),
    ("module", r"module"),
    ("fellowship", r"fellowships?|fellows"),
)
_AWARD_GROUP = {f"a{i}": award for i, (award, _) in enumerate(_AWARD_SPELLINGS)}


def _award_alternation(group_of) -> str:
    """The alternation of the award spellings, each behind group_of(index) and the shared word-start test."""
    # The word-start test is shared by every spelling: written once before the alternation, it is
    # tried once per character instead of once per spelling (4 times faster, the same matches).
    return r"(?<!\w)(?:" + "|".join(rf"{group_of(i)}{pattern})(?![\w'])"
                                     for i, (_, pattern) in enumerate(_AWARD_SPELLINGS)) + ")"


AWARD_PATTERN = re.compile(_award_alternation(lambda i: f"(?P<a{i}>"), re.IGNORECASE)


def _award_alternatives_by_letter() -> str:
    """The alternatives of every spelling, gathered under their first letters: "m(?:aster...|a|...)|p(?:...)".

    Only alternatives starting with the same letter can match at the same place, and within a
    letter they keep their order, so at each place the first to match is the one AWARD_PATTERN
    finds. re then tests a place's letter once instead of entering all 21 spellings.
    """
    by_letter: dict[str, list[str]] = {}
    for _, spelling in _AWARD_SPELLINGS:
        for alternative in top_level_alternatives(spelling):
            letter, rest = alternative[0], alternative[1:]
            if not ("a" <= letter <= "z" and not rest.startswith(("?", "*", "+", "{"))):
                raise ValueError(f"award spelling {alternative!r} does not start with a letter of its own")
            by_letter.setdefault(letter, []).append(rf"{rest}(?![\w'])")
    return "|".join(f"{letter}(?:{'|'.join(rests)})" for letter, rests in by_letter.items())


# The alternation again, for text with no capital letter, as normalise_title has it: every spelling
# is written in small letters, so over such ASCII text re.IGNORECASE changes no match (it adds only
# the capitals and a few non-ASCII look-alikes, "ſ" for "s"), and without it and without the
# named groups re can skip the letters no spelling starts with: 2.5 times faster together with the
# grouping by letter. The award a match spells is then read back from the matched text (_award_spelled).
_LOWER_AWARD_PATTERN = re.compile(rf"(?<!\w)(?:{_award_alternatives_by_letter()})")
# In text of letters and spaces only, a word starts just after a space: searched for behind one,
# the alternation is tried only there (re skips ahead to a pattern's literal first character),
# 1.7 times faster again. Nothing but a letter ends a match there, so the matches are the same.
_AWARD_AFTER_SPACE = re.compile(f" (?:{_award_alternatives_by_letter()})")
# The same, as one group: re.split then gives the text between the awards and the awards in one pass.
_SPLIT_AT_AWARDS = re.compile(f"({_AWARD_AFTER_SPACE.pattern})")


@lru_cache(maxsize=4_096)
def _award_spelled(spelling: str) -> str:
    """The award a matched spelling names: the first whose pattern matches the whole of it.

    At a place where the alternation matched, every spelling before the one that matched
    failed; none of them can match exactly the matched text either, since the only tests
    that look past it, the shared word-start test before and each spelling's "no word
    character after" (the spellings have no lookaround of their own), pass at the ends of the
    text alone as they passed in the title. So the first spelling matching the text alone is
    the one that matched in the title.
    """
    return _AWARD_GROUP[AWARD_PATTERN.fullmatch(spelling).lastgroup]


@lru_cache(maxsize=4_096)
def _award_spelled_after_space(spelling: str) -> str:
    """_award_spelled of a spelling found behind a space (_SPLIT_AT_AWARDS), the space included."""
    return _award_spelled(spelling[1:])


def replace_awards(text: str, replacement: Callable[[str], str]) -> str:
    """AWARD_PATTERN.sub over the text, each award spelling replaced by replacement(award)."""
    if text.isascii() and text.islower():
        if text.replace(" ", "").isalpha():
            spaced = _AWARD_AFTER_SPACE.sub(lambda match: " " + replacement(_award_spelled(match.group()[1:])),
                                            " " + text)
            return spaced[1:]
        return _LOWER_AWARD_PATTERN.sub(lambda match: replacement(_award_spelled(match.group())), text)
    return AWARD_PATTERN.sub(lambda match: replacement(_AWARD_GROUP[match.lastgroup]), text)


# These awards name the subject too ("Executive MBA"), so their token stays in the title.
# "Apprenticeship" is a route, not a subject, but it stays for another reason: the
# apprenticeship and the taught course of one subject are sold separately (other funding,
# other entry), so "MSc X (Apprenticeship)" and "MSc X" must keep different keys.
SUBJECT_AWARDS = {"MBA": "mba", "MPA": "mpa", "MPH": "mph", "apprenticeship": "apprenticeship"}
MASTERS_LEVEL = frozenset({"MSc", "MA", "MRes", "MPhil", "MPH", "MBA", "MPA", "masters"})
POSTGRADUATE = MASTERS_LEVEL | {"PgCert", "PgDip"}

# Words of delivery, mode, length, credit and intake; a bracket or trailing " - ..." made only
# of them goes ("(CPD module, 20 credits)", "(1 year full-time)", "(On Demand)"). They describe
# how one course is sold, never which course it is.
DELIVERY_WORDS = frozenset(
    "distance learning online on line elearning e web based blended part full time parttime fulltime "
    "campus face to mode and or hons honours top up intake entry start flexible evening weekend day "
    "days week weeks month months year years cpd credit credits ects demand "
    "release uk international course january february march april may june july august september october "
    "november december autumn spring summer winter".split()
)
# A bracket of delivery words may still name the award ("(e-learning module)"); that word stays.
_AWARDS_KEPT_FROM_DELIVERY = frozenset({"module"})
_DELIVERY_OR_KEPT = DELIVERY_WORDS | _AWARDS_KEPT_FROM_DELIVERY
_BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_PART_SEPARATOR = re.compile(r"[:|\-\u2010-\u2015]")
_TRAILING_PART = re.compile(r"(?:\s*[:|]|\s+[-\u2010-\u2015])\s+([^-\u2010-\u2015:|]+)$")
# Unbracketed only for phrases that are never a subject ("Teaching Online" keeps its word).
_TRAILING_DELIVERY = re.compile(r"\s(?:by\s+)?(?:distance\s+learning|part[\s-]?time|full[\s-]?time)\s*$")
_YEAR = re.compile(r"^\d{4}(?:/\d{2,4})?$")
_APOSTROPHE = re.compile(r"['\u2018\u2019`]")
_NOT_WORD = re.compile(r"[\W_]+")
# Each with a piece of text every match contains: most titles have none, and a substring
# test skips the pattern (each \b-led pattern is otherwise tried at every character).
_SPELLINGS = (
    ("health care", re.compile(r"\bhealth care\b"), "healthcare"),
    ("is", re.compile(r"\b(organ|special|recogn|priorit|optim|util|mobil)is(e|es|ed|ing|ation|ations)\b"), r"\1iz\2"),
    ("isation", re.compile(r"isation\b"), "ization"),
    ("centre", re.compile(r"\bcentre\b"), "center"),
    # An intake year is not part of the course ("Masterclass 2025", "MSc X 2025/26").
    ("", re.compile(r"\b(?:19|20)\d\d(?: \d\d(?:\d\d)?)?(?: (?:entry|intake|start))?\b"), " "),
)


def _may_respell_words(text: str) -> bool:
    """False if no respelling of words in _SPELLINGS can match: the text holds none of their needles."""
    # Written out ("isation" holds "is"): three substring tests cost a fifth of one regex search for them.
    return "is" in text or "centre" in text or "health care" in text


# Left behind at the start when "MSc in X" / "Masters of X" loses its award.
_LEADING_CONNECTOR = re.compile(r"^(?:in|of|with)\s+")
_TRAILING_CONNECTOR = re.compile(r"\s+(?:in|of|with)$")
_TRAILING_NOUN = re.compile(r"\s+(?:programme|program|course)$")
# The words those two patterns end with; the text has no line breaks, so "$" is its end.
_CONNECTORS = ("in", "of", "with")
_CONNECTORS_THEN_SPACE = tuple(f"{word} " for word in _CONNECTORS)
_NOUNS = ("programme", "program", "course")


# Words whose presence or absence never makes two titles different courses.
STOPWORDS = frozenset("a an the of for in to and on with at by from into".split())


# A stated FHEQ level (3-8) is a fact about the course, like its award: "(Level 7)" on one
# side only says nothing, level 6 against level 7 is another course. Levels 1-2 are kept as
# words: they number parts of a series ("Patient Safety Level 1"), not qualifications.
_LEVEL = re.compile(r"\b(?:fheq\s+|academic\s+)?level\s*([3-8])\b")
_NO_LEVELS: frozenset[str] = frozenset()
# "Master of Public Health (MPH)": the spelled-out award and its abbreviation are one token.
_REPEATED_SUBJECT_AWARD = re.compile(r"\b(" + "|".join(SUBJECT_AWARDS.values()) + r")(?:\s+\1\b)+")


def _may_repeat_subject_award(text: str) -> bool:
    """False if _REPEATED_SUBJECT_AWARD cannot match: the text names no subject award."""
    # Written out: four substring tests cost half what any(map(...)) over them does.
    return "mba" in text or "mpa" in text or "mph" in text or "apprenticeship" in text


# A course code: capital letters, then three to five digits ("QI 101", "T889", "HEA0010",
# "LMP 2348", "EDUC 6840", "MECH H3014"). Matched on the title as written, because the
# capitals are what tell "LDR 101" (a code) from "Leadership 101" (an introduction).
# Fewer digits are never a code: "Level 7", "COVID 19", "Patient Safety Level 2"; nor is one
# letter apart from its number ("A 100 Day Plan").
_CODE = r"(?P<letters>[A-Z]{2,5}(?= ?[A-Z]?\d)|[A-Z](?=[A-Z]?\d)) ?[A-Z]?(?P<number>\d{3,5})[A-Z]?"
# Providers print codes before the title, in brackets after it, or after a dash or colon.
_LEADING_CODE = re.compile(rf"^\s*{_CODE}(?:\s*[:|.]\s*|\s+[-\u2010-\u2015]\s+|\s+)(?=[^\W\d_])")
_BRACKETED_CODE = re.compile(rf"\s*[(\[]\s*(?i:(?:module|course)\s+)?(?i:code:?\s*)?{_CODE}\s*[)\]]")
_TRAILING_CODE = re.compile(rf"(?:\s*[:|]\s*|\s+[-\u2010-\u2015]\s+){_CODE}\s*$")
# Letters that look like a code's but name a standard or a qualification, which is part of
# what the course is: "ISO 9001", "BS 5750", "AS9100", "NHS 111", the NMC prescribing
# annotations "V150"/"V300" (a V150 course is not a V300 course), an award with a year.
_CODE_LOOKALIKES = frozenset(
    "ISO IEC BS EN AS IATF OHSAS NHS V MSC MA MBA MPH MRES PHD BSC BA PGCERT PGDIP".split()
)
_YEAR_NUMBER = re.compile(r"(?:19|20)\d\d")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")


def _is_course_code(match: re.Match) -> bool:
    letters, number = match.group("letters"), match.group("number")
    spaced_year = _YEAR_NUMBER.fullmatch(number) and f"{letters} {number}" in match.group(0)
    return letters not in _CODE_LOOKALIKES and not spaced_year


def drop_course_codes(title: str) -> str:
    """The title without the provider's course code; a title that is only a code stays as it is."""
    if not _DIGIT.search(title):  # most titles: skip the three patterns
        return title
    text = title
    for pattern in (_LEADING_CODE, _BRACKETED_CODE, _TRAILING_CODE):
        text = pattern.sub(lambda m: " " if _is_course_code(m) else m.group(0), text)
    return text if _LETTER.search(text) else title


class Title(NamedTuple):
    text: str
    awards: frozenset[str]
    key: str  # the words compared between titles: the text without stopwords, plus any level
    level: str | None = None  # a stated FHEQ level, "3".."8"
    subject: str = ""  # the key without the level: what the title scorer compares
    pathway: str = ""  # a named pathway's subject: compared as a course of its own


# Title(...) runs NamedTuple's __new__, a Python function (0.9 us); tuple.__new__ makes the same Title in a third.
_new_title = partial(tuple.__new__, Title)


def _fold(text: str) -> str:
    """Unicode-normalise, drop accents on Latin letters, casefold; other scripts are kept."""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", text).casefold()


# Brackets repeat from title to title ("(Online)", "(Part-time)"): their verdicts are kept.
@lru_cache(maxsize=4_096)
def _delivery_remainder(words: str) -> str | None:
    """None if the words are not all delivery words, else the award words among them to keep."""
    tokens = _NOT_WORD.sub(" ", words.casefold()).split()
    if not tokens:
        return None
    # Mostly ("Online", "Part time") every token is a listed word: one set test instead of four per token.
    if not _DELIVERY_OR_KEPT.issuperset(tokens) and not all(
            t in _DELIVERY_OR_KEPT or _YEAR.match(t) or t.isdigit() for t in tokens):
        return None
    if _AWARDS_KEPT_FROM_DELIVERY.isdisjoint(tokens):
        return ""
    return " ".join([t for t in tokens if t in _AWARDS_KEPT_FROM_DELIVERY])


def _drop_delivery(text: str) -> str:
    def bracket(m: re.Match) -> str:
        kept = _delivery_remainder(m.group(1) or m.group(2) or "")
        return m.group(0) if kept is None else f" {kept} "

    if "(" in text or "[" in text:  # most titles have no bracket: skip the pattern
        text = _BRACKETS.sub(bracket, text)
    # Each pattern below is skipped when the text lacks a character or word every match has.
    trailing = _TRAILING_PART.search(text) if _PART_SEPARATOR.search(text) else None
    if trailing and (kept := _delivery_remainder(trailing.group(1))) is not None:
        text = f"{text[: trailing.start()]} {kept}"
    if "time" in text or "learning" in text:
        text = _TRAILING_DELIVERY.sub("", text)
    return text


# The apostrophe patterns are skipped where they cannot match: the curly ones are not ASCII.
def _straight_apostrophes(text: str) -> str:
    return _APOSTROPHE.sub("'", text) if "`" in text or not text.isascii() else text


def _without_apostrophes(text: str) -> str:
    return _APOSTROPHE.sub("", text) if "'" in text or "`" in text or not text.isascii() else text


def _only_words(text: str) -> str:
    """Each run of non-word characters as one space, and none at either end."""
    words = text.split()
    # Mostly the text is words between spaces already: no pattern needed. (\w is what
    # str.isalnum accepts, plus "_", which the pattern counts as a separator.)
    if "".join(words).isalnum():
        return " ".join(words)
    return _NOT_WORD.sub(" ", text).strip()


def _words(text: str) -> str:
    if "&" in text or "+" in text:
        text = text.replace("&", " and ").replace("+", " and ")
    return _respelled(_only_words(_without_apostrophes(text)))


def _respelled(text: str) -> str:
    """Words between single spaces, respelled to one spelling ("health care", "-isation") and without intake years."""
    respelled = False
    for needle, pattern, replacement in _SPELLINGS:
        # No spelling adds or takes away a digit, so the year's test can look at the text as it is now.
        if needle in text if needle else _DIGIT.search(text):
            text = pattern.sub(replacement, text)
            respelled = True
    # The text came with one space between words and none at the ends; only a respelling can undo that.
    return " ".join(text.split()) if respelled else text


# A pathway of a programme, named in a bracket ("(Pathway in Translational Medicine)",
# "(Human Nutrition Pathway)") or after a comma, colon or dash at the end ("- Leadership
# pathway"). Only the singular word after such a separator: "Integrated Care Pathways" and
# "Care Pathway Design" are subjects, not pathways.
_PATHWAY_NAME_AFTER = r"pathway(?:\s+in|\s*:|\s+-)?\s+"
_BRACKETED_PATHWAY = re.compile(
    rf"[(\[]\s*(?:{_PATHWAY_NAME_AFTER}(?P<after>[^()\[\]]+?)|(?P<before>[^()\[\]]+?)\s+pathway)\s*[)\]]")
_TRAILING_PATHWAY = re.compile(
    rf"(?:,|:|\s[-\u2010-\u2015])\s+(?:{_PATHWAY_NAME_AFTER}(?P<after>[^,:()\[\]]+?)"
    rf"|(?P<before>[^,:()\[\]\-\u2010-\u2015]+?)\s+pathway)\s*$")


def _split_pathway(text: str) -> tuple[str, str]:
    """(the title without its pathway, the pathway's name); the name is '' if there is none."""
    if "pathway" not in text:  # most titles: skip both patterns
        return text, ""
    text = text.strip()
    for pattern in (_BRACKETED_PATHWAY, _TRAILING_PATHWAY):
        if match := pattern.search(text):
            return f"{text[: match.start()]} {text[match.end():]}", match.group("after") or match.group("before")
    return text, ""


def _without_delivery(title: str) -> tuple[str, set[str] | frozenset[str]]:
    """The title folded, without its course code, stated level and delivery words; and the levels it states."""
    text = _straight_apostrophes(_fold(drop_course_codes(title))).replace("*", " ")
    # Patterns led by \b are tried at every character: skipped where the word they need is missing.
    levels = set(_LEVEL.findall(text)) if "level" in text else _NO_LEVELS
    return _drop_delivery(_LEVEL.sub(" ", text) if levels else text), levels


def _plain_without_delivery(title: str) -> tuple[str, frozenset[str]]:
    """_without_delivery of a title made only of ASCII letters and spaces, as most are.

    With no digit such a title has no course code, intake year or level; with no bracket,
    colon or dash no delivery part but a trailing "part time" or "distance learning"; and
    ASCII needs no folding: 13% of the time normalise_title took on the benchmark's titles.
    """
    text = title.lower()
    if "time" in text or "learning" in text:
        text = _TRAILING_DELIVERY.sub("", text)
    return text, _NO_LEVELS


def _plain_without_delivery_bracket(title: str) -> str | None:
    """A title of ASCII letters and spaces ending in a bracket of delivery words ("X (Online)") as _drop_delivery
    leaves it, the bracket replaced by the award words it keeps between spaces; None for any other title.

    Nothing else in such a title is a code, level, separator or pathway, so its _without_delivery is the
    _plain_without_delivery of the title written so (tests/test_matching_speed_paths.py).
    """
    if not title.endswith(")"):
        return None
    head, _, inner = title[:-1].rpartition("(")
    if not (head.replace(" ", "").isalpha() and inner.replace(" ", "").replace("-", "").isalpha()):
        return None
    kept = _delivery_remainder(inner)
    return None if kept is None else f"{head} {kept} "


def _course_words(text: str, take: Callable[[str], str], found: list[str]) -> list[str]:
    """The words of a title (or of its pathway) once take() has had its awards."""
    return _tidy_words(_words(replace_awards(text, take)), found)


def _tidy_words(text: str, found) -> list[str]:
    """The words, without a repeated subject award, a connector left by an award taken, or a trailing noun."""
    if _may_repeat_subject_award(text):
        text = _REPEATED_SUBJECT_AWARD.sub(r"\1", text)
    if found:
        # _words leaves single spaces, so the leading connector is one of these or none.
        if text.startswith(_CONNECTORS_THEN_SPACE):
            text = _LEADING_CONNECTOR.sub("", text)
        if text.endswith(_CONNECTORS):
            text = _TRAILING_CONNECTOR.sub("", text)
    if text.endswith(_NOUNS):
        text = _TRAILING_NOUN.sub("", text)
    return text.split()


def _awards_named(found) -> frozenset[str]:
    """The awards a title names, from those its words spelled."""
    awards = frozenset(found)
    # "PG Cert/ Dip/MSc", "Cert/PG Dip/MSc": bare Cert and Dip share the postgraduate prefix.
    if not awards.isdisjoint(POSTGRADUATE):
        if "diploma" in awards:
            awards = (awards - {"diploma"}) | {"PgDip"}
        if "certificate" in awards:
            awards = (awards - {"certificate"}) | {"PgCert"}
    return awards


@lru_cache(maxsize=200_000)
def normalise_title(title: str) -> Title:
    """Split a course title into comparable words and the set of awards it names."""
    title = title or ""
    if title.isascii():
        if title.replace(" ", "").isalpha():
            return _plain_title(title)
        if (plain := _plain_without_delivery_bracket(title)) is not None:
            return _plain_title(plain)
    return _title_of(*_without_delivery(title))


def _title_of(text: str, levels: set[str] | frozenset[str]) -> Title:
    """The Title of a folded title without its code, level and delivery words, given the levels it stated."""
    programme, pathway = _split_pathway(text)
    found: list[str] = []

    def take(award: str) -> str:
        found.append(award)
        return f" {SUBJECT_AWARDS[award]} " if award in SUBJECT_AWARDS else " "

    words = _course_words(programme, take, found)
    pathway_words = _course_words(pathway, take, found) if pathway else []
    awards = _awards_named(found)
    if pathway_words:
        # A pathway of nothing ("MSc (Leadership pathway)") is the course itself.
        pathway_subject = _without_stopwords(pathway_words) if words else ""
        words += pathway_words
    else:
        pathway_subject = ""
    text = " ".join(words)
    subject = text if STOPWORDS.isdisjoint(words) else _without_stopwords(words)
    # Two levels in one title ("level 6 or 7") name no single one.
    if len(levels) != 1:
        return _new_title((text, awards, subject, None, subject, pathway_subject))
    level = next(iter(levels))
    suffix = f" level {level}"
    return _new_title((text + suffix, awards, (subject + suffix).strip(), level, subject, pathway_subject))


# What an award spelling becomes in a title of letters and spaces (_plain_title): as in
# replace_awards, the space it was found behind and take()'s replacement.
_SPELLING_REPLACED_BY = {award: f"  {name} " for award, name in SUBJECT_AWARDS.items()}
_SUBJECT_AWARD_KEYS = frozenset(SUBJECT_AWARDS)


def _plain_title(title: str) -> Title:
    """_title_of(*_without_delivery(title)) of a title of ASCII letters and spaces, as most are.

    Such a title has no code, level, bracket, separator, apostrophe, "&" or digit, so only
    its trailing delivery words, awards, respellings, connectors and nouns are left to do (a
    pathway is only named after a bracket or a separator). Its awards are split out in one
    pass with no Python called per award: a quarter less time than the full steps on the
    benchmark's titles.
    """
    text, _ = _plain_without_delivery(title)
    if not text.islower():  # no letter left ("part time" went): replace_awards finds no award either
        return _new_title(("", frozenset(), "", None, "", ""))
    # [text, award, text, award, ..., text], each award with the space it was found behind.
    parts = _SPLIT_AT_AWARDS.split(" " + text)
    if len(parts) == 1:
        found, words = (), text.split()
    else:
        found = list(map(_award_spelled_after_space, parts[1::2]))
        if _SUBJECT_AWARD_KEYS.isdisjoint(found):
            words = "  ".join(parts[::2]).split()
        else:
            parts[1::2] = [_SPELLING_REPLACED_BY.get(award, "  ") for award in found]
            words = "".join(parts).split()
    text = " ".join(words)
    if _may_respell_words(text):  # a title of letters has no intake year to drop
        text = _respelled(text)
    words = _tidy_words(text, found)
    text = " ".join(words)
    subject = text if STOPWORDS.isdisjoint(words) else _without_stopwords(words)
    return _new_title((text, _awards_named(found), subject, None, subject, ""))


def normalise_titles(titles: Iterable[str]) -> list[Title]:
    """normalise_title of each title, for a batch: a catalogue, or the candidates of a run."""
    with cyclic_gc_paused():
        return [normalise_title(title) for title in titles]


def _without_stopwords(words: list[str]) -> str:
    return " ".join([w for w in words if w not in STOPWORDS] or words)


def canonical_awards(awards) -> frozenset[str]:
    """Canonical spellings for an award list from elsewhere ("PG Cert; MSc" or ["msc"])."""
    if not awards:
        return frozenset()
    if isinstance(awards, str):
        awards = re.split(r"[;,|]", awards)
    found: set[str] = set()
    for award in awards:
        parsed = normalise_title(str(award)).awards
        found |= parsed if parsed else ({str(award).strip()} if str(award).strip() else set())
    return frozenset(found)


def levels_relation(left: str | None, right: str | None) -> str:
    """'unknown' if either title states no level, else 'shared' or 'conflict'."""
    if not left or not right:
        return "unknown"
    return "shared" if left == right else "conflict"


def awards_relation(left: frozenset[str], right: frozenset[str]) -> str:
    """'unknown' if either side names no award, 'shared' if they overlap, else 'conflict'."""
    if not left or not right:
        return "unknown"
    if left & right:
        return "shared"
    # A generic "Masters" is any of the master's degrees.
    if ("masters" in left and right & MASTERS_LEVEL) or ("masters" in right and left & MASTERS_LEVEL):
        return "shared"
    return "conflict"


# Phrases that join two providers of one course; the longer phrases come first so
# "in partnership with" is not cut at its "with".
_PARTNERSHIP = r"(?:in\s+(?:partnership|collaboration|association)|jointly|together)\s+with"
_PROVIDER_PARTS = re.compile(rf"\s*(?:[/;&]|\b(?:{_PARTNERSHIP}|with|and)\b)\s*", re.IGNORECASE)
# "Kingston University (in partnership with St George's)": that bracket names a partner, so it
# stays when other brackets go. A bare "(with ...)" does not: "(with academic partners ...)".
_PARTNER_BRACKET = re.compile(rf"[(\[]\s*({_PARTNERSHIP}\s[^()\[\]]+)[)\]]", re.IGNORECASE)
# A joint name none of whose partners is known is split only if every part names a body
# ("Foo University and Bar College"); "London School of Hygiene & Tropical Medicine" is one.
_INSTITUTION_WORD = re.compile(r"\b(?:universit(?:y|ies)|college|institute|school|academy|trust|hospitals?|nhs)\b",
                               re.IGNORECASE)
_LEADING_THE = re.compile(r"^the\s+")


@lru_cache(maxsize=20_000)
def normalise_provider(name: str) -> str:
    """Comparable form of a provider name: no brackets, punctuation, case or leading 'The'."""
    text = _BRACKETS.sub(" ", _fold(name or ""))
    text = _APOSTROPHE.sub("", text.replace("&", " and "))
    return _LEADING_THE.sub("", " ".join(_NOT_WORD.sub(" ", text).split()))


def unbracket_partners(name: str) -> str:
    """The name with a bracketed partnership ("(in partnership with X)") written out."""
    return _PARTNER_BRACKET.sub(r" \1 ", name or "")


def provider_parts(name: str) -> list[str]:
    """The names inside a joint provider ("Kingston and St George's"), not yet normalised."""
    parts = _PROVIDER_PARTS.split(_BRACKETS.sub(" ", unbracket_partners(name)))
    return [part.strip(" ,") for part in parts if part.strip(" ,")]


def names_institutions(parts: list[str]) -> bool:
    """True if there are several parts and each names a university, college, trust or the like."""
    return len(parts) > 1 and all(_INSTITUTION_WORD.search(part) for part in parts)
