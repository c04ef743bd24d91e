"""Analysing a page: extract → judge → match (`analyser`), on the crawl's thread or in worker
processes (`workers`, ANALYSIS_PROCESSES=N). The extractors themselves live in crawler/extract.py,
crawler/facts/ and crawler/scan/; the scope rules in scope_rules.py; matching in crawler/match/."""
