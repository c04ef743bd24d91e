"""The real analysis on the development set of realistic pages (../shared/dev-pages/).

Run from the repository root:  .venv/bin/python bench/bench_real_pages.py [--misses] [--path FILE]

Each page is served three times, plain, inside noisy site furniture, and inside the same furniture
in anonymous divs (crawler/facts/realpages.py),
and goes through the same PageAnalyser as the crawl (extract, page type, scope rules, match).
Prints course-page recall and non-course rejection, scope precision / recall / F1 for core +
related, core/related agreement, recall of award, level, modes, duration and fees on course
pages; the same by group, by provider family and by wrapping; and pages per second for the
whole analysis. Nothing here is learned from the set, so no cross-validation is needed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.analyse.analyser import PageAnalyser  # noqa: E402
from crawler.catalogue import read_catalogue  # noqa: E402
from crawler.facts import realpages  # noqa: E402
from crawler.registry import load_registry  # noqa: E402
from crawler.terms import load_terms  # noqa: E402


def _fmt(value) -> str:
    return "   -" if value is None else f"{value:5.2f}"


def _row(name: str, judged: list[realpages.Judged]) -> str:
    f = realpages.figures(judged)
    facts = " ".join(_fmt(f.facts[n]) for n in realpages.FACTS)
    return (f"{name:<22}{f.pages:>5} {_fmt(f.course_recall)} {_fmt(f.course_recall_sure)} {_fmt(f.noncourse_rejection)} {_fmt(f.noncourse_kept_out)} "
            f"{_fmt(f.scope_precision)} {_fmt(f.scope_recall)} {_fmt(f.scope_f1)} {_fmt(f.core_related_agreement)}  {facts}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", help="pages.jsonl (default: ../shared/dev-pages/pages.jsonl or $DEV_PAGES)")
    parser.add_argument("--misses", action="store_true", help="list the pages behind each shortfall")
    args = parser.parse_args(argv)
    path = Path(args.path) if args.path else realpages.dev_pages_path()
    if not path.exists():
        print(f"bench_real_pages: {path}: no development pages there (set DEV_PAGES or --path)", file=sys.stderr)
        return 2
    pages = realpages.load_dev_pages(path)
    analyser = PageAnalyser(load_registry(), load_terms(), read_catalogue())
    start = time.perf_counter()
    judged = realpages.judge_pages(pages, lambda body, url: analyser.analyse(body, url))
    elapsed = time.perf_counter() - start

    header = (f"{'':<22}{'pages':>5} {'crsR':>5} {'sure':>5} {'rejN':>5} {'outN':>5} {'scP':>5} {'scR':>5} {'scF1':>5} {'c/r':>5}  "
              + " ".join(f"{n[:5]:>5}" for n in realpages.FACTS))
    print(f"Development pages: {len(pages)} ({path}), each served {', '.join(realpages.WRAPPINGS)}")
    print("crsR: course pages typed course (sure or unsure); sure: typed course for sure; rejN: other pages not typed course;")
    print("outN: other pages kept out of the candidates (not typed course, or unsure and out of scope);")
    print("scP/scR/scF1: in-scope candidates against core+related labels; c/r: core/related agreement;")
    print("award..fees: recall of each labelled fact on course pages")
    print(header)
    print(_row("all", judged))
    for wrapping in realpages.WRAPPINGS:
        print(_row(f"wrapping {wrapping}", [j for j in judged if j.wrapping == wrapping]))
    for group in ("core", "related", "out", "noncourse"):
        print(_row(f"group {group}", [j for j in judged if j.page["group"] == group]))
    for family in realpages.FAMILIES:
        print(_row(family, [j for j in judged if j.page["family"] == family]))
    print(f"analysis: {len(judged)} pages in {elapsed:.2f} s, {len(judged) / elapsed:.0f} pages/s, "
          f"{1000 * elapsed / len(judged):.1f} ms a page")
    overall = realpages.figures(judged)
    if args.misses:
        for kind, names in overall.misses.items():
            if names:
                print(f"\n{kind} ({len(names)}):")
                for name in names:
                    print(f"  {name}")
    print(f"\nSUMMARY course-recall {_fmt(overall.course_recall)} noncourse-rejection {_fmt(overall.noncourse_rejection)} "
          f"noncourse-kept-out {_fmt(overall.noncourse_kept_out)} "
          f"scope-P {_fmt(overall.scope_precision)} scope-R {_fmt(overall.scope_recall)} "
          + " ".join(f"{n} {_fmt(overall.facts[n])}" for n in realpages.FACTS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
