"""Whether a regex matches anywhere in a text, ruled out first through the words its matches must hold.

A pattern led by ``\\b``, or an alternation of phrases each behind its own ``\\b``, is tried by
``re`` at every character (~30 ns each: ~0.4 ms on a 12,000-character page) even where it
cannot match. But each alternative holds a run of literal letters outside any group or
repeat ("\\bin\\s+your\\s+(?:own\\s+)?workplace\\b" holds "workplace"), so every match of it
holds a match of the alternative from that run on ("workplace\\b"). ``str.__contains__`` finds
the run and a regex opening with a literal skips through the text to it, both at C speed:
when no alternative's run and rest are there, the pattern cannot match. Else the pattern
itself is searched, so the answer is always the pattern's own.
"""

from __future__ import annotations

import re

from crawler.scan.boundaries import _class_end, top_level_alternatives

# Shorter runs ("in", "on") are in most texts and rule nothing out.
MIN_ANCHOR_CHARS = 3
_SPECIAL = set(".^$*+?{}[]\\|()")
_QUANTIFIERS = set("*+?{")
# Group references and conditionals tie a piece of a pattern to groups before it.
_REFERENCES = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
# A counted repeat, "{2}", "{0,3}", "{,4}"; any other "{" is itself.
_COUNTS = re.compile(r"\{\d*(?:,\d*)?\}")
# A group that is a whole alternative: "(?:...)" or with scoped flags, "(?m:...)".
_WHOLE_GROUP = re.compile(r"\(\?([a-zA-Z-]*):")


class AnchoredSearch:
    """``bool(re.compile(source, flags).search(text))``, skipping the search where no anchor is."""

    def __init__(self, source: str, flags: int = 0, pattern: re.Pattern | None = None):
        # The pattern searched may be a faster writing of ``source`` (crawler/scan/boundaries).
        self.pattern = pattern or re.compile(source, flags)
        found = anchors(source, re.compile(source, flags).flags)
        # Each word looked for once (a substring test costs ~1 ns a character when it fails).
        self.by_word: dict[str, list[re.Pattern]] | None = None
        if found is not None:
            self.by_word = {}
            for word, rest in found:
                self.by_word.setdefault(word, []).append(rest)

    def found_in(self, text: str) -> bool:
        if self.by_word is not None:
            if not any(word in text and any(rest.search(text) for rest in rests) for word, rests in self.by_word.items()):
                return False
        return self.pattern.search(text) is not None


def anchors(source: str, flags: int) -> list[tuple[str, re.Pattern]] | None:
    """For each top-level alternative of ``source``, (a literal run every match of it holds,
    the alternative from that run on); None when some alternative has no such run or the
    pattern's flags or group references make a piece of it mean something else."""
    if flags & (re.IGNORECASE | re.VERBOSE) or _REFERENCES.search(source):
        return None
    found = []
    for alternative in top_level_alternatives(source):
        anchor = _anchor(alternative, flags)
        if anchor is None:
            return None
        found.append(anchor)
    return found


def _anchor(alternative: str, flags: int) -> tuple[str, re.Pattern] | None:
    runs = _literal_runs(alternative)
    if not runs:
        return _anchor_in_whole_group(alternative, flags)
    start, word = max(runs, key=lambda run: len(run[1]))  # the longest, the first of equals
    if len(word) < MIN_ANCHOR_CHARS:
        return None
    try:
        return word, re.compile(alternative[start:], flags)
    except re.error:
        return None


def _anchor_in_whole_group(alternative: str, flags: int) -> tuple[str, re.Pattern] | None:
    """The anchor of an alternative that is one group ("(?m:^\\s*full[\\s-]?time\\s*:)"): its
    inside's anchor, the rest kept in the group's flags."""
    opening = _WHOLE_GROUP.match(alternative)
    if opening is None or "i" in opening.group(1) or "x" in opening.group(1) or _group_end(alternative) != len(alternative):
        return None
    inside = alternative[opening.end():-1]
    if len(top_level_alternatives(inside)) != 1:
        return None
    runs = _literal_runs(inside)
    if not runs:
        return None
    start, word = max(runs, key=lambda run: len(run[1]))
    if len(word) < MIN_ANCHOR_CHARS:
        return None
    try:
        return word, re.compile(alternative[:opening.end()] + inside[start:] + ")", flags)
    except re.error:
        return None


def _group_end(source: str) -> int:
    """The index just after the group opening at 0."""
    depth, i = 0, 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(source, i)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _literal_runs(alternative: str) -> list[tuple[int, str]]:
    """(offset, text) of each run of literal characters outside groups and classes that
    every match of ``alternative`` holds: a character a quantifier follows is not in one."""
    runs: list[tuple[int, str]] = []
    run_start, run = 0, []
    i, depth = 0, 0

    def close():
        if run:
            runs.append((run_start, "".join(run)))
            run.clear()

    while i < len(alternative):
        char = alternative[i]
        if char == "\\":
            token, literal = alternative[i:i + 2], alternative[i + 1:i + 2]
            if literal.isalnum() or not literal:
                literal = None  # \b, \s, \d, \n...: a class or an assertion, not this letter
        elif char == "[":
            token, literal = alternative[i:_class_end(alternative, i)], None
        elif char == "{" and (counts := _COUNTS.match(alternative, i)):
            token, literal = counts.group(0), None  # "{0,2}" repeats what is before it: its digits are no text
        elif char in _SPECIAL:
            token, literal = char, None
            depth += char == "("
            depth -= char == ")"
        else:
            token, literal = char, char
        following = alternative[i + len(token):i + len(token) + 1]
        if depth == 0 and literal is not None and char not in "()" and following not in _QUANTIFIERS:
            if not run:
                run_start = i
            run.append(literal)
        else:
            close()
        i += len(token)
    close()
    return runs
