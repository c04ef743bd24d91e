"""The literal strings every match of a regex starts with, read from the regex itself.

``re`` skips ahead to a pattern's first letter only when the pattern starts with a literal or
a class; a leading ``\\b``, or an alternation of phrases each behind its own ``\\b``, makes it
try every character of the text. Reading the parsed pattern gives the set of short literals
one of which every match starts with (``"\\bfull[\\s-]?time|\\bpart"`` -> ``{"full", "part"}``),
so one Aho-Corasick pass finds where to try it. Anything the reader cannot bound (a ``\\w``, a
``.``, a case-insensitive flag) makes it give up, and the pattern is then run as it is.
"""

from __future__ import annotations

import re
import re._constants as c  # noqa: PLC2701 - the parser's opcodes; stable across 3.11-3.13
import re._parser as sre_parse  # noqa: PLC2701

# Beyond this many literals the set costs more to find than the regex does to run.
MAX_LITERALS = 400
# Longer literals narrow the candidates little more and make the sets bigger.
MAX_LITERAL_CHARS = 8
# A class of at most this many characters is spelled out ("[£$€]", "[3-8]").
MAX_CLASS_CHARS = 12
# ``\d`` also matches non-ASCII digits; where a pattern may start with one the caller
# adds every digit's position (digit_starts), so this marker stands for "any digit".
ANY_DIGIT = "\0digit"
# Ends a literal that cannot grow (a digit came next); stripped from the result.
_STOP = "\0"


class _Unbounded(Exception):
    """The pattern may start with something no short literal set covers."""


def first_literals(pattern: re.Pattern) -> frozenset[str] | None:
    """Literals one of which starts every match of ``pattern`` (ANY_DIGIT for a digit), or
    None when no such set is known. The literals are exact: the pattern must not use re.I."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE) or not isinstance(pattern.pattern, str):
        return None
    try:
        found = _prefixes(list(sre_parse.parse(pattern.pattern, pattern.flags)), 0)
    except _Unbounded:
        return None
    if "" in found:
        return None
    return frozenset(p if p == ANY_DIGIT else p.rstrip(_STOP) for p in found)


def _class_chars(items) -> list[str]:
    chars: list[str] = []
    for op, av in items:
        if op is c.LITERAL:
            chars.append(chr(av))
        elif op is c.RANGE and av[1] - av[0] < MAX_CLASS_CHARS:
            chars.extend(chr(n) for n in range(av[0], av[1] + 1))
        elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
            chars.append(ANY_DIGIT)
        else:
            raise _Unbounded
    if len(chars) > MAX_CLASS_CHARS:
        raise _Unbounded
    return chars


def _extend(prefix: str, char: str) -> str:
    if char == ANY_DIGIT:
        return prefix + _STOP if prefix else ANY_DIGIT
    return prefix + char


def _join(prefix: str, tail: str) -> str:
    if tail == ANY_DIGIT:
        return prefix + _STOP
    return prefix + tail[:MAX_LITERAL_CHARS - len(prefix)]


def _finished(prefix: str) -> bool:
    return len(prefix) >= MAX_LITERAL_CHARS or prefix.endswith(_STOP) or prefix == ANY_DIGIT


def _prefixes(items: list, depth: int) -> set[str]:
    """Prefixes of every match of the sequence ``items``; "" in the set means "may start anywhere"."""
    if depth > 50:
        raise _Unbounded
    found = {""}
    for index, (op, av) in enumerate(items):
        done = {p for p in found if _finished(p)}
        growing = found - done
        if not growing:
            return found
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # a boundary, an anchor or a lookaround takes no characters: skipping it only widens the set
        if op is c.LITERAL:
            found = done | {_extend(p, chr(av)) for p in growing}
        elif op is c.IN:
            try:
                chars = _class_chars(av)
            except _Unbounded:
                if growing != {""}:
                    return found
                raise
            found = done | {_extend(p, ch) for p in growing for ch in chars}
        elif growing != {""}:
            # "(?:published|posted)" is parsed as "p" then a branch: spell out the branch's
            # starts after each literal so far, or stop here (the literals still start every match).
            try:
                tails = _prefixes(items[index:], depth + 1)
            except _Unbounded:
                return found
            if "" in tails:
                return found
            grown = {_join(p, t) for p in growing for t in tails}
            return found if len(grown) > MAX_LITERALS else done | grown
        else:
            rest = items[index + 1:]
            if op is c.SUBPATTERN:
                found = done | _prefixes(list(av[-1]) + rest, depth + 1)
            elif op is c.BRANCH:
                found = set(done)
                for branch in av[1]:
                    found |= _prefixes(list(branch) + rest, depth + 1)
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                low, _, body = av
                found = done | _prefixes(list(body) + rest, depth + 1)
                if low == 0:
                    found |= _prefixes(rest, depth + 1)
            else:
                raise _Unbounded
            if "" in found:
                raise _Unbounded
            if len(found) > MAX_LITERALS:
                raise _Unbounded
            return found
        if len(found) > MAX_LITERALS:
            raise _Unbounded
    return found


# A global flag group ("(?m)") must open a pattern: nothing may be put in front of it.
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
# A class of more characters than this passes most places of a text and saves little.
MAX_LOOKAHEAD_CHARS = 24


def behind_first_chars(source: str, flags: int = 0) -> str:
    """``source`` behind a lookahead for the characters its matches can start with, when they
    are known (first_literals): the same matches, found faster where ``re`` has no literal to
    skip ahead to.

    A ``\\b``-led alternation of named groups (awards) is entered at every word boundary, and
    ``re`` then enters each group in turn: no group opens with a literal it could check first.
    The lookahead ``(?=[abc...])`` fails at once where no match can start, so most boundaries
    (every word's end, most words' starts) never reach the groups. It holds wherever a match
    starts, so the matches are the ones ``source`` finds."""
    if _GLOBAL_FLAGS.match(source):
        return source
    found = first_literals(re.compile(source, flags))
    if not found:
        return source
    chars = sorted({literal[0] for literal in found if literal != ANY_DIGIT})
    if len(chars) > MAX_LOOKAHEAD_CHARS:
        return source
    members = "".join(re.escape(char) for char in chars) + (r"\d" if ANY_DIGIT in found else "")
    return f"(?=[{members}])" + source
