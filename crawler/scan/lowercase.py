"""A page's text lowercased once, however many readers lowercase it.

The extractor hands the same text object (the main text, or the main text without its
entry requirements) to the level, mode, fee, duration and module rules, and each lowercased
it for its guard words and lowercase patterns: five or six lowerings of 12,000 characters
on a generated page (~50 us each, since page text holds "£" and dashes, which take
``str.lower`` off its ASCII path). ``lowered`` remembers the last few texts it lowered, by
identity, so the second reader of a text gets the first one's result.

Exact by construction: a ``str`` never changes, and the cache holds a reference to each text
it remembers, so ``original is text`` can only be true for the very object lowered before.
"""

from __future__ import annotations

# The texts of one page that are lowercased more than once: main text, main text without
# the entry requirements, the scope rules' text field (when lowered_head cannot cut it from
# the main text's), and one spare.
_REMEMBERED = 4
# Below this a lowering costs less than looking through the remembered texts.
MIN_REMEMBERED_CHARS = 256

_recent: list[tuple[str, str]] = []


def lowered(text: str) -> str:
    """``text.lower()``, computed once per text object among the last few long ones."""
    if len(text) < MIN_REMEMBERED_CHARS:
        return text.lower()
    low = _remembered(text)
    if low is not None:
        return low
    low = text.lower()
    _recent.insert(0, (text, low))
    del _recent[_REMEMBERED:]
    return low


def lowered_head(text: str, end: int) -> str:
    """``text[:end].lower()``, cut from the remembered ``lowered(text)`` where there is one.

    ``str.lower`` maps each character on its own but a capital sigma (its final form looks at
    the letters after it, which the cut removes). When the lowered text is as long as the text,
    every character became one, so its first ``end`` characters are the lowered head."""
    if len(text) <= end:
        return lowered(text)
    head = text[:end]
    low = _remembered(text) if len(text) >= MIN_REMEMBERED_CHARS else None
    if low is not None and len(low) == len(text) and "\u03a3" not in head:
        return low[:end]
    return lowered(head)


def _remembered(text: str) -> str | None:
    # A copy of the list: another thread (a Scrapy thread pool) may add to it meanwhile.
    for original, low in tuple(_recent):
        if original is text:
            return low
    return None
