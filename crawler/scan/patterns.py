"""Several regexes run over one text, each tried only where one of its first literals occurs."""

from __future__ import annotations

import bisect
import re
from collections.abc import Hashable, Iterable, Iterator, Mapping

from crawler.scan.boundaries import compile_boundary_first
from crawler.scan.firsts import ANY_DIGIT, first_literals
from crawler.scan.literals import LiteralIndex, candidate_starts, digit_offsets, finditer_at, occurrences, search_at

class PatternGroup:
    """Named patterns whose first literals are found in one Aho-Corasick pass per text.

    A pattern whose first literals cannot be read (see firsts.first_literals) runs as it is.
    ``words`` are looked for in the same pass, for readers that ask whether the text holds
    them (ScannedText.has): guard words that rule a pattern out before it is tried."""

    def __init__(self, patterns: Mapping[Hashable, re.Pattern], words: Iterable[str] = ()):
        self.patterns = dict(patterns)
        self.words = frozenset(words)
        self.firsts = {key: first_literals(pattern) for key, pattern in self.patterns.items()}
        # The same regexes, each boundary tested once per place tried (crawler/scan/boundaries).
        self.matchers = {key: compile_boundary_first(pattern.pattern, pattern.flags) if isinstance(pattern.pattern, str)
                         else pattern for key, pattern in self.patterns.items()}
        literals = {literal for firsts in self.firsts.values() if firsts for literal in firsts if literal != ANY_DIGIT}
        # One-character literals ("a", "'", "£") occur all over a text: in the automaton they were
        # most of its hits (a Python step each), mostly for patterns the page never asks for (the
        # listing cue's "a", the quotes cue's apostrophes). Each is found on its own when a
        # pattern needing it is asked.
        self.single = frozenset(literal for literal in literals if len(literal) == 1)
        # A one-character word ("|") is tested with ``in`` when asked, as single literals are.
        self._index = LiteralIndex((literals - self.single) | {word for word in self.words if len(word) > 1})

    def scan(self, text: str) -> ScannedText:
        return ScannedText(self, text)


class ScannedText:
    """One text with its literal offsets found; search/finditer/findall behave as the pattern's own."""

    def __init__(self, group: PatternGroup, text: str):
        self.group = group
        self.text = text
        self._found = group._index.starts(text)
        self._digits: list[int] | None = None
        self._singles: dict[str, list[int]] = {}

    def _starts(self, key) -> list[int] | None:
        firsts = self.group.firsts[key]
        if firsts is None:
            return None
        starts = candidate_starts(self._found, firsts)
        extra = [self._single_starts(char) for char in firsts & self.group.single]
        if ANY_DIGIT in firsts:
            if self._digits is None:
                self._digits = digit_offsets(self.text)
            extra.append(self._digits)
        if any(extra):
            starts = sorted(set(starts).union(*extra))
        return starts

    def _single_starts(self, char: str) -> list[int]:
        if char not in self._singles:
            self._singles[char] = occurrences(self.text, char)
        return self._singles[char]

    def has(self, word: str) -> bool:
        """``word in self.text``. A word of the group's index is there exactly when the pass found
        a place of it; any other (a one-character word, a word the group was not built with) is
        looked for in the text."""
        if word in self._found:
            return True
        if word in self.group._index.literals:
            return False
        return word in self.text

    def search(self, key) -> re.Match | None:
        pattern, starts = self.group.matchers[key], self._starts(key)
        return pattern.search(self.text) if starts is None else search_at(pattern, self.text, starts)

    def finditer(self, key) -> Iterator[re.Match]:
        pattern, starts = self.group.matchers[key], self._starts(key)
        return pattern.finditer(self.text) if starts is None else finditer_at(pattern, self.text, starts)

    def findall(self, key, start: int = 0) -> list:
        """``pattern.findall(self.text, start)``: from ``start`` on, where a boundary or ``^`` still
        sees the character before ``start``, as re's own ``pos`` argument does."""
        pattern, starts = self.group.matchers[key], self._starts(key)
        if starts is None:
            return pattern.findall(self.text, start)
        if start:
            starts = starts[bisect.bisect_left(starts, start):]
        if pattern.groups == 0:
            return [m.group(0) for m in finditer_at(pattern, self.text, starts)]
        if pattern.groups == 1:
            return [m.group(1) or "" for m in finditer_at(pattern, self.text, starts)]
        return [m.groups("") for m in finditer_at(pattern, self.text, starts)]
