"""When a page the site's sitemap says is unchanged need not be requested at all.

A sitemap entry's <lastmod> is the site's own word for when the page last changed. A page
stored from a fetch made after that moment has not changed since we read it, so asking the
site again (even for a 304) costs the site a request and the crawl a trip through every
Scrapy middleware for nothing: the spider follows the page's stored links and the pipeline
marks it seen, as it does for a 304.

The site's word is not taken for ever. Content a CMS renders from elsewhere (a fees table,
an entry-requirements block) can change without moving <lastmod>, so every page is requested
again once its last fetch is older than its revisit interval: between half and all of
SITEMAP_LASTMOD_MAX_DAYS, fixed per URL, so that the pages of one big first night fall due
over several nights rather than all on the same one.

Never in a replay (the archive is the whole truth), a recorded night (its archive must hold
every page), a re-extraction (every page is read again) or a night that parses every page
as a check (REUSE_STORED_LINKS=0).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone


def parse_lastmod(text: str | None) -> datetime | None:
    """The latest moment a W3C Datetime <lastmod> can mean, in UTC; None when it is not one.

    A date alone ("2026-10-01") may mean any time that day, so it is read as the end of the
    day: only a fetch on a later day is known to be after it. A time without a zone is read
    as UTC.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(days=1)
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def parse_fetched_at(text: str | None) -> datetime | None:
    """A pages.fetched_at value (ISO 8601 from the spider), in UTC; None when missing or unreadable."""
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


@dataclass(frozen=True)
class RevisitPolicy:
    max_days: float

    @classmethod
    def from_settings(cls, settings) -> RevisitPolicy | None:
        """The night's policy, or None when every page must be requested (see the module docstring)."""
        max_days = settings.getfloat("SITEMAP_LASTMOD_MAX_DAYS")
        if max_days <= 0 or settings.get("REPLAY") or settings.get("ARCHIVE_WRITE") \
                or settings.getbool("REEXTRACT") or not settings.getbool("REUSE_STORED_LINKS"):
            return None
        return cls(max_days)

    def interval(self, url: str) -> timedelta:
        """How long after its last fetch a page is requested again whatever its sitemap says."""
        # A stable hash (not hash(), which changes per process) spreads URLs over the second half.
        share = zlib.crc32(url.encode("utf-8")) / 0xFFFFFFFF
        return timedelta(days=self.max_days * (0.5 + 0.5 * share))

    def may_skip(self, url: str, lastmod: str | None, fetched_at: str | None, now: datetime) -> bool:
        """True when the page need not be requested: fetched after its lastmod, and recently enough."""
        changed = parse_lastmod(lastmod)
        fetched = parse_fetched_at(fetched_at)
        if changed is None or fetched is None or fetched > now:
            return False
        return changed <= fetched and now - fetched < self.interval(url)
