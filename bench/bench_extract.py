"""Accuracy and speed of crawler.extract on the labelled pages in tests/fixtures/extract/.

Usage: .venv/bin/python bench/bench_extract.py [--repeat N] [--misses] [--stages-only]
Prints per-fact precision/recall, then median ms per page and pages/s on one core,
for the pages as recorded, for the same pages padded to a typical 25 KB with
navigation and footer markup (real pages carry 10-20 KB of menus the extractor must drop),
and for the text-heavy 10-20 KB course pages of bench/sitegen.py.

Then CPU ms per page of each stage of the whole analysis (PageAnalyser.analyse: extract,
search terms, scope rules, match) next to lxml parsing the same page alone, on the
generated course pages and on the development pages (../shared/dev-pages/, noisy wrapping)
when they are there. CPU time (time.process_time) is used: this machine is shared, and
wall time moves with the neighbours' load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402

import scope_rules  # noqa: E402
from crawler.analyse.analyser import PageAnalyser  # noqa: E402
from crawler.catalogue import read_catalogue  # noqa: E402
from crawler.extract import extract_course_facts  # noqa: E402
from crawler.facts import realpages  # noqa: E402
from crawler.facts.evaluation import evaluate, load_labels  # noqa: E402
from crawler.registry import load_registry  # noqa: E402
from crawler.terms import load_terms  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from sitegen import BenchSite  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "extract"
# Pages written after the rules were tuned and never used to change them.
HOLDOUT = FIXTURES / "holdout"
# Generated course pages timed: enough for a stable median, built in under a second.
GENERATED_PAGES = 300
# Typical UK university course pages are 20-30 KB of HTML (brief for issue 3).
TYPICAL_PAGE_BYTES = 25_000


def _padding(size: int) -> bytes:
    """Site furniture (a mega-menu and a footer) of about ``size`` bytes."""
    items, n = [], 0
    while sum(len(i) for i in items) < size:
        n += 1
        items.append(f'<li class="menu__item"><a href="/courses/subject-{n}">MSc Subject area {n} (part-time)</a></li>\n')
    half = len(items) // 2
    return ('<nav class="mega-menu"><ul>' + "".join(items[:half]) + "</ul></nav>"
            '<footer class="site-footer"><ul>' + "".join(items[half:]) + "</ul></footer>").encode()


def _padded(body: bytes) -> bytes:
    missing = TYPICAL_PAGE_BYTES - len(body)
    if missing <= 0:
        return body
    marker = body.lower().find(b"<body")
    if marker < 0:
        return body
    end = body.find(b">", marker) + 1
    return body[:end] + _padding(missing) + body[end:]


def _time(pages: list[tuple[bytes, str, str | None]], repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        for body, url, encoding in pages:
            start = time.perf_counter()
            extract_course_facts(body, url, encoding)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def _report(title: str, directory: Path, show_misses: bool) -> None:
    tallies, problems = evaluate(directory, extract_course_facts)
    print(f"\n{title}: {len(load_labels(directory))} pages")
    print(f"{'fact':<24}{'P':>7}{'R':>7}{'tp':>5}{'fp':>5}{'fn':>5}")
    for fact, t in sorted(tallies.items()):
        print(f"{fact:<24}{t.precision:>7.2f}{t.recall:>7.2f}{t.tp:>5}{t.fp:>5}{t.fn:>5}")
    tp = sum(t.tp for t in tallies.values())
    fp = sum(t.fp for t in tallies.values())
    fn = sum(t.fn for t in tallies.values())
    print(f"{'ALL (micro)':<24}{tp / max(tp + fp, 1):>7.2f}{tp / max(tp + fn, 1):>7.2f}{tp:>5}{fp:>5}{fn:>5}")
    if problems:
        print(f"{len(problems)} check failures:")
        for p in problems:
            print("  " + p)
    if show_misses:
        for fact, t in sorted(tallies.items()):
            for miss in t.misses:
                print(f"  miss {fact}: {miss}")


def _cpu_ms(call, items, repeat: int) -> float:
    """Median CPU milliseconds of ``call(item)`` over the items, each round timed as a whole."""
    rounds = []
    for _ in range(repeat):
        start = time.process_time()
        for item in items:
            call(item)
        rounds.append((time.process_time() - start) * 1000 / len(items))
    return statistics.median(rounds)


def _stage_report(label: str, pages: list[tuple[bytes, str]], analyser: PageAnalyser, repeat: int) -> None:
    """CPU ms per page of each stage of the analysis, next to lxml's parse of the same bytes."""
    facts = [extract_course_facts(body, url) for body, url in pages]
    for f, (_, url) in zip(facts, pages):
        site = analyser.registry.site_for_url(url)
        if site is not None and site.health_focused:
            f["provider_health_focused"] = site.name
    courses = [f for f in facts if f.get("is_course")]
    # Matched against the block of the page's provider; a page of no registered site (the
    # generated ones) against the first site's, so the scorer has a real block to search.
    fallback = analyser.registry.sites[0].name
    providers = {f["url"]: getattr(analyser.registry.site_for_url(f["url"]), "name", fallback) for f in facts}
    stages = [
        ("lxml parse alone", lambda p: lxml.html.document_fromstring(p[0]), pages),
        ("extract (facts, page type)", lambda p: extract_course_facts(p[0], p[1]), pages),
        ("search terms", lambda f: analyser.terms.found_in(f"{f.get('title') or ''}\n{f.get('text') or ''}"), facts),
        ("scope rules", scope_rules.classify, facts),
        ("match (course pages)", lambda f: analyser.matcher.best(f.get("title") or "", providers[f["url"]], url=f["url"],
                                                                 awards=f.get("awards")), courses or facts),
        ("whole analysis", lambda p: analyser.analyse(p[0], p[1]), pages),
    ]
    kb = statistics.median(len(body) for body, _ in pages) / 1024
    print(f"\nstages, {label}: {len(pages)} pages, median {kb:.1f} KB ({len(courses)} typed course); "
          f"CPU ms per page, median of {repeat} rounds")
    for name, call, items in stages:
        print(f"  {name:<28}{_cpu_ms(call, items, repeat):>8.2f} ms")


