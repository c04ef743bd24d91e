"""Sentences of page text, and those holding a guard word, found from the words in the text folded once."""

from __future__ import annotations

import re
from collections.abc import Callable

from crawler.scan import lowercase

# A sentence: a run of characters up to a line break or an end mark, with the mark.
SENTENCES = re.compile(r"[^.!?\n]+[.!?]?")
_DELIMITERS = ".!?\n"


def sentences_holding(words: tuple[str, ...], text: str, fold: Callable[[str], str] = str.lower) -> list[str]:
    """The sentences of ``text`` whose folded form holds one of ``words``, in order.

    Folding each of a page's hundreds of sentences to test the words cost ~0.2 ms a page. A
    word (no delimiter in it) found in the folded text lies inside one run of characters
    between two delimiters, which is one sentence: so the sentences are those around the
    words found in the text folded once. Where folding changes the text's length (so offsets
    in the folded text are not those of the text), each sentence is folded as before."""
    folded = lowercase.lowered(text) if fold is str.lower else fold(text)
    if len(folded) != len(text):
        return plain_sentences_holding(words, text, fold)
    starts = set()
    rfind = text.rfind
    for word in words:
        at = folded.find(word)
        while at >= 0:
            starts.add(max(rfind(".", 0, at), rfind("!", 0, at), rfind("?", 0, at), rfind("\n", 0, at)) + 1)
            at = folded.find(word, at + 1)
    return [SENTENCES.match(text, start).group(0) for start in sorted(starts)]


def plain_sentences_holding(words: tuple[str, ...], text: str, fold: Callable[[str], str] = str.lower) -> list[str]:
    """sentences_holding by its definition: every sentence folded and tested."""
    return [sentence for sentence in SENTENCES.findall(text) if any(word in fold(sentence) for word in words)]


def sentences_with(pattern: re.Pattern, guards: tuple[str, ...], text: str) -> list[str]:
    """The sentences of ``text`` that ``pattern`` matches, in order; ``guards`` holds a word of every
    match (lowercase)."""
    return [sentence for sentence in sentences_holding(guards, text) if pattern.search(sentence)]


def check_guards(guards: tuple[str, ...], fold: Callable[[str], str] = str.lower) -> tuple[str, ...]:
    """``guards``, each a folded word with no delimiter (so inside one sentence) and no sigma
    (the one letter that str.lower folds by what follows it, so a sentence folded alone may differ)."""
    for word in guards:
        if not word or fold(word) != word or any(c in _DELIMITERS or c in "σς" for c in word):
            raise ValueError(f"guard word {word!r} is not a folded word without delimiters")
    return guards


# Letters that re.IGNORECASE matches to an ASCII letter but str.lower does not lower to it:
# long s (matched to "s"), dotless i and dotted capital I (matched to "i").
IGNORECASE_ODD = ("ſ", "ı", "İ")


def may_hold(words: tuple[str, ...], text: str) -> Callable[[str], bool]:
    """A test of the pieces (lines, sentences) of ``text``: False only for a piece whose lowered form
    holds none of ``words``, so that no re.IGNORECASE pattern each of whose matches holds one of
    them (as ASCII letters) can match there. Where ``text`` has a letter that such a pattern matches
    but lowering does not make ASCII, every piece passes."""
    if any(odd in text for odd in IGNORECASE_ODD):
        return lambda piece: True
    return lambda piece: any(word in piece.lower() for word in words)
