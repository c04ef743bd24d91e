"""What a person filters the course finder by, derived from a candidate's stored facts.

Each derivation is a small pure function of stored values. None means the page did
not say, and is shown as "not stated": a course is never listed as open to someone
on a guess.
"""

from __future__ import annotations

import re

NOT_STATED = "not stated"

# -- access: the two facts the 2014 study found mattered most ---------------------

# Sentences that say a degree is not needed, or offer a way in without one.
_NO_DEGREE = re.compile(
    r"\bno\s+(?:formal\s+)?(?:degree|academic|entry)\s+(?:qualifications?\s+|requirements?\s+)?(?:is\s+|are\s+)?(?:required|needed|necessary)?"
    r"|\bdegree\s+(?:is\s+)?not\s+(?:essential|required|necessary|needed)\b"
    r"|\bwithout\s+(?:a\s+)?(?:first\s+)?degree\b|\bnon[\s-]graduates?\b",
    re.I,
)
# "degree" that is not an entry qualification.
_NOT_AN_ENTRY_DEGREE = re.compile(
    r"\bdegree\s+apprenticeships?\b|\b(?:a|some|high|great|certain)\s+degree\s+of\b|\bdegrees?\s+(?:celsius|fahrenheit)\b"
    r"|\b360[\s-]degree\b|\bto\s+a\s+degree\b",
    re.I,
)
# Any remaining ask for a degree: the word, "bachelor" or "graduate" ...
_ASKS_FOR_DEGREE = re.compile(r"\bdegrees?\b|\bbachelor'?s?\b|\bgraduates?\b", re.I)
# ... or a first degree by its letters, in capitals only ("BEd", not "bed").
_DEGREE_LETTERS = re.compile(r"\b(?:BSc|BA|BEd|BN|MBBS|MBChB|BDS|BPharm)\b")


# Postgraduate study (FHEQ 7 and above) normally asks for a degree, so entry text that is
# silent about one is not read as "no degree required" unless it says so.
POSTGRADUATE_LEVEL = 7


def no_degree_required(degree_class: str | None, entry_requirements: str | None,
                       fheq_level: int | None = None) -> bool | None:
    """True when the entry requirements do not ask for a degree; None when they do not say."""
    if degree_class:
        return False
    if not entry_requirements or not entry_requirements.strip():
        return None
    text = _NOT_AN_ENTRY_DEGREE.sub(" ", _NO_DEGREE.sub(" ", entry_requirements))
    if _ASKS_FOR_DEGREE.search(text) or _DEGREE_LETTERS.search(text):
        return False
    if _NO_DEGREE.search(entry_requirements):
        return True
    if fheq_level is not None and fheq_level >= POSTGRADUATE_LEVEL:
        return None
    return True


# Registration named in the entry text; the extractor decides whether it is asked for.
_MENTIONS_REGISTRATION = re.compile(
    r"\bregist(?:ration|ered|rants?)\b|\bregulat(?:or|ors|ory\s+body)\b|\blicen[cs]e\s+to\s+practi[cs]e\b"
    r"|\bsocial\s+work\s+england\b",
    re.I,
)
_REGULATOR_LETTERS = re.compile(r"\b(?:NMC|HCPC|GMC|GDC|GPhC|GOC|GOsC|SSSC|NISCC)\b")
_NO_REGISTRATION = re.compile(
    r"\b(?:no|without(?:\s+any)?)\s+(?:professional\s+|formal\s+|statutory\s+)?registration(?:\s+(?:is\s+)?(?:required|needed|necessary))?\b"
    r"|\bregistration\s+(?:is\s+)?not\s+(?:required|needed|necessary|essential)\b"
    r"|\b(?:do|does)\s+not\s+need\s+to\s+be\s+registered\b|\bnon[\s-]registered\b|\bunregistered\b",
    re.I,
)


def open_without_registration(requires_registration, entry_requirements: str | None) -> bool | None:
    """True when the entry requirements do not ask for professional registration; None when they do not say."""
    if requires_registration:
        return False
    # Without an entry section the extractor only looked for registration sentences:
    # their absence is not a promise that the course is open to everyone.
    if requires_registration is None or not entry_requirements or not entry_requirements.strip():
        return None
    # Registration the extractor did not read as a requirement ("Registration as a nurse, ...")
    # is still no promise of openness.
    rest = _NO_REGISTRATION.sub(" ", entry_requirements)
    if _MENTIONS_REGISTRATION.search(rest) or _REGULATOR_LETTERS.search(rest):
        return None
    return True


# -- what kind of course ---------------------------------------------------------

COURSE_TYPES = ("short course", "module", "award-bearing", "fellowship")
# Awards that lead to a qualification (docs/architecture.md: canonical award spellings).
AWARD_BEARING = frozenset({
    "MSc", "MA", "MRes", "MPhil", "MPH", "MBA", "master's", "PhD", "professional doctorate", "PgDip", "PgCert",
    "BSc", "BA", "foundation degree", "apprenticeship", "certificate",
})


