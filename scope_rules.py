"""Scope filter: is a course page in the 2014 study's scope, and is improvement its core or a topic?

The study kept a programme only if it was "specifically health or social care
focused" and "explicitly supported clinical academic careers and/or development
in relation to the sciences of quality and improvement". It then split kept
courses into those focused completely on improvement (table 3, `core`) and those
where improvement is a topic or work-based project (table 4, `related`).

The term lists and their weights live in data/scope_terms.yaml, one commented
list per kind of evidence, so an analyst can change a verdict by editing a list.
The thresholds that turn evidence into a verdict are the named constants below;
their values come from bench/bench_scope.py over tests/fixtures/scope/.

Public entry points: classify(facts), link_priority(url, anchor_text),
explain_reasons(verdict), load_scope_rules(path).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from crawler.configfile import ConfigError, read_yaml
from crawler.scan import lowercase
from crawler.scan.literals import LiteralIndex, finditer_at
from crawler.scan.shared import SharedScan

TERMS_FILE = Path(__file__).resolve().parent / "data" / "scope_terms.yaml"

FIELDS = ("title", "summary", "topics", "entry_requirements", "text")
ROLES = ("mask", "health", "focus", "related", "other_setting", "penalty", "pre_registration", "not_a_course")
CATEGORIES = ("core", "related", "out")

# --- Thresholds. Values chosen on bench/bench_scope.py (labelled set and the report's
# tables 3 and 4); the comment on each says what the number means there.

# Health evidence needed to call the setting health or social care: one health word in
# the summary (1.0 x 2.0), or in the title; body text alone never reaches it (at most
# DISTINCT_CAP words count there, 1.5), so a mega-menu entry "Nursing | Public Health" on
# a computing page is not enough. The one exception is an improvement title whose body
# text names health and no heavier other sector (_health_named_in_text_only).
# Bench: 3.0 drops labelled recall to 0.94 and report placement from 45 to 42 of 49.
HEALTH_MIN = 2.0

# Improvement evidence (focus + related - penalty) needed for core or related: one
# related phrase in the summary (1.5 x 2.0) passes; a single phrase deep in body text
# (at most 3.0 x 0.5) does not. Bench: 4.0 places 2 fewer report courses, 5.0 also
# loses labelled recall; 2.0 scores the same but would let two body-text words through.
IN_SCOPE_MIN = 3.0

# Focus evidence outside the body text needed for core when the title alone does not
# decide: one focus phrase in the summary (3.0 x 2.0). Core also needs focus >= related
# ("focused completely on improvement"). Bench: 9.0 places one fewer table 3 course.
CORE_MIN = 6.0

# Distinct phrases of the `not_a_course` lists (job adverts...) that mark a page the
# extractor could not type (page_kind None) as not a course. Two, because fellowships
# also state a salary or a closing date; a job advert says several such things at once.
NOT_A_COURSE_MIN_PHRASES = 2

# At most this many distinct phrases of one list count per field, so a page repeating
# its keywords or a long list of titles cannot run up the score.
DISTINCT_CAP = 3

# Body text beyond this is not read: the opening of a course page carries its
# description, and what follows is fees, how to apply and "related courses" boxes.
# 8,000 characters left every bench_scope verdict unchanged and halved classify()
# on the 12 KB pages of bench/sitegen.py (20,000 before).
TEXT_SCAN_CHARS = 8_000

# A "page" naming this many awards (MSc, PgCert...) at a density of one in every
# LISTING_WORDS_PER_AWARD words is a list of courses, not a course. A real multi-award
# course page names its awards a handful of times.
LISTING_AWARD_MENTIONS = 40
LISTING_WORDS_PER_AWARD = 12

# Share of common English words below which text with no matches is reported as
# probably not English (English prose runs at 25-40%).
ENGLISH_STOPWORD_SHARE = 0.08

# At most this many reasons are returned, decision first.
MAX_REASONS = 40

# --- link_priority scale (Scrapy request priority; higher is fetched sooner).
# Range LINK_PRIORITY_MIN..LINK_PRIORITY_MAX; 0 is a neutral link.
LINK_PRIORITY_MIN = -10
LINK_PRIORITY_MAX = 20
LINK_COURSE_PATH = 4  # URL path looks like a course, module, CPD or fellowship page
LINK_FOCUS_WORDS = 8  # improvement-focus words in URL or anchor
LINK_RELATED_WORDS = 4  # evidence / clinical academic / leadership words
LINK_HEALTH_WORDS = 3  # health or social care words
LINK_OTHER_SETTING = -3  # another setting's words and no health words
LINK_NON_COURSE_PATH = -6  # news, events, people, research, jobs, about, search...

_COURSE_PATH = re.compile(
    r"/(?:courses?|study|postgraduate|undergraduate|programmes?|programs?|cpd|"
    r"short-courses?|modules?|fellowships?|training|masters?|msc|mres|pgcert|pgdip|"
    r"prospectus|course-finder)(?:[/\-_.?#]|$)"
)
_NON_COURSE_PATH = re.compile(
    r"/(?:news|events?|blogs?|people|staff|profiles?|research|publications?|jobs|"
    r"vacancies|careers|about(?:-us)?|contact(?:-us)?|privacy|cookies?|accessibility|"
    r"login|sign-in|search|accommodation|alumni|press|media|podcasts?)(?:[/?#]|$)"
)
_DEAD_END_LINK = re.compile(
    r"^(?:mailto:|tel:|javascript:)|\.(?:pdf|jpe?g|png|gif|svg|docx?|xlsx?|pptx?|zip|mp[34])(?:[?#]|$)"
)

# Web domains that only health and care services publish on: the NHS of each UK nation
# and Northern Ireland's health and social care service.
_HEALTH_SERVICE_DOMAIN = re.compile(r"^[a-z]+://(?:[^/?#@]*\.)?(nhs\.uk|nhs\.scot|nhs\.wales|hscni\.net)(?::\d+)?(?:[/?#]|$)")

_AWARD_NAMES = ("MSc", "MA", "MRes", "MPhil", "MPH", "MBA", "PhD", "PgCert", "PgDip", "PGCert", "PGDip", "BSc", "BA", "LLM",
                "MEng", "FdSc", "FdA")
_AWARD_WORDS = re.compile(r"\b(?:" + "|".join(_AWARD_NAMES) + r")\b")
# Every award word starts with one of these letter pairs, and award words never overlap, so a
# text holds at least as many of the pairs as award words. re skips through a text to the
# pairs' capitals at C speed, while _AWARD_WORDS, led by \b, is tried at every character
# (~0.3 ms on the 8,000 characters of a generated page): counted first, the pairs spare most
# pages that search.
_AWARD_HEADS = re.compile("|".join(sorted({name[:2] for name in _AWARD_NAMES})))
_WORDS = re.compile(r"[^\W\d_]+")
# Each byte of a UTF-8 text: an ASCII letter lowercased, any other byte a space.
_ASCII_LETTERS_LOWERED = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 else 32 for c in range(256))
_ASCII_BYTES = bytes(range(128))
_ENGLISH_STOPWORDS = frozenset(
    "the and of to in for with on is are you your this that from by as at or be will our".split()
)
_ENGLISH_STOPWORD_BYTES = frozenset(word.encode() for word in _ENGLISH_STOPWORDS)


class ScopeRulesError(ConfigError):
    """The scope term file or one of its lists is invalid."""


@dataclass(frozen=True)
class TermList:
    name: str
    role: str
    weight: float
    purpose: str
    terms: tuple[str, ...]
    only_in: tuple[str, ...]
    pattern: re.Pattern = field(repr=False, compare=False)
    # The first word of each phrase (up to any "*"): every match starts with one of them.
    literals: frozenset[str] = field(default=frozenset(), repr=False, compare=False)


@dataclass(frozen=True)
class ScopeRules:
    path: str
    field_weights: dict
    lists: tuple[TermList, ...]
    mask: re.Pattern | None = field(repr=False, compare=False)
    # One pattern per role, for link_priority's single pass over URL and anchor text.
    link_patterns: dict = field(repr=False, compare=False)
    mask_literals: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    # The literals of every list and the mask, found in a field in one pass (crawler/scan).
    literal_index: LiteralIndex | None = field(default=None, repr=False, compare=False)
    # For each literal of the index, the names of the lists whose phrases start with it (None: the mask).
    literal_owners: dict = field(default_factory=dict, repr=False, compare=False)

    def of_role(self, role: str) -> tuple[TermList, ...]:
        return self._lists_by_role.get(role, ())

    @functools.cached_property
    def _lists_by_role(self) -> dict[str, tuple[TermList, ...]]:
        # Asked a dozen times a page; cached_property writes the instance's __dict__, frozen or not.
        return {role: tuple(t for t in self.lists if t.role == role) for role in ROLES}


def _phrase_pattern(phrase: str) -> str:
    # Sites write "evidence-based", "evidence based" and "evidence–based" alike;
    # URLs write "quality-improvement". "*" is the analyst's stem wildcard.
    words = [w for w in re.split(r"[\s\-\u2010-\u2015]+", phrase.strip()) if w]
    parts = [re.escape(w).replace(r"\*", r"\w*") for w in words]
    body = r"[\s\-\u2010-\u2015_]*".join(parts)
    if not phrase.endswith("*"):
        body += r"(?:s|es)?"
    return body


def _first_literal(phrase: str) -> str:
    """The text every match of the phrase's pattern starts with: its first word up to any "*"."""
    words = [w for w in re.split(r"[\s\-\u2010-\u2015]+", phrase.strip().lower()) if w]
    return words[0].split("*")[0] if words else ""


