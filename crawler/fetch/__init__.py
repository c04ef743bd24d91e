"""The fetching side of a crawl, before any page is understood: the HTTP cache's storage,
the links read from a page, and the links remembered for a page that has not changed."""
