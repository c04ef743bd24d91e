import pytest

from crawler.alerts import site_alerts


def figures(pages=50, course_pages=10, errors=0):
    return {"pages_fetched": pages, "course_pages": course_pages, "errors": errors}


PREVIOUS = {"course_pages": 10, "stats": {"robotstxt/forbidden": 0}}
HEALTHY_STATS = {"wire/responses": 50}


@pytest.mark.parametrize("current, stats, previous, empty_share, seen, kinds", [
    # a healthy night raises nothing
    (figures(), HEALTHY_STATS, PREVIOUS, 0.1, 10, []),
    (figures(), HEALTHY_STATS, None, 0.1, 10, []),
    # zero course pages where the previous run found some
    (figures(course_pages=0), HEALTHY_STATS, PREVIOUS, 0.0, 0, ["no_course_pages"]),
    # ...but not on a first run, where there is nothing to compare with
    (figures(course_pages=0), HEALTHY_STATS, None, 0.0, 0, []),
    # the site no longer answers at all
    (figures(pages=0, course_pages=0, errors=5), {"errors/connection_refused": 5}, PREVIOUS, 0.0, 0,
     ["site_unreachable"]),
    # error rate above the threshold, and just under it
    (figures(pages=50, errors=11), HEALTHY_STATS, PREVIOUS, 0.1, 10, ["error_rate"]),
    (figures(pages=50, errors=10), HEALTHY_STATS, PREVIOUS, 0.1, 10, []),
    # a few errors on a tiny site are not a rate
    (figures(pages=5, errors=2), HEALTHY_STATS, PREVIOUS, 0.1, 3, []),
    # robots.txt now forbids requests it allowed before
    (figures(), {**HEALTHY_STATS, "robotstxt/forbidden": 7}, PREVIOUS, 0.1, 10, ["robots_forbidden"]),
    (figures(), {**HEALTHY_STATS, "robotstxt/forbidden": 7},
     {"course_pages": 10, "stats": {"robotstxt/forbidden": 7}}, 0.1, 10, []),
    # a layout change leaves key facts empty on most course pages
    (figures(), HEALTHY_STATS, PREVIOUS, 0.9, 10, ["facts_missing"]),
    (figures(), HEALTHY_STATS, PREVIOUS, 0.9, 2, []),
])
def test_site_alerts(current, stats, previous, empty_share, seen, kinds):
    assert [a["kind"] for a in site_alerts(current, stats, previous, empty_share, seen)] == kinds