def _literals(terms) -> frozenset[str]:
    return frozenset(_first_literal(t) for t in terms)


def _compile_terms(terms) -> re.Pattern:
    # Longest first, so "mental health" is reported rather than "health" inside it.
    # Phrases are grouped by their first two letters: a flat alternation of a hundred
    # phrases is tried in full at every position of the text, a grouped one is not.
    # Text is lowercased once per page and matched case-sensitively: re.IGNORECASE
    # made every list about 1.7 times slower (measured on bench/sitegen.py pages).
    groups: dict[str, list[str]] = {}
    for term in sorted({t.strip().lower() for t in terms}, key=len, reverse=True):
        head = term[:2].lower()
        if len(head) == 2 and head.isalpha():
            groups.setdefault(head, []).append(_phrase_pattern(term)[2:])
        else:
            groups.setdefault("", []).append(_phrase_pattern(term))
    alternatives = [
        head + "(?:" + "|".join(rests) + ")" if head else "|".join(rests) for head, rests in groups.items()
    ]
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


def load_scope_rules(path: str | Path | None = None) -> ScopeRules:
    """Read and validate the scope term file; raises ScopeRulesError naming the bad entry."""
    path = Path(path) if path else TERMS_FILE
    raw = read_yaml(path, ScopeRulesError)
    if not isinstance(raw, dict):
        raise ScopeRulesError(path, "file", "expected a mapping with 'field_weights' and 'lists'")

    weights = raw.get("field_weights")
    if not isinstance(weights, dict) or set(weights) != set(FIELDS):
        raise ScopeRulesError(path, "field_weights", f"needs exactly the fields {', '.join(FIELDS)}")
    for name, value in weights.items():
        if not isinstance(value, (int, float)) or value < 0:
            raise ScopeRulesError(path, f"field_weights.{name}", "must be a number >= 0")

    lists_raw = raw.get("lists")
    if not isinstance(lists_raw, dict) or not lists_raw:
        raise ScopeRulesError(path, "lists", "expected a non-empty mapping of list name to list")
    lists = []
    for name, spec in lists_raw.items():
        entry = f"lists.{name}"
        if not isinstance(spec, dict):
            raise ScopeRulesError(path, entry, "expected a mapping with role, purpose and terms")
        role = spec.get("role")
        if role not in ROLES:
            raise ScopeRulesError(path, entry, f"role must be one of {', '.join(ROLES)}, not {role!r}")
        purpose = spec.get("purpose")
        if not isinstance(purpose, str) or not purpose.strip():
            raise ScopeRulesError(path, entry, "needs a one-line 'purpose'")
        terms = spec.get("terms")
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t.strip() for t in terms):
            raise ScopeRulesError(path, entry, "'terms' must be a non-empty list of phrases")
        weight = spec.get("weight", 1.0)
        if not isinstance(weight, (int, float)) or weight < 0:
            raise ScopeRulesError(path, entry, "'weight' must be a number >= 0")
        only_in = spec.get("only_in", list(FIELDS))
        if not isinstance(only_in, list) or not set(only_in) <= set(FIELDS) or not only_in:
            raise ScopeRulesError(path, entry, f"'only_in' must list fields from {', '.join(FIELDS)}")
        lists.append(
            TermList(name, role, float(weight), purpose.strip(), tuple(terms), tuple(only_in), _compile_terms(terms),
                     _literals(terms))
        )

    masks = [t for tl in lists if tl.role == "mask" for t in tl.terms]
    mask_literals = _literals(masks)
    literal_owners: dict[str, list] = {literal: [None] for literal in mask_literals}
    for term_list in lists:
        for literal in term_list.literals:
            literal_owners.setdefault(literal, []).append(term_list.name)
    link_patterns = {
        role: _compile_terms([t for tl in lists if tl.role == role for t in tl.terms])
        for role in ("health", "focus", "related", "other_setting")
        if any(tl.role == role for tl in lists)
    }
    return ScopeRules(
        path=str(path),
        field_weights={k: float(v) for k, v in weights.items()},
        lists=tuple(lists),
        mask=_compile_terms(masks) if masks else None,
        link_patterns=link_patterns,
        mask_literals=mask_literals,
        literal_index=_literal_index([mask_literals, *(tl.literals for tl in lists)]),
        literal_owners={literal: tuple(owners) for literal, owners in literal_owners.items()},
    )


