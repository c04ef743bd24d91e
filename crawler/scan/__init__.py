"""Finding many phrases in page text in one pass (the term lists of the scope rules, the search terms).

A phrase pattern starting with ``\\b`` is tried by ``re`` at every character of the text: the
word boundary stops the engine from skipping ahead to a likely first letter, so each list
cost ~150 us on 8,000 characters whether or not it had a phrase there. Every match of a
phrase starts with the phrase's first word, so one Aho-Corasick pass (pyahocorasick) over
the text finds every place any phrase of any list can start, and each list's own pattern is
then tried at those places only. The matches are the ones ``re`` would find. Readers of the
same page text share one such pass (crawler/scan/shared).
"""
