import pytest

from crawler.registry import load_registry
from crawler.spiderloader import spider_class_for
from crawler.fetch.spider import canonical_url


@pytest.mark.parametrize("url, expected", [
    ("https://www.example.ac.uk/courses/x?utm_source=mail&utm_medium=x#fees", "https://www.example.ac.uk/courses/x"),
    ("https://WWW.Example.ac.uk/courses/x?year=2026", "https://www.example.ac.uk/courses/x?year=2026"),
    ("https://www.example.ac.uk", "https://www.example.ac.uk/"),
])
def test_canonical_url_drops_tracking_and_fragments(url, expected):
    assert canonical_url(url) == expected


def test_ihi_course_urls_are_keyed_by_course_id():
    spider_cls = spider_class_for(load_registry().get("ihi"))
    spider = spider_cls.__new__(spider_cls)
    one = spider.page_key("https://app.ihi.org/lms/coursedetailview.aspx?CourseGUID=ab12&CatalogGUID=c1&tab=2&s=9")
    two = spider.page_key("https://app.ihi.org/LMS/CourseDetailView.aspx?tab=1&CatalogGUID=c1&CourseGUID=ab12")
    assert one == two == "https://app.ihi.org/lms/coursedetailview.aspx?catalogguid=c1&courseguid=ab12"
    assert spider.page_key("https://www.ihi.org/education/x?utm_source=y") == "https://www.ihi.org/education/x"


def test_every_registry_site_gets_a_spider_named_by_its_key():
    for site in load_registry():
        spider_cls = spider_class_for(site)
        assert spider_cls.name == site.key
        assert spider_cls.allowed_domains == list(site.allowed_domains)