def _literal_index(literal_sets) -> LiteralIndex | None:
    """One index of every list's literals; None (scan with re alone) if a phrase starts with a wildcard."""
    literals = {literal for literal_set in literal_sets for literal in literal_set}
    return None if "" in literals else LiteralIndex(literals)


class _EveryList:
    """Holds every list name: with no literal index, any list may match anywhere."""

    def __contains__(self, name) -> bool:
        return True


_EVERY_LIST = _EveryList()


class _Fields:
    """A page's lowercased fields with the places each literal occurs, found once per field."""

    def __init__(self, rules: ScopeRules, lowered: dict[str, str], text_scan: SharedScan | None = None):
        self.index = rules.literal_index
        self.owners = rules.literal_owners
        self.text = dict(lowered)
        self._found: dict[str, dict[str, list[int]]] = {}
        self._present: dict[str, dict[str | None, list[str]]] = {}
        text = self.text["text"]
        if (text_scan is not None and text and self.index is not None and text_scan.covers(self.index.literals)
                and text_scan.text.startswith(text)):
            # The text field is the head of the page's lowercased text: its literals are the ones
            # a scan of that whole text (shared with the search terms) found wholly inside it.
            self._found["text"] = text_scan.found_before(len(text), self.index.literals)
        if rules.mask is not None:
            for name, value in lowered.items():
                matches = list(self._finditer(rules.mask, None, name))
                if matches:
                    self.text[name] = _replace(value, matches, " ")
                    # The offsets moved.
                    self._found.pop(name, None)
                    self._present.pop(name, None)

    def _literals_found(self, name: str) -> dict[str | None, list[str]]:
        """The literals found in a field, by the name of the list they start phrases of."""
        present = self._present.get(name)
        if present is None:
            found = self._found.get(name)
            if found is None:
                found = self._found[name] = self.index.starts(self.text[name])
            # A field holds a few dozen literals and most lists none of them: each literal is
            # given to its lists once here, so a list with none is passed over at no cost.
            present = self._present[name] = {}
            for literal in found:
                for owner in self.owners[literal]:
                    if owner in present:
                        present[owner].append(literal)
                    else:
                        present[owner] = [literal]
        return present

    def _finditer(self, pattern: re.Pattern, owner: str | None, name: str):
        """``pattern.finditer`` over one field, tried where the literals of ``owner``'s phrases are."""
        text = self.text[name]
        if self.index is None:
            return pattern.finditer(text)
        literals = self._literals_found(name).get(owner)
        if not literals:
            return iter(())
        found = self._found[name]
        # What candidate_starts gives: one literal's places as found, several merged in order.
        starts = found[literals[0]] if len(literals) == 1 else sorted(set().union(*[found[lit] for lit in literals]))
        return finditer_at(pattern, text, starts)

    def may_match(self, term_list: TermList, name: str) -> bool:
        """False when the list's pattern cannot match in the field: it is empty, or holds none of the literals."""
        return term_list.name in self.lists_that_may_match(name)

    def lists_that_may_match(self, name: str):
        """The names of the lists whose patterns may match in the field (may_match for each), as a container."""
        if not self.text[name]:
            return ()
        return _EVERY_LIST if self.index is None else self._literals_found(name)

    def finditer(self, term_list: TermList, name: str):
        """``term_list.pattern.finditer`` over one field."""
        return self._finditer(term_list.pattern, term_list.name, name)


