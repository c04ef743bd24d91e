"""Award names (MSc, PgCert, ...) found in titles, key facts and text, and the FHEQ level they imply."""

from __future__ import annotations

import re

# Canonical spellings from docs/architecture.md, in the order results are listed.
AWARD_ORDER = (
    "PhD", "professional doctorate", "MPhil", "MRes", "MSc", "MA", "MPH", "MBA",
    "PgDip", "PgCert", "BSc", "BA", "foundation degree", "apprenticeship",
    "module", "short course", "fellowship",
)

# Qualifications awarded by a university; the others (module, short course,
# fellowship, apprenticeship) name the kind of opportunity and stay in titles.
DEGREE_AWARDS = frozenset(AWARD_ORDER[:13])

# FHEQ (QAA 2014): master's degrees, MPhil included, are level 7; doctorates 8;
# bachelor's 6; foundation degrees 5. Modules, short courses, fellowships and
# apprenticeships carry no implied level.
FHEQ_LEVEL_FOR_AWARD = {
    "PhD": 8, "professional doctorate": 8, "MPhil": 7, "MRes": 7, "MSc": 7, "MA": 7,
    "MPH": 7, "MBA": 7, "PgDip": 7, "PgCert": 7, "BSc": 6, "BA": 6, "foundation degree": 5,
}

_PG = r"(?:p\.?\s?g\.?|post[\s-]?grad(?:uate)?\.?)"
# Case-insensitive spellings (long forms and mixed-case abbreviations).
_SPELLINGS_I = (
    ("PgCert", rf"\b{_PG}\s?-?\s?cert(?:ificate)?\b(?!\s+in\s+education\b)"),
    ("PgDip", rf"\b{_PG}\s?-?\s?dip(?:loma)?\b"),
    ("MSc", r"\bm\.?sc\b|\bmaster\s+of\s+science\b|\bmasters?\s+in\s+science\b"),
    ("MA", r"\bmaster\s+of\s+arts\b"),
    ("MRes", r"\bm\.?res\b|\bmclinres\b|\bmaster\s+of\s+(?:clinical\s+)?research\b|\bmasters?\s+(?:in|of)\s+(?:clinical\s+)?research\b"),
    ("MPhil", r"\bm\.?phil\b|\bmaster\s+of\s+philosophy\b"),
    ("MPH", r"\bmaster\s+of\s+public\s+health\b"),
    ("MBA", r"\bmaster\s+of\s+business\s+administration\b"),
    ("PhD", r"\bph\.?\s?d\b|\bd\.?phil\b|\bdoctor\s+of\s+philosophy\b"),
    ("professional doctorate", r"\bprofessional\s+doctorate\b|\bd\.?prof\b|\bdhsc\b|\bdhealth\b|\bdclin(?:psy|prac|res)\b|\bedd\b|\bdoctor\s+of\s+(?:health|nursing|clinical)\s+\w+"),
    ("BSc", r"\bb\.?sc\b|\bbachelor\s+of\s+science\b"),
    ("BA", r"\bbachelor\s+of\s+arts\b"),
    ("foundation degree", r"\bfoundation\s+degree\b|\bfd\s?(?:sc|a)\b"),
    ("apprenticeship", r"\bapprenticeships?\b"),
    ("module", r"\b(?:cpd|stand-?alone|free-?standing|single|short|e-?learning)\s+modules?\b|\b\d{1,3}[\s-]credits?\s+(?:cpd\s+)?module\b"),
    ("short course", r"\bshort\s+courses?\b|\bmasterclass(?:es)?\b|\bcpd\s+course\b"),
    ("fellowship", r"\bfellowships?\b"),
)
# Two-letter abbreviations only in capitals: "MA", not "ma" or "Ma".
_SPELLINGS_CS = (
    ("MA", r"\bM\.?A\b(?![\-&'])"),
    ("BA", r"\bB\.?A\b(?![\-&'])(?:\s?\(Hons\))?"),
    ("MPH", r"\bMPH\b"),
    ("MBA", r"\bMBA\b"),
    ("foundation degree", r"\bFd\b"),
)
_AWARD_I = re.compile("|".join(f"(?P<i{n}>{p})" for n, (_, p) in enumerate(_SPELLINGS_I)), re.I)
_AWARD_CS = re.compile("|".join(f"(?P<c{n}>{p})" for n, (_, p) in enumerate(_SPELLINGS_CS)))
_GROUP_AWARD = {f"i{n}": a for n, (a, _) in enumerate(_SPELLINGS_I)}
_GROUP_AWARD.update({f"c{n}": a for n, (a, _) in enumerate(_SPELLINGS_CS)})

