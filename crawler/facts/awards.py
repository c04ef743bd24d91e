"""Award names (MSc, PgCert, ...) found in titles, key facts and text, and the FHEQ level they imply."""

from __future__ import annotations

import re
from functools import lru_cache

from crawler.scan.boundaries import named_alternation
from crawler.scan.firsts import behind_first_chars
from crawler.scan.literals import lowered_in_step

# Canonical spellings from docs/architecture.md, in the order results are listed.
AWARD_ORDER = (
    "PhD", "professional doctorate", "MPhil", "MRes", "MSc", "MA", "MPH", "MBA", "master's",
    "PgDip", "PgCert", "BSc", "BA", "foundation degree", "apprenticeship",
    "certificate", "module", "short course", "fellowship",
)

# Qualifications awarded by a university; the others (certificate, module, short
# course, fellowship, apprenticeship) name the kind of opportunity and stay in titles.
# "master's" is a master's degree whose kind the page does not name ("Master's in X").
DEGREE_AWARDS = frozenset({
    "PhD", "professional doctorate", "MPhil", "MRes", "MSc", "MA", "MPH", "MBA", "master's",
    "PgDip", "PgCert", "BSc", "BA", "foundation degree",
})

# FHEQ (QAA 2014): master's degrees, MPhil included, are level 7; doctorates 8;
# bachelor's 6; foundation degrees 5. Certificates (a "Graduate Certificate" is level 6
# in the UK and postgraduate in the US), modules, short courses, fellowships and
# apprenticeships carry no implied level.
FHEQ_LEVEL_FOR_AWARD = {
    "PhD": 8, "professional doctorate": 8, "MPhil": 7, "MRes": 7, "MSc": 7, "MA": 7,
    "MPH": 7, "MBA": 7, "master's": 7, "PgDip": 7, "PgCert": 7, "BSc": 6, "BA": 6, "foundation degree": 5,
}