def _replace(text: str, matches: list[re.Match], replacement: str) -> str:
    """``text`` with each match replaced, as ``pattern.sub(replacement, text)`` with a plain string."""
    parts, end = [], 0
    for match in matches:
        parts.append(text[end:match.start()])
        parts.append(replacement)
        end = match.end()
    parts.append(text[end:])
    return "".join(parts)


@functools.lru_cache(maxsize=4)
def _cached_rules(path: str) -> ScopeRules:
    return load_scope_rules(path)


def use_terms_file(path: str | Path) -> ScopeRules:
    """Make `path` the rules every later classify() uses (the SCOPE_TERMS_FILE setting); validates it now."""
    global TERMS_FILE
    TERMS_FILE = Path(path)
    return default_rules()


def default_rules() -> ScopeRules:
    """The rules from TERMS_FILE, loaded once per path."""
    return _cached_rules(str(TERMS_FILE))


def _as_text(value) -> str:
    """A fact value as plain text: strings as they are, lists joined, anything else ignored."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return " ; ".join(v for v in (_as_text(item) for item in value) if v)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _reason(rule: str, phrase: str, where: str) -> dict:
    return {"rule": rule, "phrase": phrase, "where": where}


def _verdict(category: str, score: float, decision: dict, found: list[dict]) -> dict:
    reasons = [decision, *found][:MAX_REASONS]
    return {"category": category, "score": round(max(score, 0.0), 2), "reasons": reasons}


def _non_course_reason(facts: dict) -> dict | None:
    page_kind = facts.get("page_kind")
    if facts.get("is_course") is False:
        return _reason("not_a_course_page", f"is_course=False, page_kind={page_kind}", "page")
    if page_kind not in (None, "", "course"):
        return _reason("not_a_course_page", f"page_kind={page_kind}", "page")
    return None


def _untyped_page_reason(rules: ScopeRules, facts: dict, fields: _Fields) -> dict | None:
    """For a page the extractor could not type, a reason when its words say it is not a course."""
    if facts.get("is_course") is True or facts.get("page_kind") not in (None, ""):
        return None
    for term_list in rules.of_role("not_a_course"):
        phrases: dict[str, str] = {}
        for where in term_list.only_in:
            for match in fields.finditer(term_list, where):
                phrases.setdefault(match.group(0), where)
        if len(phrases) >= NOT_A_COURSE_MIN_PHRASES:
            found = ", ".join(sorted(phrases)[:NOT_A_COURSE_MIN_PHRASES + 1])
            return _reason("not_a_course_page", f"{term_list.name}: {found}", "page")
    return None


def _looks_like_listing(text: str) -> int:
    """Number of award names when the text reads like a list of course titles, else 0."""
    if len(_AWARD_HEADS.findall(text)) < LISTING_AWARD_MENTIONS:
        return 0  # fewer pairs than that, fewer award words
    awards = len(_AWARD_WORDS.findall(text))
    if awards < LISTING_AWARD_MENTIONS:
        return 0
    words = len(_WORDS.findall(text))
    return awards if words <= awards * LISTING_WORDS_PER_AWARD else 0


def _english_share(text: str) -> float:
    head = text[:5000]
    # (A lone surrogate, which no page should hold but a decoder may leave, passes as itself.)
    encoded = head.encode("utf-8", "surrogatepass")
    # The text's non-ASCII characters: UTF-8 never uses an ASCII byte inside a longer character.
    if all(map(_separates_words, set(encoded.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")))):
        # The words are then the runs of ASCII letters, found at C speed over bytes (the
        # regex's class of letters is ~70 ns a character; see _separates_words).
        words = encoded.translate(_ASCII_LETTERS_LOWERED).split()
        stopwords = _ENGLISH_STOPWORD_BYTES
    else:
        words = _WORDS.findall(head.lower())
        stopwords = _ENGLISH_STOPWORDS
    if not words:
        return 0.0
    # The same count as summing ``w in stopwords`` in a generator, without a Python step a word.
    return sum(map(stopwords.__contains__, words)) / len(words)


@functools.lru_cache(maxsize=4096)
def _separates_words(char: str) -> bool:
    """True when a non-ASCII character, lowercased, holds nothing _WORDS takes for a letter.

    ``str.lower`` maps character by character (its one exception, a final sigma, is a letter),
    so in a lowercased text holding only such non-ASCII characters, _WORDS finds exactly the
    runs of ASCII letters, each such character splitting runs as the space it becomes in
    _ASCII_LETTERS_LOWERED does ("£", "–" and "’" do; "é", "ß" and the Kelvin sign do not)."""
    return _WORDS.search(char.lower()) is None


def _health_service_domain(url) -> str | None:
    """The health service domain a page's address is on (nhs.uk...), else None."""
    if not isinstance(url, str):
        return None
    match = _HEALTH_SERVICE_DOMAIN.match(url.strip().lower())
    return match.group(1) if match else None


