"""Fee amounts with currency and who they are for; free courses and paid stipends."""

from __future__ import annotations

import re

from crawler.facts import sentences
from crawler.scan import lowercase
from crawler.scan.boundaries import compile_boundary_first

_CURRENCY_SYMBOL = {"£": "GBP", "$": "USD", "us$": "USD", "€": "EUR", "gbp": "GBP", "usd": "USD", "eur": "EUR"}
_AMOUNT = r"(?P<n{0}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d{{1,2}})?|\d+(?:\.\d{{1,2}})?)(?P<k{0}>\s?k\b)?"
_MONEY = re.compile(
    r"(?P<sym>US\$|£|\$|€|\bGBP\b|\bUSD\b|\bEUR\b)\s?" + _AMOUNT.format(1)
    + "|" + _AMOUNT.format(2) + r"\s?(?P<code>GBP|USD|EUR)\b",
    re.I,
)
# Who an amount is for, read from the words around it on its line (or the
# heading line above it). International wins over "EU" alone because post-2021
# UK pages write "EU/international"; "UK/EU" and "Home/EU" still read as home.
_INTERNATIONAL = compile_boundary_first(r"\binternational\b|\boverseas\b|\bnon[\s-]?(?:uk|eu|home)\b|\bworldwide\b|\bout\s+of\s+(?:state|country)\b", re.I)
_HOME = compile_boundary_first(r"\bhome\b|\buk\b|\bdomestic\b|\bengland\b|\bscotland\b|\bwales\b|\bnorthern\s+ireland\b", re.I)
_PER_MODULE = compile_boundary_first(r"\bper\s+(?:\d+[\s-]?credit\s+)?module\b|\beach\s+module\b|\ba\s+module\b|\bper\s+\d+\s+credits\b|\bmodule\s+fee\b", re.I)
_PER_CREDIT = compile_boundary_first(r"\bper\s+credit\b|\bper\s+(?:10|one)\s+credits?\b|\ba\s+credit\b", re.I)
# Amounts that are not the price of the course: bursaries, salaries, grants, deposits.
_NOT_A_FEE = re.compile(
    r"\b(?:bursar(?:y|ies)|scholarships?|stipend|salary|salaries|grant|award\s+of|worth|funding\s+of|"
    # "up to" ends the text before an amount: the £ belongs to the amount itself.
    r"deposit|discount|loan|earn|million|bn|m\b|up\s+to\s*$)", re.I)

# "Fees are paid by the student", "fees are paid annually": the learner still pays.
_LEARNER_PAYS = (r"\s+(?:by\s+(?:you|yourself|the\s+(?:student|learner|applicant|participant|delegate)|students|learners|card)\b"
                 r"|annually|termly|monthly|yearly|upfront|up\s+front|in\s+(?:instalments|advance|two|three|full\s+(?:before|at|on|when))"
                 r"|at\b|on\b|when\b|before\b|upon\b|each\b|per\b|every\b|via\b|online\b|directly\b)")
