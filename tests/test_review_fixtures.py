"""A small crawl database for the review and export tests, built without a crawl (no tests here)."""

from crawler.catalogue import load_catalogue
from crawler.storage import open_db, record_match, start_run, upsert_candidate

FIRST_SEEN = "2026-03-01T02:00:00+00:00"
REGIONS = {"uwl": "north-west", "kcl": "south", "kingston": "south"}


def course(slug, title, provider, site, category, **facts):
    """A candidates row as the pipeline writes it; `facts` are the extractor's extra facts."""
    awards = facts.pop("awards", ["MSc"])
    row_facts = {"title": title, "awards": awards, **facts}
    return {
        "canonical_url": f"https://www.{site}.ac.uk/courses/{slug}",
        "site": site, "provider": provider, "region": REGIONS[site], "title": title,
        "awards": awards, "fheq_level": facts.get("fheq_level"), "modes": facts.get("modes", []),
        "duration": facts.get("duration"), "months_full_time": facts.get("months_full_time"),
        "months_part_time": facts.get("months_part_time"), "fees": facts.get("fees"),
        "entry_requirements": facts.get("entry_requirements"),
        "requires_registration": facts.get("requires_registration"),
        "topics": facts.get("topics", []), "summary": facts.get("summary", f"{title} at {provider}."),
        "facts": row_facts, "scope_category": category, "scope_score": 7.5 if category == "core" else 4.0,
        "scope_reasons": [{"rule": "focus", "phrase": "quality improvement", "where": "summary"}],
    }


# (row, match or None); ids are 1.. in this order.
COURSES = [
    (course("msc-improvement-science", "MSc Improvement Science", "University of West London", "uwl", "core",
            fheq_level=7, modes=["part-time", "campus"], duration="1 year full-time, 2 years part-time",
            months_full_time=12, months_part_time=24, fees="£9,000",
            entry_requirements="A 2:1 honours degree and two years' work experience in health care.",
            degree_class="2:1", work_experience=True, topics=["improvement science", "measurement"]),
     {"catalogue_id": "t3-02", "score": 97.0, "decision": "duplicate"}),
    (course("pgcert-quality-improvement", "PgCert Quality Improvement in Healthcare", "King's College London",
            "kcl", "core", awards=["PgCert"], fheq_level=7, modes=["part-time", "online"],
            months_part_time=12, fees="£4,500", entry_requirements="A 2:2 degree.", degree_class="2:2",
            work_experience=False, topics=["quality improvement"]), None),
    (course("msc-clinical-leadership", "Clinical Leadership MSc", "Kingston University", "kingston", "related",
            fheq_level=7, modes=["part-time"], months_part_time=36,
            entry_requirements="Registration with the NMC or HCPC and a degree.", degree_class="any degree",
            requires_registration=True, work_experience=True),
     {"catalogue_id": "t4-35", "score": 82.0, "decision": "review"}),
    (course("implementation-science", "MSc Implementation Science", "King's College London", "kcl", "core",
            fheq_level=7, modes=["full-time", "part-time", "campus"], months_full_time=12, months_part_time=24,
            topics=["implementation science"]), None),
    (course("nursing-studies", "MSc Nursing Studies", "King's College London", "kcl", "related",
            fheq_level=7, modes=["part-time"]),
     {"catalogue_id": "t4-20", "score": 71.0, "decision": "review"}),
    (course("computer-science", "BSc Computer Science", "Kingston University", "kingston", "out",
            awards=["BSc"], fheq_level=6), None),
]


def build_review_db(path=":memory:"):
    """The report's catalogue plus six candidates (five in scope) and three matcher pairs."""
    db = open_db(path)
    load_catalogue(db)
    run_id = start_run(db, ["uwl", "kcl", "kingston"], "replay")
    for row, match in COURSES:
        if match:
            row = {**row, "match_catalogue_id": match["catalogue_id"], "match_score": match["score"],
                   "match_decision": match["decision"]}
        candidate_id = upsert_candidate(db, row, run_id, seen_at=FIRST_SEEN)
        if match:
            record_match(db, candidate_id, match, run_id)
    db.execute("UPDATE runs SET status = 'finished' WHERE id = ?", [run_id])
    db.conn.commit()
    return db