def _health_named_in_text_only(title_focus: float, health: float, other_settings: float) -> bool:
    """True when an improvement title and health words in the body text, outweighing any other
    setting, give the health setting that the title and summary leave unsaid."""
    # Improvement courses outside health care name their sector (manufacturing, schools,
    # customers), and the other_setting lists weigh those words; an improvement course whose
    # only sector words are health words is a health course. Seen on document-site copies of
    # programme packs, CPD module contents and trust pages for an improvement programme.
    return title_focus > 0 and health > other_settings


def _evidence(rules: ScopeRules, fields: _Fields) -> tuple[dict, dict, list[dict]]:
    """Score every list over every field: (score by list, score by list and field, reasons)."""
    by_list: dict[str, float] = {}
    by_list_field: dict[tuple[str, str], float] = {}
    reasons: list[dict] = []
    # Asked once per field, not once per list and field (a hundred times a page).
    may_match = {where: fields.lists_that_may_match(where) for where in FIELDS}
    for term_list in rules.lists:
        if term_list.role in ("mask", "not_a_course"):
            continue
        total = 0.0
        for where in term_list.only_in:
            if term_list.name not in may_match[where]:
                continue
            phrases: dict[str, None] = {}
            for match in fields.finditer(term_list, where):
                phrases.setdefault(match.group(0).lower(), None)
                if len(phrases) >= DISTINCT_CAP:
                    break
            if not phrases:
                continue
            score = term_list.weight * rules.field_weights[where] * len(phrases)
            by_list_field[(term_list.name, where)] = score
            total += score
            reasons.extend(_reason(term_list.name, phrase, where) for phrase in phrases)
        if total:
            by_list[term_list.name] = total
    return by_list, by_list_field, reasons


