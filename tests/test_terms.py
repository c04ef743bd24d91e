import pytest

from crawler.terms import TermsError, load_terms


@pytest.fixture(scope="module")
def terms():
    return load_terms()


def test_the_report_has_thirteen_terms(terms):
    assert len(terms) == 13
    assert {t.targets for t in terms} == {"courses", "fellowships", "both"}


@pytest.mark.parametrize("text, expected", [
    # UK and US spellings, hyphens and spaces
    ("Knowledge mobilisation in practice", ["Knowledge mobilization"]),
    ("evidence based practice", ["Evidence-based practice"]),
    ("Evidence–based practice", ["Evidence-based practice"]),
    ("an MRes in clinical research", ["Masters in Research/Clinical Research"]),
    ("Apply for a Darzi Fellowship", ["Darzi Fellow"]),
    ("Improvement science and implementation science",
     ["Improvement Science", "Implementation Science"]),
    # near misses: words of a term that are not the term
    ("Science teaching improvement plan", []),
    ("implementation of the new IT system", []),
    ("mobilization of troops", []),
    ("", []),
])
def test_found_in(terms, text, expected):
    assert terms.found_in(text) == expected


def test_a_bad_terms_file_names_the_entry(tmp_path):
    path = tmp_path / "terms.yaml"
    path.write_text("terms:\n  - term: Improvement Science\n    targets: course\n")
    with pytest.raises(TermsError, match=r"term 'Improvement Science': targets 'course' is not one of"):
        load_terms(path)
