"""The fetching side of a crawl, before any page is understood: the spider every site runs,
the HTTP cache and its storage, the links read from a page, the links remembered for a page
that has not changed, and the dupefilter that lets the spider skip links it has judged."""
