"""Titles to compare the matcher's fast paths with the plain computations over."""

from __future__ import annotations

import csv
import importlib.util
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "matching"


def bench_matching():
    """bench/bench_matching.py as a module, for its synthetic() workload."""
    spec = importlib.util.spec_from_file_location("bench_matching", ROOT / "bench" / "bench_matching.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fixture_titles() -> list[str]:
    """The titles of the labelled pairs, the held-out pairs and the bundled catalogue."""
    titles = []
    for name in ("pairs.csv", "holdout.csv"):
        with open(FIXTURES / name, encoding="utf-8", newline="") as f:
            titles += [t for row in csv.DictReader(f) for t in (row["candidate_title"], row["catalogue_title"])]
    with open(ROOT / "data" / "catalogue.csv", encoding="utf-8", newline="") as f:
        titles += [row["title"] for row in csv.DictReader(f)]
    return titles


# Pieces of titles, joined at random (generated_titles), for what the bench and the
# fixtures seldom hold: every way of spelling an award, brackets, dashes, codes, levels,
# pathways, intake years, accents, non-ASCII look-alikes of letters, odd spaces.
_PIECES = (
    "MSc", "msc", "M.Sc.", "M Sc", "m.sc", "MA", "Ma", "ma", "M.A.", "MRes", "MPhil", "MPH", "MBA", "MPA", "Executive MBA",
    "PhD", "Ph.D", "ph d", "DPhil", "D.Phil", "Doctor of Philosophy", "Professional Doctorate", "prof doc", "DrPH", "EdD",
    "PG Cert", "PgCert", "pg-cert", "P.G. Cert", "Post-grad Cert", "Postgraduate Certificate", "PGC", "PG Dip",
    "PgDip", "Postgraduate Diploma", "PGD", "Cert", "Dip", "Certificate", "Diploma", "Higher Diploma",
    "Master of Science", "Master of Arts", "Master of Public Health (MPH)", "Masters", "Masters'", "Master's",
    "Master's Degree", "BSc (Hons)", "BSc Honours", "BA (Hons)", "B.A.", "Bachelor of Science", "FdSc", "Foundation Degree",
    "Degree Apprenticeship", "Higher Apprenticeship", "Apprenticeship", "Short Course", "Module", "Fellowship", "Fellows",
    "(Online)", "(Part-time)", "[Online]", "(CPD module, 20 credits)", "(1 year full-time)", "- distance learning",
    "by distance learning", "part time", ": Online", "| 2025 entry", "Level 7", "level 6 or 7", "(Level 5)", "FHEQ level 6",
    "(Pathway in Translational Medicine)", "(Leadership pathway)", "- Leadership pathway", ", pathway: Nursing",
    "health care", "organisation", "specialised", "centre", "2025/26", "2024", "September 2025 intake",
    "LDR 101", "(HEA0010)", "QI 101:", "ISO 9001", "NHS 111", "V300", "COVID 19",
    "Clinical", "Leadership", "Nursing", "Data", "Science", "Arts", "Public", "Health", "Research", "Practice",
    "the", "and", "a", "in", "of", "with", "for", "programme", "course", "program",
    "Caf\u00e9", "na\u00efve", "\u017fhort", "\u0130stanbul", "\u0131", "\u212a", "Stra\u00dfe", "&", "+", "\u2019s", "`",
    "*", ":", "|", "\u2014", "\u2013", "-", "/", ",", "_", "  ", "\t", "\u00a0",
)


def generated_titles(count: int, seed: int = 3) -> list[str]:
    """Titles made of _PIECES joined at random."""
    rng = random.Random(seed)
    titles = []
    for _ in range(count):
        pieces = [rng.choice(_PIECES) for _ in range(rng.randint(1, 7))]
        if rng.random() < 0.7:
            titles.append(" ".join(pieces))
        else:  # glued by slashes and dashes, or not at all ("PgCert/PgDip/MSc", "MScNursing")
            titles.append("".join(p + rng.choice(("", " ", "/", "-")) for p in pieces))
    return titles
