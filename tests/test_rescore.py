import yaml

import scope_rules
from crawler.catalogue import load_catalogue
from crawler.pipelines import candidate_row
from crawler.registry import load_registry
from crawler.rescore import rescore_candidates
from crawler.storage import upsert_candidate
from crawler.analyse.analyser import Analysis


def store(db, registry, url, title, summary):
    facts = {"is_course": True, "page_kind": "course", "title": title, "summary": summary,
             "text": summary, "awards": ["MSc"]}
    verdict = scope_rules.classify(facts)
    analysis = Analysis(url, registry.get("kcl"), facts, verdict, None, [])
    return upsert_candidate(db, candidate_row(analysis, url, [url]), run_id=None)


def test_rescore_moves_candidates_when_a_list_changes_and_keeps_reviews(db, tmp_path, monkeypatch):
    registry = load_registry()
    load_catalogue(db)
    leading = store(db, registry, "https://www.kcl.ac.uk/a", "Clinical Leadership",
                    "For clinicians leading teams in the NHS.")
    store(db, registry, "https://www.kcl.ac.uk/b", "Improvement Science",
          "Quality improvement methods for NHS clinicians.")
    db.execute("UPDATE candidates SET review_status = 'accepted', reviewed_by = 'ana' WHERE id = ?", [leading])
    assert rescore_candidates(db, registry)["moved"] == 0

    raw = yaml.safe_load(scope_rules.TERMS_FILE.read_text(encoding="utf-8"))
    raw["lists"]["improvement_focus"]["terms"].append("clinical leadership")
    edited = tmp_path / "scope_terms.yaml"
    edited.write_text(yaml.safe_dump(raw), encoding="utf-8")
    monkeypatch.setattr(scope_rules, "TERMS_FILE", edited)

    result = rescore_candidates(db, registry)
    assert result == {"total": 2, "moved": 1, "moves": {"related -> core": 1}}
    row = db.execute("SELECT scope_category, review_status, reviewed_by FROM candidates WHERE id = ?",
                     [leading]).fetchone()
    assert row == ("core", "accepted", "ana")
