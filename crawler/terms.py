"""The report's search terms: loaded, validated, and found in page text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


from crawler.paths import project_path
from crawler.configfile import ConfigError, built_from_yaml, sequence_item_lines
from crawler.scan import lowercase
from crawler.scan.literals import LiteralIndex, search_at
from crawler.scan.shared import SharedScan

DEFAULT_TERMS_FILE = "search_terms.yaml"
TARGETS = ("courses", "fellowships", "both")


class TermsError(ConfigError):
    """search_terms.yaml is invalid; the message names file, entry and problem."""


@dataclass(frozen=True)
class SearchTerm:
    term: str
    targets: str
    search: str
    variants: tuple[str, ...]

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.term, *self.variants)


def _spelling_pattern(spelling: str) -> str:
    # Sites write "evidence-based", "evidence based" and "evidence–based" alike.
    words = re.split(r"[\s\-\u2010-\u2015/]+", spelling.strip())
    return r"[\s\-\u2010-\u2015/]*".join(re.escape(w) for w in words if w)


class SearchTerms:
    def __init__(self, terms: list[SearchTerm], path: Path | None = None):
        self.terms = terms
        self.path = path
        # Per term, each spelling as (its first word, its pattern). Every match of a spelling
        # starts with its first word, so one Aho-Corasick pass over the text (crawler/scan)
        # finds where any spelling can start and each pattern is tried there only: a
        # substring test and a \b-led regex search per spelling cost ~1 ms on a 15 KB page
        # (a str.find per first word, ~25 us each over 12,000 characters, is slower too).
        self._spellings: list[tuple[str, list[tuple[str, re.Pattern]]]] = []
        for term in terms:
            checks = []
            for spelling in sorted(term.spellings, key=len, reverse=True):
                spelling = spelling.lower()
                words = [w for w in re.split(r"[\s\-\u2010-\u2015/]+", spelling.strip()) if w]
                checks.append((words[0] if words else "", re.compile(r"\b" + _spelling_pattern(spelling) + r"\b")))
            self._spellings.append((term.term, checks))
        first_words = {word for _, checks in self._spellings for word, _ in checks}
        self._index = LiteralIndex(first_words) if "" not in first_words else None

    def __iter__(self):
        return iter(self.terms)

    def __len__(self):
        return len(self.terms)

    def found_in(self, text: str | None) -> list[str]:
        """Canonical terms whose spellings occur in the text, in the file's order."""
        if not text:
            return []
        return self._found_in_lowered(text.lower())

    @property
    def first_words(self) -> frozenset[str]:
        """The first word of every spelling: every match of a spelling starts with one."""
        return self._index.literals if self._index is not None else frozenset()

    def found_in_page(self, title: str | None, text: str | None, text_scan: SharedScan | None = None) -> list[str]:
        """``found_in(f"{title}\\n{text}")``, each part lowercased once per page (crawler/scan/lowercase).

        ``str.lower`` maps each character on its own but a capital sigma, whose final form looks
        at the letters around it; a line break is neither a letter nor skipped over, so it stops
        that look at the join and lowering the parts apart gives the same text."""
        lowered_title, lowered_text = lowercase.lowered(title or ""), lowercase.lowered(text or "")
        joined = lowered_title + "\n" + lowered_text
        if (text_scan is None or self._index is None or not text_scan.covers(self._index.literals)
                or text_scan.text != lowered_text):
            return self._found_in_lowered(joined)
        # The text's first words from the shared scan, after the title's own: no first word
        # holds a line break (words are split at white space), so none runs across the join.
        title_found = self._index.starts(lowered_title)
        text_found = text_scan.found()
        shift = len(lowered_title) + 1
        starts = {}
        for word in self._index.literals:
            in_text = text_found.get(word)
            if in_text:
                starts[word] = title_found.get(word, []) + [at + shift for at in in_text]
            elif word in title_found:
                starts[word] = title_found[word]
        return self._found_in_lowered(joined, starts)

    def _found_in_lowered(self, lowered: str, starts: dict[str, list[int]] | None = None) -> list[str]:
        if self._index is None:
            return [term for term, checks in self._spellings if any(p.search(lowered) for _, p in checks)]
        if starts is None:
            starts = self._index.starts(lowered)
        return [
            term for term, checks in self._spellings
            if any(first_word in starts and search_at(pattern, lowered, starts[first_word])
                   for first_word, pattern in checks)
        ]


def load_terms(path: str | Path | None = None) -> SearchTerms:
    path = project_path(path or DEFAULT_TERMS_FILE)
    # One SearchTerms per text of the file, shared: it is only read (found_in) once built.
    return built_from_yaml(path, TermsError, _build_terms)


def _build_terms(path: Path, raw) -> SearchTerms:
    if not isinstance(raw, dict) or not isinstance(raw.get("terms"), list) or not raw["terms"]:
        raise TermsError(path, "file", "expected a mapping with a non-empty 'terms' list")
    terms, first_seen = [], {}
    for index, entry in enumerate(raw["terms"]):
        label = f"term #{index + 1}"
        if not isinstance(entry, dict) or not isinstance(entry.get("term"), str) or not entry["term"].strip():
            raise TermsError(path, label, "needs a non-empty 'term'")
        label = f"term {entry['term']!r}"
        targets = entry.get("targets", "courses")
        if targets not in TARGETS:
            raise TermsError(path, label, f"targets {targets!r} is not one of {', '.join(TARGETS)}")
        variants = entry.get("variants") or []
        if not isinstance(variants, list) or not all(isinstance(v, str) and v.strip() for v in variants):
            raise TermsError(path, label, "'variants' must be a list of non-empty strings")
        unknown = set(entry) - {"term", "targets", "search", "variants"}
        if unknown:
            raise TermsError(path, label, f"unknown field(s) {', '.join(sorted(unknown))}")
        folded = entry["term"].strip().casefold()
        if folded in first_seen:
            lines = sequence_item_lines(path, "terms")
            raise TermsError(path, f"line {lines[index]}" if index < len(lines) else label,
                             f"duplicate term {entry['term']!r} (first given as term #{first_seen[folded] + 1})")
        first_seen[folded] = index
        terms.append(SearchTerm(
            term=entry["term"].strip(),
            targets=targets,
            search=str(entry.get("search") or entry["term"]).strip(),
            variants=tuple(v.strip() for v in variants),
        ))
    return SearchTerms(terms, path)
