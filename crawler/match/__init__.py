"""The match stage: a crawled course linked to the catalogue course it is, or left new.

``normalise`` reduces titles and providers to comparable forms, ``matching`` blocks the
catalogue by provider and scores titles with rapidfuzz, ``match_csv`` runs the matcher over
a CSV for ``scrapy match``, and ``gcpause`` keeps the garbage collector out of batch work.
"""