# "PG Cert/Dip/MSc", "PgCert / Dip": a bare "Dip" after a postgraduate certificate.
_CERT_SLASH_DIP = re.compile(rf"\b{_PG}\s?cert(?:ificate)?\s*/\s*(?:{_PG}\s?)?dip(?:loma)?\b", re.I)
# "Cert/PG Dip": a bare "Cert" before a postgraduate diploma.
_CERT_SLASH_PGDIP = re.compile(rf"\bcert(?:ificate)?\s*/\s*{_PG}\s?dip", re.I)

# Opportunity words that are not in a title as an award but name the page's kind.
_TITLE_MODULE = re.compile(r"\bmodule\b", re.I)
_TITLE_FELLOWSHIP = re.compile(r"\bfellow(?:ship)?s?\b", re.I)


def find_awards(text: str | None) -> list[str]:
    """Canonical awards named in ``text``, in AWARD_ORDER."""
    if not text:
        return []
    found = set()
    for pattern in (_AWARD_I, _AWARD_CS):
        for match in pattern.finditer(text):
            found.add(_GROUP_AWARD[match.lastgroup])
    if _CERT_SLASH_DIP.search(text):
        found.update(("PgCert", "PgDip"))
    if _CERT_SLASH_PGDIP.search(text):
        found.update(("PgCert", "PgDip"))
    return [a for a in AWARD_ORDER if a in found]


def awards_in_title(title: str | None) -> list[str]:
    """Awards a page title offers: degrees, plus module/fellowship when the title names one."""
    awards = find_awards(title)
    if title and _TITLE_MODULE.search(title) and "module" not in awards:
        awards.append("module")
    if title and _TITLE_FELLOWSHIP.search(title) and "fellowship" not in awards:
        awards.append("fellowship")
    return [a for a in AWARD_ORDER if a in awards]


def fheq_level_for_awards(awards: list[str]) -> int | None:
    """The FHEQ level of the highest award offered, or None when no award implies one."""
    levels = [FHEQ_LEVEL_FOR_AWARD[a] for a in awards if a in FHEQ_LEVEL_FOR_AWARD]
    return max(levels) if levels else None


# Award words removed from the start and end of titles, with "(Hons)" and the
# joiners between them ("MSc / PgDip", "MSc in ..."). An award in the middle
# ("Degree Apprenticeship with MSc Leadership") is part of the name and stays,
# as does MBA after "Executive" ("Executive MBA").
_DEGREE_SPELLINGS = "|".join(p for a, p in _SPELLINGS_I if a in DEGREE_AWARDS)
_DEGREE_SPELLINGS_CS = "|".join(p for a, p in _SPELLINGS_CS if a != "MBA")
_TITLE_TOKEN = (
    rf"(?:(?i:{_DEGREE_SPELLINGS}|\bcert(?:ificate)?\b|\bdip(?:loma)?\b|\(hons\)|\bhons\b|\bmasters?\b|\bdoctorate\b(?=\s+in\b))"
    rf"|{_DEGREE_SPELLINGS_CS}|(?<!Executive\s)\bMBA\b)"
)
_JOIN = r"(?:\s*(?:[/,&|:+]|-|–|—|\band\b|\bor\b)\s*|\s+)"
_LEADING_AWARDS = re.compile(rf"^\s*(?:[(\[]?\s*{_TITLE_TOKEN}\s*[)\]]?{_JOIN}?)+(?:(?i:in|of)\b)?")
_TRAILING_AWARDS = re.compile(rf"(?:{_JOIN}?[(\[]?\s*{_TITLE_TOKEN}\s*[)\]]?)+\s*$")
# "Master of Public Health": the subject is in the award's name, keep it.
_SUBJECT_IN_AWARD = re.compile(r"\bmaster\s+of\s+(?=public\s+health\b|business\s+administration\b)", re.I)


def strip_award_words(title: str) -> str:
    """``title`` without leading/trailing degree names: "MSc in Clinical Leadership" -> "Clinical Leadership"."""
    stripped = _SUBJECT_IN_AWARD.sub("", title)
    for _ in range(3):
        before = stripped
        stripped = _LEADING_AWARDS.sub("", stripped)
        stripped = _TRAILING_AWARDS.sub("", stripped)
        if stripped == before:
            break
    return stripped
