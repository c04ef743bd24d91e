"""IHI: course pages on its learning platform carry view and session parameters.

The learning platform (app.ihi.org/lms/...) addresses one course by its CourseGUID (or
LearningActivityID), but links add catalogue, tab and session parameters that change
from page to page; without this the same course would be one candidate per link.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.fetch.spider import GenericCourseSpider, canonical_url

# The parameters that name a course on the learning platform; every other one is a view.
COURSE_ID_PARAMS = ("courseguid", "learningactivityid", "catalogguid")


class IhiSpider(GenericCourseSpider):
    def page_key(self, url: str) -> str:
        parts = urlsplit(url)
        if "/lms/" not in parts.path.lower():
            return canonical_url(url)
        kept = sorted((k.lower(), v) for k, v in parse_qsl(parts.query) if k.lower() in COURSE_ID_PARAMS)
        return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.lower(), urlencode(kept), ""))