def stage_timings(repeat: int) -> None:
    analyser = PageAnalyser(load_registry(), load_terms(), read_catalogue())
    site = BenchSite(GENERATED_PAGES)
    generated = [(site.pages[c["path"]][1], "https://bench.example" + c["path"]) for c in site.courses]
    sets = [("generated course pages (bench/sitegen.py)", generated)]
    if realpages.dev_pages_path().exists():
        dev = realpages.load_dev_pages()
        sets.append(("development pages, noisy wrapping", [(realpages.wrap_page(p, "noisy"), p["url"]) for p in dev]))
    for label, pages in sets:
        for body, url in pages[:20]:  # warm up regex caches and imports
            analyser.analyse(body, url)
        _stage_report(label, pages, analyser, repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timing rounds over the page set")
    parser.add_argument("--misses", action="store_true", help="list every wrong or missing fact")
    parser.add_argument("--stages-only", action="store_true", help="only the CPU ms of each analysis stage")
    args = parser.parse_args()
    if args.stages_only:
        stage_timings(max(3, args.repeat // 4))
        return 0

    for title, directory in (("labelled set (rules tuned on it)", FIXTURES), ("hold-out set", HOLDOUT)):
        if (directory / "labels.yaml").exists():
            _report(title, directory, args.misses)

    labels = load_labels(FIXTURES)
    pages = [((FIXTURES / n).read_bytes(), e["url"], e.get("encoding")) for n, e in labels.items()]
    sizes = [len(b) for b, _, _ in pages]
    _time(pages, 2)  # warm up regex caches and imports
    site = BenchSite(GENERATED_PAGES)
    generated = [(site.pages[c["path"]][1], "https://bench.example" + c["path"], None) for c in site.courses]
    for label, set_ in (("as recorded", pages), ("padded to ~25 KB", [(_padded(b), u, e) for b, u, e in pages]),
                        ("generated pages (bench/sitegen.py)", generated)):
        timings = _time(set_, args.repeat if set_ is not generated else max(1, args.repeat // 5))
        median = statistics.median(timings)
        kb = statistics.median(len(b) for b, _, _ in set_) / 1024
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"\nspeed, {label}: {len(set_)} pages, median {kb:.1f} KB: "
              f"median {median:.2f} ms/page, p95 {p95:.2f} ms, {1000 / median:.0f} pages/s on one core")
    print(f"(recorded page sizes {min(sizes)}-{max(sizes)} bytes)")
    stage_timings(max(3, args.repeat // 4))
    return 0


if __name__ == "__main__":
    sys.exit(main())