_PG = r"(?:p\.?\s?g\.?|post[\s-]?grad(?:uate)?\.?)"
# Case-insensitive spellings (long forms and mixed-case abbreviations).
_SPELLINGS_I = (
    ("PgCert", rf"\b{_PG}\s?-?\s?cert(?:ificate)?\b(?!\s+in\s+education\b)"),
    ("PgDip", rf"\b{_PG}\s?-?\s?dip(?:loma)?\b"),
    ("MSc", r"\bm\.?sc\b|\bmaster(?:s|['’]s)?\s+of\s+science\b|\bmasters?\s+in\s+science\b"),
    ("MA", r"\bmaster\s+of\s+arts\b"),
    ("MRes", r"\bm\.?res\b|\bmclinres\b|\bmaster\s+of\s+(?:clinical\s+)?research\b|\bmasters?\s+(?:in|of)\s+(?:clinical\s+)?research\b"),
    ("MPhil", r"\bm\.?phil\b|\bmaster\s+of\s+philosophy\b"),
    ("MPH", r"\bmaster['’]?s?['’]?\s+(?:of|in)\s+public\s+health\b"),
    ("MBA", r"\bmaster\s+of\s+business\s+administration\b"),
    ("PhD", r"\bph\.?\s?d\b|\bd\.?phil\b|\bdoctor\s+of\s+philosophy\b"),
    ("professional doctorate", r"\bprofessional\s+doctorate\b|\bd\.?prof\b|\bdhsc\b|\bdhealth\b|\bdclin(?:psy|prac|res)\b|\bedd\b|\bdoctor\s+of\s+(?:health|nursing|clinical)\s+\w+"),
    ("BSc", r"\bb\.?sc\b|\bbachelor\s+of\s+science\b"),
    ("BA", r"\bbachelor\s+of\s+arts\b"),
    # "Master's degree in X", "Masters in X": a master's whose kind (MSc, MA) is not named.
    ("master's", r"\bmaster['’]?s['’]?\s+degree\b(?!\s+(?:or|and)\s+(?:above|equivalent|higher))|\bmaster(?:s|['’]s)['’]?\s+(?:in|of)\s+(?!science\b|arts\b|public\s+health\b|business\b|research\b|philosophy\b|clinical\s+research\b)(?=[a-z])"
                 r"|\bmaster['’]?s['’]?\s+program(?:me)?\b"),
    ("foundation degree", r"\bfoundation\s+degree\b|\bfd\s?(?:sc|a)\b"),
    ("apprenticeship", r"\bapprenticeships?\b"),
    # A certificate that is not postgraduate: "Graduate Certificate" (US), "Certificate of Graduate Study".
    ("certificate", r"\b(?<!post-)(?<!post\s)graduate\s+certificate\b|\bcertificate\s+of\s+graduate\s+study\b"),
    ("module", r"\b(?:cpd|stand-?alone|free-?standing|single|short|e-?learning)\s+modules?\b|\b\d{1,3}[\s-]credits?\s+(?:cpd\s+)?module\b"),
    ("short course", r"\bshort\s+courses?\b|\bmasterclass(?:es)?\b|\bcpd\s+course\b"),
    ("fellowship", r"\bfellowships?\b"),
)
# Two-letter abbreviations only in capitals: "MA", not "ma" or "Ma".
# "M.A.S." and "B.A.Sc." are other degrees, not MA or BA.
_SPELLINGS_CS = (
    ("MA", r"\bM\.?A\b(?![\-&']|\.[A-Z])"),
    ("BA", r"\bB\.?A\b(?![\-&']|\.[A-Z])(?:\s?\(Hons\))?"),
    ("MPH", r"\bMPH\b|\bM\.P\.H\b"),
    # US "MS in Clinical Research", "M.S. degree": a Master of Science. A bare "MS" is
    # as often multiple sclerosis, so it counts only before a degree word.
    ("MSc", r"\bM\.S\.(?=\s)|\bMS\b(?=\s+(?:in|degree|program|programme)\b)"),
    # "Master of Nursing", "Master of Health Administration": "master of ceremonies" is lower case.
    ("master's", r"\bMaster\s+of\s+(?!Science\b|Arts\b|Public\s+Health\b|Business\b|Research\b|Philosophy\b|Clinical\s+Research\b)[A-Z][a-z]"),
    ("MBA", r"\bMBA\b"),
    ("foundation degree", r"\bFd\b"),
)
# Every spelling opens with a word boundary: tested once in front of them all, the engine
# leaves a place inside a word at once instead of entering each spelling (~2 ms a page).
_AWARD_I = re.compile(named_alternation([(f"i{n}", p) for n, (_, p) in enumerate(_SPELLINGS_I)]), re.I)
_AWARD_CS = re.compile(named_alternation([(f"c{n}", p) for n, (_, p) in enumerate(_SPELLINGS_CS)]))
# The same alternations found faster (~3 times on the development pages' text, ~0.5 ms a page):
# the case-insensitive spellings over the text lowercased in step (crawler/scan/literals), and
# both behind a lookahead for the letters a spelling can start with (crawler/scan/firsts), so
# re enters the named groups only at the start of a word that may be one. The spellings are
# lowercase: over lowered text, without re.I, they match what re.I matches.
_AWARD_I_LOWER = re.compile(behind_first_chars(_AWARD_I.pattern))
_AWARD_CS_FAST = re.compile(behind_first_chars(_AWARD_CS.pattern))
_GROUP_AWARD = {f"i{n}": a for n, (a, _) in enumerate(_SPELLINGS_I)}
_GROUP_AWARD.update({f"c{n}": a for n, (a, _) in enumerate(_SPELLINGS_CS)})

# "PG Cert/Dip/MSc", "PgCert / Dip": a bare "Dip" after a postgraduate certificate.
_CERT_SLASH_DIP = re.compile(rf"\b{_PG}\s?cert(?:ificate)?\s*/\s*(?:{_PG}\s?)?dip(?:loma)?\b", re.I)
# "Cert/PG Dip": a bare "Cert" before a postgraduate diploma.
_CERT_SLASH_PGDIP = re.compile(rf"\bcert(?:ificate)?\s*/\s*{_PG}\s?dip", re.I)