def classify(facts: dict, rules: ScopeRules | None = None, text_scan: SharedScan | None = None) -> dict:
    """Judge one page's facts: {"category": core|related|out, "score": float, "reasons": [...]}.

    ``text_scan``, a scan of the lowercased ``facts["text"]`` that other readers share, spares
    the text field its own pass when it looked for every literal of the rules."""
    rules = rules or default_rules()
    if not isinstance(facts, dict):
        return _verdict("out", 0.0, _reason("no_facts", type(facts).__name__, "page"), [])

    fields = {name: _as_text(facts.get(name)) for name in FIELDS}
    full_text = fields["text"]
    fields["text"] = full_text[:TEXT_SCAN_CHARS]
    if not any(fields.values()):
        return _verdict("out", 0.0, _reason("empty_page", "no title, summary or text", "page"), [])
    non_course = _non_course_reason(facts)
    if non_course:
        # Most pages a crawl fetches are not courses; their terms are not worth scoring.
        return _verdict("out", 0.0, non_course, [])

    # Lowercased once, masked ("quality of life" is not quality improvement), then scanned.
    # The text field is cut from the extractor's text, whose lowering the extractor remembers.
    lowered = {name: lowercase.lowered(value) for name, value in fields.items() if name != "text"}
    lowered["text"] = lowercase.lowered_head(full_text, TEXT_SCAN_CHARS)
    lowered = _Fields(rules, {name: lowered[name] for name in FIELDS}, text_scan)

    untyped = _untyped_page_reason(rules, facts, lowered)
    if untyped:
        return _verdict("out", 0.0, untyped, [])

    by_list, by_list_field, found = _evidence(rules, lowered)

    def role_total(role: str, where: tuple[str, ...] = FIELDS) -> float:
        return sum(
            by_list_field.get((t.name, w), 0.0) for t in rules.of_role(role) for w in where
        )

    health = role_total("health")
    # A provider whose whole offer is health care (IHI, BMJ, NIHR, NHS programmes: the
    # registry's `health_focused`) gives every one of its pages the health setting.
    provider = facts.get("provider_health_focused")
    service_domain = None if provider else _health_service_domain(facts.get("url"))
    if provider:
        health += HEALTH_MIN
        found = [_reason("health_provider", str(provider), "provider"), *found]
    elif service_domain:
        # So does a health service's own web address, registered or not (an NHS trust's
        # improvement academy page that never says "health" or "patients").
        health += HEALTH_MIN
        found = [_reason("health_provider", service_domain, "provider"), *found]
    focus = role_total("focus")
    related = role_total("related")
    penalty = role_total("penalty")
    evidence = max(focus + related - penalty, 0.0)

    listed_awards = _looks_like_listing(fields["text"])
    if listed_awards:
        return _verdict("out", evidence, _reason("list_of_courses", f"{listed_awards} award names", "text"), found)

    other = {t.name: by_list[t.name] for t in rules.of_role("other_setting") if t.name in by_list}
    title_focus = role_total("focus", ("title",))
    if health < HEALTH_MIN:
        if not found and _english_share(" ".join(fields.values())) < ENGLISH_STOPWORD_SHARE:
            return _verdict("out", 0.0, _reason("not_english", "no English scope terms; text not English", "page"), [])
        if not _health_named_in_text_only(title_focus, health, sum(other.values())):
            return _verdict(
                "out", evidence, _reason("no_health_setting", f"health {health:.1f} < {HEALTH_MIN}", "page"), found
            )
        found = [
            _reason("health_setting_in_text", f"title names improvement; health {health:.1f} > other settings "
                    f"{sum(other.values()):.1f}", "page"),
            *found,
        ]

    if other:
        main_other = max(other, key=other.get)
        if sum(other.values()) >= health:
            return _verdict(
                "out",
                evidence,
                _reason("other_setting", f"{main_other} {sum(other.values()):.1f} >= health {health:.1f}", "page"),
                found,
            )

    pre_registration = role_total("pre_registration")
    if pre_registration and not title_focus:
        return _verdict(
            "out", evidence, _reason("pre_registration", "leads to first registration; improvement only a module", "page"), found
        )

    if evidence < IN_SCOPE_MIN:
        rule = "near_miss_context" if penalty else "too_little_improvement_evidence"
        return _verdict(
            "out",
            evidence,
            _reason(rule, f"focus {focus:.1f} + related {related:.1f} - penalty {penalty:.1f} < {IN_SCOPE_MIN}", "page"),
            found,
        )

    # "Focused completely on improvement": focus evidence where the course team
    # describes the course (not the body text) outweighs the topic-level evidence found
    # in the same places; body text is left out of both sides, since it counts for focus
    # nowhere here and a long page would otherwise outvote its own summary. A tie goes to
    # the title: one that names a topic ("MSc Clinical Research") makes improvement a topic.
    # The report's own test was "improvement or innovation in the title": a title
    # whose improvement words outweigh its leadership or evidence words decides.
    strong_focus = focus - role_total("focus", ("text",))
    strong_related = related - role_total("related", ("text",))
    title_related = role_total("related", ("title",))
    focus_outweighs = strong_focus > strong_related or (strong_focus == strong_related and not title_related)
    if (title_focus and title_focus >= title_related) or (strong_focus >= CORE_MIN and focus_outweighs):
        decision = _reason("improvement_is_the_focus", f"focus {strong_focus:.1f} >= related {strong_related:.1f}", "page")
        return _verdict("core", evidence, decision, found)
    text_focus, text_related = focus - strong_focus, related - strong_related
    if not strong_focus and not strong_related and text_focus > text_related:
        # The course's own description says nothing either way (a document-site copy, a
        # summary that is a cookie notice or a timetable): the body text is all there is.
        decision = _reason("improvement_is_the_focus", f"only the body text speaks: focus {text_focus:.1f} "
                           f"> related {text_related:.1f}", "text")
        return _verdict("core", evidence, decision, found)
    decision = _reason("improvement_is_a_topic", f"focus {strong_focus:.1f}, related {strong_related:.1f}", "page")
    return _verdict("related", evidence, decision, found)


