"""Entry requirements: degree class, work experience, professional registration and regulators."""

from __future__ import annotations

import re

from crawler.scan.boundaries import compile_boundary_first

# Degree requirement spellings. Among classes the first stated is the headline
# requirement ("2:1, or a 2:2 with experience" -> "2:1").
_DEGREE_CLASS = re.compile(
    r"(?P<c21>\b2[:.]1\b|\bupper\s+second\b|\bsecond[\s-]+class\s+upper\b|\b2i\b|\bfirst\s+or\s+upper\s+second\b)"
    r"|(?P<c22>\b2[:.]2\b|\blower\s+second\b|\bsecond[\s-]+class\s+lower\b|\b2ii\b|\bsecond[\s-]+class\s+(?:honours\s+)?degree\b)"
    r"|(?P<masters>(?<!or\s)(?<!such\sas\s)(?<!such\sas\sa\s)(?<!or\sa\s)(?<!e\.g\.\s)(?<!or\san\s)\b(?:a\s+|an?\s+)?(?:relevant\s+|good\s+|uk\s+)?master'?s(?:'|’s)?\s+(?:level\s+)?(?:degree|qualification)\b"
    r"|\bmsc\s+or\s+(?:ma|equivalent)\b)"
    r"|(?P<any>\b(?:undergraduate|bachelor'?s|honours|first|ordinary|uk|relevant|a)\s+(?:honours\s+)?degree\b|\bdegree\s+(?:in\s+a\s+relevant|or\s+equivalent)\b|\bdegree[\s-]level\s+(?:qualification|study)\b|\bgraduates?\s+(?:of|in|with)\b)",
    re.I,
)
_CLASS_NAMES = {"c21": "2:1", "c22": "2:2", "masters": "master's", "any": "any degree"}
# "degree apprenticeship" and "a degree of" are not entry degrees.
_NOT_DEGREE = compile_boundary_first(
    r"\bdegree\s+apprenticeship\b|\ba\s+degree\s+of\b|\bto\s+a\s+degree\b|\bdegrees?\s+celsius\b"
    r"|\b(?:a\s+)?degree\s+is\s+not\s+(?:essential|required|necessary)\b|\bwithout\s+a\s+degree\b|\bno\s+degree\b",
    re.I,
)

_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen|several|some|significant|substantial)"
_WORK_EXPERIENCE = compile_boundary_first(
    rf"\b{_NUMBER}\s+(?:\+\s+)?(?:full[\s-]time\s+)?(?:years?|months?)'?(?:\s+|\s+of\s+)(?:recent\s+|relevant\s+|post[\s-]?(?:qualif\w+|registration)\s+|professional\s+|clinical\s+|work\s+|practice\s+|management\s+|full[\s-]time\s+)*experience\b"
    r"|\b(?:relevant|recent|clinical|professional|work|practice|post[\s-]?qualif\w+|post[\s-]?registration|managerial|leadership|management|practical|healthcare|health\s+care|field|service)\s+(?:work\s+)?experience\b"
    r"|\bexperience\s+(?:of|in)\s+(?:working|practice|the\s+(?:nhs|health|care|field))\b"
    r"|\b(?:currently\s+)?(?:working|employed|employment)\s+(?:in|within|as|by)\s+(?:a|an|the)?\s*(?:health|clinical|care|social|nhs|relevant|healthcare|professional|senior|leadership|management)"
    r"|\bcurrently\s+(?:working|employed|practis\w+|practic\w+)\b"
    r"|\bexperienced\s+(?:clinicians?|practitioners?|professionals?|nurses?|staff|managers?)\b",
    re.I,
)
_NO_EXPERIENCE = compile_boundary_first(
    r"\bno\s+(?:prior\s+|previous\s+|work\s+)?experience\s+(?:is\s+)?(?:required|needed|necessary)\b|\bwithout\s+(?:any\s+)?(?:prior\s+)?experience\b"
    r"|\bexperience\s+(?:is\s+)?(?:desirable|preferred|welcome|an\s+advantage)\b|\bexperience\s+is\s+not\s+(?:required|essential|necessary)\b"
    r"|\bno\s+formal\s+entry\s+requirements\b",
    re.I,
)
# Sentences offering a second route in ("Applicants without a degree but with
# experience may be considered") do not make experience a requirement.
_ALTERNATIVE_ROUTE = compile_boundary_first(
    r"\b(?:may|might|will|can|could)\s+(?:also\s+)?be\s+considered\b|\bwithout\s+a\s+degree\b|\bin\s+exceptional\s+cases\b|\bdesirable\b|\balternatively\b",
    re.I,
)
_SENTENCE = re.compile(r"[^.;\n]+[.;]?")