# "Helen Marsh, PhD, Director": a person's degree after their name, not the course's award.
_POST_NOMINAL_BEFORE = re.compile(r"\b[A-Z][a-z]+,\s*$")
_POST_NOMINAL_AFTER = re.compile(r"\s*,\s*[A-Z]")
# Awards that name the kind of master's: with one of them, "master's" adds nothing.
NAMED_MASTERS = frozenset({"MSc", "MA", "MRes", "MPhil", "MPH", "MBA"})
# "Healthcare Quality and Safety, MHQS": a US catalogue titles a master's "Subject, M...".
# MD and MBBS are medical degrees, MOOC an online course.
_TITLE_MASTERS_CODE = re.compile(r",\s+M(?!D\b|BBS\b|OOC\b)[A-Z]{1,4}\s*$")

# Opportunity words that are not in a title as an award but name the page's kind.
_TITLE_MODULE = re.compile(r"\bmodule\b", re.I)
_TITLE_FELLOWSHIP = re.compile(r"\bfellow(?:ship)?s?\b", re.I)
# "Lean Six Sigma Green Belt Certification", "Certified ... Coach": the course leads to a certificate.
_TITLE_CERTIFICATE = re.compile(r"\bcertificat(?:e|ion)\b|\bcertified\b", re.I)


def find_awards(text: str | None) -> list[str]:
    """Canonical awards named in ``text``, in AWARD_ORDER."""
    if not text:
        return []
    found = set()
    lowered = lowered_in_step(text)
    scans = ((_AWARD_I_LOWER, lowered) if lowered is not None else (_AWARD_I, text), (_AWARD_CS_FAST, text))
    for pattern, subject in scans:
        # The offsets of a match over the lowered text are the text's own.
        for match in pattern.finditer(subject):
            if _is_post_nominal(text, match):
                continue
            found.add(_GROUP_AWARD[match.lastgroup])
    if _CERT_SLASH_DIP.search(text):
        found.update(("PgCert", "PgDip"))
    if _CERT_SLASH_PGDIP.search(text):
        found.update(("PgCert", "PgDip"))
    if found & NAMED_MASTERS:
        found.discard("master's")
    return [a for a in AWARD_ORDER if a in found]


def _is_post_nominal(text: str, match: re.Match) -> bool:
    """True for "Marsh, PhD, Vice President": a degree between a name and more titles."""
    return bool(_POST_NOMINAL_BEFORE.search(text, max(0, match.start() - 30), match.start())
                and _POST_NOMINAL_AFTER.match(text, match.end()))


def awards_in_title(title: str | None) -> list[str]:
    """Awards a page title offers: degrees, plus module/fellowship when the title names one."""
    return list(_awards_in_title(title))


# A page's titles are read four times (title, page type, fees page, meta title), and a site's
# <title> suffix recurs on every page.
@lru_cache(maxsize=4096)
def _awards_in_title(title: str | None) -> tuple[str, ...]:
    awards = find_awards(title)
    if title and _TITLE_MODULE.search(title) and "module" not in awards:
        awards.append("module")
    if title and _TITLE_FELLOWSHIP.search(title) and "fellowship" not in awards:
        awards.append("fellowship")
    if title and _TITLE_CERTIFICATE.search(title) and not {"PgCert", "certificate"} & set(awards):
        awards.append("certificate")
    if title and not awards and _TITLE_MASTERS_CODE.search(title):
        awards.append("master's")
    return tuple(a for a in AWARD_ORDER if a in awards)


def fheq_level_for_awards(awards: list[str]) -> int | None:
    """The FHEQ level of the highest award offered, or None when no award implies one."""
    levels = [FHEQ_LEVEL_FOR_AWARD[a] for a in awards if a in FHEQ_LEVEL_FOR_AWARD]
    return max(levels) if levels else None


# Award words removed from the start and end of titles, with "(Hons)" and the
# joiners between them ("MSc / PgDip", "MSc in ..."). An award in the middle
# ("Degree Apprenticeship with MSc Leadership") is part of the name and stays,
# as does MBA after "Executive" ("Executive MBA").
# A US "Graduate Certificate in X" names its subject after the award, as a degree does.
_DEGREE_SPELLINGS = "|".join(p for a, p in _SPELLINGS_I if a in DEGREE_AWARDS or a == "certificate")
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