def course_type(awards: list[str] | None) -> str | None:
    """One of COURSE_TYPES; a fellowship or a qualification wins over a module or short course on the same page."""
    awards = set(awards or ())
    if "fellowship" in awards:
        return "fellowship"
    if awards & AWARD_BEARING:
        return "award-bearing"
    if "module" in awards:
        return "module"
    if "short course" in awards:
        return "short course"
    return None


# -- delivery --------------------------------------------------------------------

# The delivery filters the issue asks for; the extractor's other modes are shown on the page.
DELIVERY_FILTERS = ("online", "distance", "part-time", "campus")


def delivery(modes: list[str] | None) -> list[str]:
    """The modes a person can filter by, in DELIVERY_FILTERS order."""
    modes = set(modes or ())
    return [mode for mode in DELIVERY_FILTERS if mode in modes]


# -- length ----------------------------------------------------------------------

# (upper bound in months, label); a length on a bound falls in the shorter band.
LENGTH_BANDS = (
    (1, "under a month"),
    (6, "1 to 6 months"),
    (12, "6 months to a year"),
    (24, "1 to 2 years"),
    (float("inf"), "over 2 years"),
)


def length_band(months_full_time: float | None, months_part_time: float | None) -> str | None:
    """The band of the shortest stated length (the quickest way through); None when no length is stated."""
    stated = [m for m in (months_full_time, months_part_time) if m is not None and m > 0]
    if not stated:
        return None
    shortest = min(stated)
    if shortest < 1:
        return LENGTH_BANDS[0][1]
    return next(label for bound, label in LENGTH_BANDS[1:] if shortest <= bound)


# -- cost ------------------------------------------------------------------------

COST_BANDS = ("free", "under £1,000", "£1,000 to £5,000", "over £5,000")
# Bands of the lowest home fee for the whole course, in pounds: a short course or module
# usually costs under £1,000, a PgCert £1,000-£5,000, a master's more (issue 9).
COST_BAND_LIMITS = (1_000, 5_000)


def home_fee(fee_amounts: list[dict] | None) -> float | None:
    """The lowest fee in pounds a UK learner pays for the course; None when no such fee is stated.

    Home fees first, then fees stated for nobody in particular, then per-module fees
    (a module page's own price). Per-credit and international fees are not a course's cost.
    """
    pounds = [a for a in (fee_amounts or ()) if isinstance(a, dict) and a.get("currency", "GBP") == "GBP"
              and isinstance(a.get("amount"), (int, float))]
    for audience in ("home", None, "per module"):
        amounts = [a["amount"] for a in pounds if a.get("for") == audience]
        if amounts:
            return float(min(amounts))
    return None


def cost_band(fee_amounts: list[dict] | None, free: bool | None) -> str | None:
    """One of COST_BANDS, or None when neither a fee nor "free" is stated."""
    fee = home_fee(fee_amounts)
    if fee is None:
        return "free" if free else None
    if fee == 0:
        return "free"
    low, high = COST_BAND_LIMITS
    if fee < low:
        return "under £1,000"
    return "£1,000 to £5,000" if fee <= high else "over £5,000"


# -- level -----------------------------------------------------------------------

# FHEQ levels with what a person would recognise at each (QAA, The Frameworks for HE
# Qualifications of UK Degree-Awarding Bodies, 2014). Levels 3-4 are below degree level.
FHEQ_LEVELS = {
    3: "Level 3 (A level)",
    4: "Level 4 (certificate of higher education)",
    5: "Level 5 (foundation degree, diploma)",
    6: "Level 6 (bachelor's degree)",
    7: "Level 7 (master's, PgCert, PgDip)",
    8: "Level 8 (doctorate)",
}


def level_label(fheq_level) -> str | None:
    """What an FHEQ level means to a learner; None when no level is stated."""
    try:
        level = int(fheq_level)
    except (TypeError, ValueError):
        return None
    return FHEQ_LEVELS.get(level, f"Level {level}")


# The registry's regions (crawler/registry.py REGIONS) as a person would name them: the
# 2014 report's three London sectors, providers teaching nationally, and online-only ones.
REGION_LABELS = {
    "south": "South London",
    "north-west": "North West London",
    "north-east/north-central": "North East and North Central London",
    "national": "National",
    "online": "Online provider",
}


def region_label(region: str | None) -> str | None:
    """A region as a person would name it; an unknown region as stored."""
    return REGION_LABELS.get(region, region) if region else None


def region_key(region: str | None) -> str | None:
    """A region name made safe for file names and URLs ("north-east/north-central" -> "north-east-north-central")."""
    if not region:
        return None
    return re.sub(r"[^a-z0-9]+", "-", region.lower()).strip("-") or None
