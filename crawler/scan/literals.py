"""Where the phrases of many patterns can start: one Aho-Corasick pass per text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import ahocorasick

from crawler.scan import lowercase


class LiteralIndex:
    """Every occurrence of a fixed set of literal strings in a text, found in one pass."""

    def __init__(self, literals: Iterable[str]):
        self.literals = frozenset(literals)
        if "" in self.literals:
            raise ValueError("an empty literal occurs everywhere; scan such a pattern with re")
        self._automaton = ahocorasick.Automaton()
        for literal in self.literals:
            self._automaton.add_word(literal, (len(literal) - 1, literal))
        if self.literals:
            self._automaton.make_automaton()
        # covers() answers, by the identity of the set asked about (kept, so the id stays its own).
        self._covers: dict[int, tuple[frozenset[str], bool]] = {}

    def covers(self, literals: frozenset[str]) -> bool:
        """True when every one of ``literals`` is one of this index's (asked per page: remembered per set)."""
        known = self._covers.get(id(literals))
        if known is not None and known[0] is literals:
            return known[1]
        answer = literals <= self.literals
        if len(self._covers) < 64:
            self._covers[id(literals)] = (literals, answer)
        return answer

    def starts(self, text: str) -> dict[str, list[int]]:
        """Start offsets of each literal found in ``text`` (overlaps included), in text order."""
        found: dict[str, list[int]] = {}
        if not self.literals or not text:
            return found
        for end, (back, literal) in self._automaton.iter(text):
            if literal in found:
                found[literal].append(end - back)
            else:
                found[literal] = [end - back]
        return found


def occurrences(text: str, literal: str) -> list[int]:
    """Every start offset of ``literal`` in ``text``, overlaps included, in text order (what
    ``LiteralIndex([literal]).starts(text)`` gives for it, or [] where it has none)."""
    found = []
    at = text.find(literal)
    while at >= 0:
        found.append(at)
        at = text.find(literal, at + 1)
    return found


_DIGIT = re.compile(r"\d")
_ASCII_BYTES = bytes(range(128))


def digit_offsets(text: str) -> list[int]:
    """The offset of every character ``\\d`` matches in ``text``, in order.

    re tries ``\\d`` at every character (~12 ns each); ten str.find passes, one per ASCII digit,
    skip through the text at C speed. ``\\d`` also matches other scripts' decimal digits, so
    a text holding any of them is left to re."""
    if not text.isascii():
        # Its non-ASCII characters: UTF-8 never uses an ASCII byte inside a longer character.
        others = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
        if any(char.isdecimal() for char in set(others)):
            return [match.start() for match in _DIGIT.finditer(text)]
    found: list[int] = []
    for digit in "0123456789":
        at = text.find(digit)
        while at >= 0:
            found.append(at)
            at = text.find(digit, at + 1)
    found.sort()
    return found


def candidate_starts(found: dict[str, list[int]], literals: frozenset[str]) -> list[int]:
    """The sorted start offsets where any of ``literals`` occurs, from ``LiteralIndex.starts``.

    The returned list may be one of ``found``'s own: callers must not change it."""
    # Most lists have many literals and a page holds few of them: walk the smaller side.
    if len(found) < len(literals):
        present = [literal for literal in found if literal in literals]
    else:
        present = [literal for literal in literals if literal in found]
    if not present:
        return []
    if len(present) == 1:
        return found[present[0]]  # one literal's starts are already in text order, each once
    starts: set[int] = set()
    for literal in present:
        starts.update(found[literal])
    return sorted(starts)


def finditer_at(pattern: re.Pattern, text: str, starts: list[int]) -> Iterator[re.Match]:
    """``pattern.finditer(text)``, trying only ``starts``: every match must begin at one of them.

    Matches never overlap and come leftmost first, as finditer's do. A pattern that can match
    the empty string is not allowed (finditer then also matches between characters)."""
    end = 0
    for start in starts:
        if start < end:
            continue
        match = pattern.match(text, start)
        if match is not None:
            if match.end() == start:
                raise ValueError(f"{pattern.pattern[:60]!r} matched the empty string")
            end = match.end()
            yield match


def search_at(pattern: re.Pattern, text: str, starts: list[int]) -> re.Match | None:
    """``pattern.search(text)`` trying only ``starts``."""
    for start in starts:
        match = pattern.match(text, start)
        if match is not None:
            return match
    return None


def anchor_starts(anchors: Iterable[re.Pattern], text: str) -> list[int]:
    """The sorted offsets where any of ``anchors`` matches, overlaps included.

    Each anchor should start with a literal, so ``re`` skips through the text at C speed
    to it; a pattern that opens with ``\\b`` and an alternation is instead tried at every
    character. Giving finditer_at these offsets finds the same matches as the pattern's
    own finditer when every match of the pattern starts where an anchor matches."""
    starts: set[int] = set()
    for anchor in anchors:
        position = 0
        while (match := anchor.search(text, position)) is not None:
            starts.add(match.start())
            position = match.start() + 1
    return sorted(starts)


# Characters that re.I folds onto an ASCII letter but str.lower() does not map one-for-one
# (İ lowercases to two characters; ı, ſ and the Kelvin sign stay as they are).
_FOLDS_UNLIKE_LOWER = ("\u0130", "\u0131", "\u017f", "\u212a")


def lowered_in_step(text: str) -> str | None:
    """``text.lower()`` when it keeps every offset and folds ASCII letters as re.I does, so a
    lowercase pattern without re.I finds over it what the re.I pattern finds over ``text``
    (and re can skip ahead to a literal, which re.I prevents); else None."""
    lowered = lowercase.lowered(text)
    if len(lowered) != len(text) or any(c in text for c in _FOLDS_UNLIKE_LOWER):
        return None
    return lowered
