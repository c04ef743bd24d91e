"""One Aho-Corasick pass over a page's lowercased text for several readers.

The search terms look for their first words in the page's title and text, and the scope
rules for their literals in the first TEXT_SCAN_CHARS of the same text: two passes over the
same characters, at 10-18 ns a character each (~0.4 ms a generated page together). An index
of both readers' literals finds all of them in one pass; each reader takes from it the places
of its own literals, within its own part of the text.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from crawler.scan.literals import LiteralIndex


class SharedScan:
    """A lowercased text and, found when first asked, every place a literal of ``index`` starts in it."""

    def __init__(self, index: LiteralIndex, text: str):
        self.index = index
        self.text = text
        self._found: dict[str, list[int]] | None = None

    def covers(self, literals: frozenset[str]) -> bool:
        """True when the scan looked for every one of ``literals``: one it did not find is not in the text."""
        return self.index.covers(literals)

    def found(self) -> dict[str, list[int]]:
        """``self.index.starts(self.text)``, found once."""
        if self._found is None:
            self._found = self.index.starts(self.text)
        return self._found

    def found_before(self, end: int, literals: Iterable[str]) -> dict[str, list[int]]:
        """What ``LiteralIndex(literals).starts(self.text[:end])`` finds: the places of ``literals``
        (each looked for by this scan) whose every character is before ``end``.

        The lists may be the scan's own: callers must not change them."""
        found = {}
        wanted = literals if isinstance(literals, (set, frozenset)) else frozenset(literals)
        for literal, starts in self.found().items():
            if literal not in wanted:
                continue
            # Offsets are in text order: the places that fit are a leading run.
            fit = bisect.bisect_right(starts, end - len(literal))
            if fit == len(starts):
                found[literal] = starts
            elif fit:
                found[literal] = starts[:fit]
        return found