_FREE = compile_boundary_first(
    r"\bfree\s+of\s+charge\b|\bno\s+(?:course\s+|tuition\s+)?(?:fee|fees|charge|cost)\b|\b(?:is|are|it's|course\s+is)\s+(?:completely\s+|entirely\s+)?free\b"
    r"|\bfree\s+(?:to\s+(?:access|join|register|enrol|take|attend|all|nhs)|online\s+course|course|module|for\s+(?:all|nhs|members|staff))\b"
    r"|\bat\s+no\s+cost\b|\b(?:tuition\s+)?fees?\s+(?:are|is|will\s+be)\s+(?:fully\s+)?(?:funded|paid|covered|waived)\b(?!" + _LEARNER_PAYS + ")"
    r"|\b(?:covers?|pays?|funds?|includes?|including)\s+[\w\s,]{0,40}?\btuition\s+fees\b|\bcovers?\s+all\s+(?:programme|course|tuition|training)\s+(?:costs|fees)\b"
    r"|^\s*free\s*$|\bcost:?\s+free\b|\bprice:?\s+free\b|\bfee:?\s+free\b|£0(?:\.00)?\b"
    # "free for everyone working in health and care": free to a named audience.
    r"|^\s*free\s+(?:of\s+charge\s+)?(?:for|to)\s+(?!\d)\w|\bfree\s+(?:for|to)\s+(?:everyone|everybody|anyone|all|those|people|learners|members|staff|students|professionals)\b"
    # "Tuition fees at the home rate are paid by the fellowship": a funder, not the learner, pays.
    r"|\bfees?\b(?:\s+[\w/-]+){0,6}?\s+(?:are|is|will\s+be)\s+(?:fully\s+|also\s+)?(?:paid|covered|met|funded)\s+(?:in\s+full\s+)?by\s+(?:the\s+|your\s+)?"
    r"(?:fellowship|award|scheme|funder|sponsor|studentship|scholarship|programme|employer|trust|nhs|council|department|government)\b"
    r"|\b(?:is|are)\s+fully[\s-]funded\b|\bfully[\s-]funded\s+(?:fellowships?|studentships?|programme|course|training\s+programme|opportunity)\b"
    # "participants are not charged"; "paid for through the apprenticeship levy": the employer's levy, not the apprentice, pays.
    r"|\b(?:participants|learners|students|delegates|apprentices|you)\s+(?:are\s+not|will\s+not\s+be|won't\s+be)\s+charged\b"
    r"|\b(?:paid\s+for|funded|covered)\s+(?:through|by|via|from)\s+(?:the\s+)?(?:apprenticeship\s+)?levy\b",
    re.I | re.M,
)
# "tax-free stipend", "feel free", "free parking" must not make a course free.
_NOT_FREE = compile_boundary_first(r"\b(?:tax|fee|duty|interest|risk|hands|toll|sugar|smoke)[\s-]free\b|\bfeel\s+free\b", re.I)
_STIPEND = compile_boundary_first(
    r"\bstipends?\b|\bsalary\s+(?:is\s+|will\s+be\s+)?(?:covered|paid|funded|protected|continues)\b"
    r"|\b(?:cover|covers|covering|pay|pays|fund|funds|funding\s+for|reimburse[sd]?)\s+(?:your\s+|the\s+(?:fellow's\s+|student's\s+|trainee's\s+)?|their\s+)?(?:full\s+|basic\s+)?salary\b"
    r"|\b(?:reimburs\w*|backfill\w*)\s+(?:your\s+|the\s+)?employer\s+for\s+(?:your\s+|the\s+)?(?:\w+\s+)?salary\b"
    r"|\bsalaried\s+(?:post|position|fellowship|training)\b|\bpaid\s+(?:post|position|fellowship)\b|\bsalary\s+costs\b",
    re.I,
)


def _amount(match: re.Match) -> float | None:
    try:
        value = float((match.group("n1") or match.group("n2")).replace(",", ""))
    except (ValueError, AttributeError):
        return None
    if match.group("k1") or match.group("k2"):
        value *= 1000
    return value


def _currency(match: re.Match) -> str:
    symbol = (match.group("sym") or match.group("code") or "").lower()
    return _CURRENCY_SYMBOL.get(symbol, "GBP")


def _audience(context: str) -> str | None:
    if _PER_CREDIT.search(context):
        return "per credit"
    if _PER_MODULE.search(context):
        return "per module"
    international = bool(_INTERNATIONAL.search(context))
    home = bool(_HOME.search(_INTERNATIONAL.sub(" ", context)))
    if international and not home:
        return "international"
    if home and not international:
        return "home"
    if home and international:
        # "UK students: £9,000; international students: £18,000" on one line is split
        # by amount below; both words in one window means the amount is for everyone.
        return None
    return None