def link_priority(url: str, anchor_text: str = "", rules: ScopeRules | None = None) -> int:
    """Scrapy priority for a link, LINK_PRIORITY_MIN..LINK_PRIORITY_MAX: higher for likely in-scope courses."""
    url = (url or "").lower()
    if _DEAD_END_LINK.search(url):
        return LINK_PRIORITY_MIN
    patterns = (rules or default_rules()).link_patterns
    words = f"{url} {anchor_text or ''}".lower()
    priority = 0
    if _COURSE_PATH.search(url):
        priority += LINK_COURSE_PATH
    if _NON_COURSE_PATH.search(url):
        priority += LINK_NON_COURSE_PATH
    health = "health" in patterns and patterns["health"].search(words) is not None
    if "focus" in patterns and patterns["focus"].search(words):
        priority += LINK_FOCUS_WORDS
    elif "related" in patterns and patterns["related"].search(words):
        priority += LINK_RELATED_WORDS
    if health:
        priority += LINK_HEALTH_WORDS
    elif "other_setting" in patterns and patterns["other_setting"].search(words):
        priority += LINK_OTHER_SETTING
    return max(LINK_PRIORITY_MIN, min(LINK_PRIORITY_MAX, priority))


def explain_reasons(verdict: dict, limit: int = 8) -> str:
    """One line for a maintainer: category, score and the reasons that fired."""
    reasons = verdict.get("reasons") or []
    parts = [f"{r.get('rule')} '{r.get('phrase')}' in {r.get('where')}" for r in reasons[:limit]]
    more = f"; +{len(reasons) - limit} more" if len(reasons) > limit else ""
    return f"{verdict.get('category')} (score {verdict.get('score', 0.0):.1f}): " + "; ".join(parts) + more
