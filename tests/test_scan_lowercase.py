"""crawler/scan/lowercase.lowered: the page text lowercased once is what ``str.lower`` gives,
whichever text object asks and however many texts came between."""

from __future__ import annotations

import pytest

from crawler.scan import lowercase

LONG = "Full-time MSc, £9,250 – 12 months. " * 20


@pytest.mark.parametrize("text", [
    "",
    "Short",  # under MIN_REMEMBERED_CHARS: lowered directly
    LONG,
    # Characters whose lowercase is longer, or depends on the next letter (final sigma).
    "İstanbul ΟΔΟΣ ΟΔΟΣΑ " * 30,
    "ﬁ KELVIN \u212a ſ " * 40,
])
def test_lowered_is_str_lower(text):
    assert lowercase.lowered(text) == text.lower()
    assert lowercase.lowered(text) == text.lower()  # the remembered answer


def test_a_remembered_text_is_lowered_once():
    text = "Part-time PgCert " * 40
    assert lowercase.lowered(text) is lowercase.lowered(text)


def test_an_equal_text_of_another_object_gets_the_same_answer():
    first = "".join(["Duration: 2 years "] * 30)
    second = "".join(["Duration: 2 years "] * 30)
    assert first is not second
    assert lowercase.lowered(first) == lowercase.lowered(second) == first.lower()


def test_texts_past_the_remembered_ones_are_lowered_again():
    texts = [f"Page {n} ÉTUDES " * 30 for n in range(lowercase._REMEMBERED + 3)]
    for text in texts:
        lowercase.lowered(text)
    assert len(lowercase._recent) == lowercase._REMEMBERED
    for text in texts:
        assert lowercase.lowered(text) == text.lower()