_REGISTRATION = compile_boundary_first(
    r"\b(?:current|active|live|valid|professional|statutory|full|effective)\s+(?:uk\s+)?(?:professional\s+)?registration\b"
    r"|\bregistration\s+(?:with|on)\s+(?:the\s+)?(?:a\s+|an\s+)?(?:uk\s+|relevant\s+|appropriate\s+|professional\s+|statutory\s+)*"
    r"(?:nmc|hcpc|gmc|gdc|gphc|goc|nursing|health|general|social|professional|regulat|register|body)"
    r"|\bregistered\s+(?:with\s+(?:the\s+|a\s+|an\s+|their\s+|your\s+)?(?:nmc|hcpc|gmc|gdc|gphc|goc|nursing|health|general|social|relevant|appropriate|uk|professional|regulat)|"
    r"(?:as\s+an?\s+)?(?:nurse|midwife|health(?:care)?\s+(?:professional|practitioner)|practitioner|pharmacist|dentist|doctor|social\s+worker|allied\s+health|specialist\s+community|professional|clinician|paramedic|physiotherapist|dietitian|medical\s+practitioner))"
    r"|\b(?:nmc|hcpc|gmc|gdc|gphc)[\s-](?:registered|registrant|registration)\b"
    r"|\bfull\s+gmc\s+registration\b|\blicen[cs]e\s+to\s+practi[cs]e\b",
    re.I,
)

# Abbreviations only in capitals (HCPC, NMC); full names case-insensitive.
_REGULATORS = (
    ("NMC", r"\bNMC\b", r"\bnursing\s+(?:and|&)\s+midwifery\s+council\b"),
    ("HCPC", r"\bHCPC\b", r"\bhealth\s+(?:and|&)\s+care\s+professions\s+council\b|\bhealth\s+professions\s+council\b"),
    ("GMC", r"\bGMC\b", r"\bgeneral\s+medical\s+council\b"),
    ("GDC", r"\bGDC\b", r"\bgeneral\s+dental\s+council\b"),
    ("GPhC", r"\bGPhC\b", r"\bgeneral\s+pharmaceutical\s+council\b"),
    ("GOC", r"\bGOC\b", r"\bgeneral\s+optical\s+council\b"),
    ("GOsC", r"\bGOsC\b", r"\bgeneral\s+osteopathic\s+council\b"),
    ("GCC", r"(?!x)x", r"\bgeneral\s+chiropractic\s+council\b"),
    ("Social Work England", r"(?!x)x", r"\bsocial\s+work\s+england\b"),
    ("SSSC", r"\bSSSC\b", r"\bscottish\s+social\s+services\s+council\b"),
    ("NISCC", r"\bNISCC\b", r"\bnorthern\s+ireland\s+social\s+care\s+council\b"),
    ("Social Care Wales", r"(?!x)x", r"\bsocial\s+care\s+wales\b"),
)
_REGULATOR_PATTERNS = tuple(
    (name, re.compile(abbrev), re.compile(full, re.I)) for name, abbrev, full in _REGULATORS
)
_REGULATOR_ORDER = [name for name, _, _ in _REGULATORS]


def degree_class(text: str | None) -> str | None:
    """The academic bar: a required master's, else the first class stated, else "any degree", else None."""
    if not text:
        return None
    cleaned = _NOT_DEGREE.sub(" ", text)
    names = [_CLASS_NAMES[m.lastgroup] for m in _DEGREE_CLASS.finditer(cleaned)]
    # A master's that is required (not offered as an alternative) is the highest bar stated.
    if "master's" in names:
        return "master's"
    specific = [n for n in names if n != "any degree"]
    if specific:
        return specific[0]
    return "any degree" if names else None


def needs_work_experience(text: str | None) -> bool | None:
    """True when entry asks for work experience, False when it does not, None without entry text."""
    if not text:
        return None
    if _NO_EXPERIENCE.search(text):
        return False
    required = " ".join(s for s in _SENTENCE.findall(text) if not _ALTERNATIVE_ROUTE.search(s))
    return bool(_WORK_EXPERIENCE.search(required))


def needs_registration(text: str | None) -> bool:
    """True when entry asks for current professional (regulator) registration."""
    return bool(text and _REGISTRATION.search(text))


def find_regulators(text: str | None) -> list[str]:
    """Health and care regulators named in ``text``, as canonical abbreviations."""
    if not text:
        return []
    found = {name for name, abbrev, full in _REGULATOR_PATTERNS if abbrev.search(text) or full.search(text)}
    return [name for name in _REGULATOR_ORDER if name in found]
