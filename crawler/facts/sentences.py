"""Sentences of page text, and the sentences a pattern matches, found from its guard words."""

from __future__ import annotations

import re

from crawler.scan import lowercase

# A sentence: a run of characters up to a line break or an end mark, with the mark.
SENTENCES = re.compile(r"[^.!?\n]+[.!?]?")


def sentences_with(pattern: re.Pattern, guards: tuple[str, ...], text: str) -> list[str]:
    """The sentences of ``text`` that ``pattern`` matches, in order; ``guards`` holds a word of every match.

    Lowering each of a page's hundreds of sentences to test the guards cost ~0.2 ms a page.
    A guard word (letters only) lies inside one run of characters between two delimiters,
    which is one sentence: so the sentences to try are those around the guard words found
    in the text lowered once. Where lowering changes the text's length (so offsets in the
    lowered text are not those of the text), each sentence is lowered as before."""
    lowered = lowercase.lowered(text)
    if len(lowered) != len(text):
        return plain_sentences_with(pattern, guards, text)
    starts = set()
    rfind = text.rfind
    for word in guards:
        at = lowered.find(word)
        while at >= 0:
            starts.add(max(rfind(".", 0, at), rfind("!", 0, at), rfind("?", 0, at), rfind("\n", 0, at)) + 1)
            at = lowered.find(word, at + 1)
    out = []
    for start in sorted(starts):
        sentence = SENTENCES.match(text, start).group(0)
        if pattern.search(sentence):
            out.append(sentence)
    return out


def plain_sentences_with(pattern: re.Pattern, guards: tuple[str, ...], text: str) -> list[str]:
    """sentences_with by its definition: every sentence lowered and tested."""
    out = []
    for sentence in SENTENCES.findall(text):
        lowered = sentence.lower()
        if any(word in lowered for word in guards) and pattern.search(sentence):
            out.append(sentence)
    return out


def check_guards(guards: tuple[str, ...]) -> tuple[str, ...]:
    """``guards``, each a lowercase ASCII word of letters (no delimiter, so inside one sentence)."""
    for word in guards:
        if not (word.isascii() and word.isalpha() and word.islower()):
            raise ValueError(f"guard word {word!r} is not lowercase ASCII letters")
    return guards