def parse_fee_amounts(text: str | None) -> list[dict]:
    """Each fee amount in ``text`` as {"amount", "currency", "for"}, in order, without repeats."""
    if not text:
        return []
    results: list[dict] = []
    seen = set()
    heading_context = ""
    for line in text.splitlines():
        matches = list(_MONEY.finditer(line))
        if not matches:
            if line.strip():
                heading_context = line  # "2026/27 fees (international)" above a list
            continue
        # "Home: £9,250 International: £18,500" labels before each amount;
        # "£9,250 (home), £18,500 (international)" labels after it. The first
        # amount that is a fee decides which.
        label_before = None
        for i, match in enumerate(matches):
            start = matches[i - 1].end() if i else 0
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
            window_before = line[start:match.start()]
            window_after = line[match.end():end]
            if _NOT_A_FEE.search(window_before[-40:]) or _NOT_A_FEE.match(window_after.strip()[:12]):
                continue
            if label_before is None:
                label_before = _audience(window_before) is not None
            amount = _amount(match)
            if amount is None:
                continue
            per_unit = _PER_CREDIT.search(window_after[:30]) or _PER_MODULE.search(window_after[:30])
            if per_unit:
                audience = _audience(window_after[:30])
            elif label_before:
                audience = _audience(window_before) or _audience(window_after)
            else:
                audience = _audience(window_after) or _audience(window_before)
            if audience is None and i:
                # A table row "UK | Full-time: £19,300 | Part-time: £9,650": the row's first
                # cell names who every amount in the row is for.
                audience = _audience(line[:matches[0].start()])
            audience = audience or _audience(heading_context)
            key = (amount, _currency(match), audience)
            if key not in seen:
                seen.add(key)
                results.append({"amount": amount, "currency": key[1], "for": audience})
    return results


# "What the fellowship funds", "What the award covers": a list of what a funder pays for.
_FUNDED_ITEMS_LABEL = compile_boundary_first(
    r"\bwhat\s+(?:the|this|your|our)\s+(?:award|fellowship|scholarship|studentship|funding|scheme|bursary|grant)\s+(?:covers|funds|pays(?:\s+for)?|includes)\b"
    r"|\b(?:award|fellowship|scholarship|studentship|funding)\s+(?:covers|includes)\b",
    re.I,
)
_TUITION_ITEM = re.compile(r"\b(?:tuition|course|programme|university|phd|degree)\s+fees?\b", re.I)


def funder_pays_tuition(label: str | None, value: str | None) -> bool:
    """True when a "What the fellowship funds" list names the tuition fees among what it pays for."""
    return bool(label and value and _FUNDED_ITEMS_LABEL.search(label) and _TUITION_ITEM.search(value))


def has_amount(text: str) -> bool:
    """True when ``text`` states a sum of money."""
    return bool(_MONEY.search(text))


# Every _FREE alternative holds one of these; is_free runs on each sentence of a page, and
# the substring test skips the regex (~0.4 ms a page) on most. casefold, not lower: re.I also
# matches "ſ" to "s", and casefold maps it so.
_FREE_GUARDS = sentences.check_guards(("free", "fee", "cost", "charge", "£0", "funded", "levy"), str.casefold)


def is_free(text: str | None) -> bool:
    """True when the text says the course costs nothing ("free of charge", "no fee")."""
    if not text:
        return False
    folded = text.casefold()
    if not any(word in folded for word in _FREE_GUARDS):
        return False
    cleaned = _NOT_FREE.sub(" ", text)
    return bool(_FREE.search(cleaned))


def free_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that is_free reads as free, in order: only those holding a guard
    word are tried (crawler/facts/sentences), as is_free itself would rule the others out."""
    return [sentence for sentence in sentences.sentences_holding(_FREE_GUARDS, text, str.casefold) if is_free(sentence)]


# Every _STIPEND alternative holds one of these: the substring test over the lowered
# text skips the regex (~0.5 ms over a 15 KB page's text) on most pages.
_STIPEND_GUARDS = ("stipend", "salar", "paid")


def pays_stipend(text: str | None) -> bool:
    """True when the learner is paid: a stipend, or salary covered during the course."""
    if not text:
        return False
    lowered = lowercase.lowered(text)
    return any(word in lowered for word in _STIPEND_GUARDS) and bool(_STIPEND.search(text))
