"""Match course candidates against the catalogue: same provider, same course, same award."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import yaml
from rapidfuzz import fuzz, process

from crawler.match.gcpause import cyclic_gc_paused
from crawler.match.normalise import (
    STOPWORDS,
    Title,
    awards_relation,
    canonical_awards,
    levels_relation,
    names_institutions,
    normalise_provider,
    normalise_title,
    normalise_titles,
    provider_parts,
    unbracket_partners,
)

# Scores are token_sort_ratio (0-100) over normalised titles without stopwords.
# Both thresholds come from bench/bench_matching.py --sweep on the labelled pairs in
# tests/fixtures/matching/pairs.csv. A duplicate also needs compatible awards and no
# differing word (WORDS_DIFFER_BELOW), which is what keeps precision at 1.0 on that set;
# the score is the second guard. The lowest same pair that passes the word check
# scores 85.3 ("Lifecycle" vs "Life cycle"), hence 85.
DUPLICATE_SCORE = 85.0
# 80 sends 8.5% of the labelled pairs to review (75: 12.6%, 70: 16.1%); the pairs above
# it are mostly one title with a word more than the other, which a maintainer should see.
REVIEW_SCORE = 80.0

# token_sort_ratio: word order does not matter, but extra words do ("Leadership" vs
# "Clinical Leadership" = 69). token_set_ratio would give 100 to any subset and WRatio
# falls back to partial matching, so both would auto-link a course to a longer one.
TITLE_SCORER = fuzz.token_sort_ratio
# token_sort_ratio is fuzz.ratio of the two titles with their words sorted. The matcher
# sorts each title's words once (sorted_words) and scores with ratio: the same number,
# without re-sorting both titles for every pair, and cdist then runs rapidfuzz's SIMD
# ratio over many catalogue titles at once (tests/test_matching_speed_paths.py checks
# the two agree).
SORTED_TITLE_SCORER = fuzz.ratio
# A character scorer cannot tell a typo from another word: "AHPs"/"ANPs" or "MBA"/"MPA"
# score 92-97 on a whole title. So the words one title has and the other lacks are
# compared on their own; a misspelling ("Managment", "lifecycle") keeps >= 85 there,
# a different word does not (AHPs/ANPs 75, MBA/MPA 67, "6"/"7" 0). Below it: review at most.
WORDS_DIFFER_BELOW = 85.0
# Queries per cdist call, so one huge provider block cannot build a huge matrix.
QUERY_CHUNK = 2_000
# Pairs of one cdist call from which it is scored on every core (see _score_chunk). At 50,000
# pairs (the benchmark's 500 candidates against a 100-title block, 1 ms of scoring) a thread per
# core cost a third more CPU than one thread and saved no wall time on the 2-core machine.
THREADED_PAIRS = 200_000
DECISION_RANK = {"duplicate": 2, "review": 1, "new": 0}
_NO_INDICES: frozenset[int] = frozenset()
_NO_NAMES: frozenset[str] = frozenset()
_NO_SCORE = (0.0, "")
_TRACKING_PARAMS = ("utm_", "gclid", "fbclid")


class ProviderResolver:
    """Provider names to site keys; an unknown provider is its own normalised name."""

    def __init__(self, names: dict[str, list[str]]):
        # A name can belong to several sites: a body split into successors that both
        # list its old name. Such a name then blocks with all of them.
        self._keys_for_name: dict[str, set[str]] = defaultdict(set)
        for key, site_names in names.items():
            for name in (key, *site_names):
                if norm := normalise_provider(name):
                    self._keys_for_name[norm].add(key)
        # A crawl or a batch names a few hundred providers thousands of times each.
        self._keys_cache: dict[str, frozenset[str]] = {}

    @classmethod
    def from_registry(cls, registry) -> ProviderResolver:
        """Build from the site registry's names, former names and aliases."""
        return cls({s.key: [s.name, *s.former_names, *s.aliases] for s in registry.sites})

    @classmethod
    def from_yaml(cls, path: str | Path) -> ProviderResolver:
        """Build from a YAML mapping of site key to a list of names."""
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
            raise ValueError(f"{path}: expected a mapping of site key to a list of names")
        return cls({str(k): [str(n) for n in v] for k, v in raw.items()})

    def keys(self, provider: str) -> frozenset[str]:
        """Every site key a provider string names; joint providers name several."""
        found = self._keys_cache.get(provider)
        if found is None:
            found = self._keys_cache[provider] = self._find_keys(provider)
        return found

    def _find_keys(self, provider: str) -> frozenset[str]:
        norm = normalise_provider(unbracket_partners(provider))
        if norm in self._keys_for_name:
            return frozenset(self._keys_for_name[norm])
        known, unknown = set(), set()
        parts = provider_parts(provider)
        for part in parts:
            names = [normalise_provider(part)]
            if names[0] not in self._keys_for_name:
                # "St George's, University of London" is one name, so commas split last.
                names = [normalise_provider(n) for n in part.split(",")]
            found = {key for n in names for key in self._keys_for_name.get(n, ())}
            known |= found
            if not found and names[0]:
                unknown.add(normalise_provider(part))
        if known:
            return frozenset(known | unknown)
        if names_institutions(parts):
            return frozenset(normalise_provider(part) for part in parts)
        return frozenset({norm}) if norm else frozenset()

    def resolve(self, provider: str) -> str:
        """One key for display and storage; joint providers join theirs with '+'."""
        return "+".join(sorted(self.keys(provider)))


def normalise_url(url: str | None) -> str:
    """Host without www, path without trailing slash, no fragment or tracking parameters."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not k.lower().startswith(_TRACKING_PARAMS)])
    return urlunsplit(("", host, parts.path.rstrip("/"), query, ""))


def sorted_words(text: str) -> str:
    """The words of a title in sorted order, as token_sort_ratio compares them."""
    return " ".join(sorted(text.split()))


def words_differ(left: str, right: str) -> bool:
    """True if the titles differ by a real word rather than a misspelling or a stopword."""
    left_words, right_words = left.split(), right.split()
    only_left = [w for w in left_words if w not in right_words and w not in STOPWORDS]
    only_right = [w for w in right_words if w not in left_words and w not in STOPWORDS]
    if not only_left and not only_right:
        return False
    return fuzz.ratio("".join(only_left), "".join(only_right)) < WORDS_DIFFER_BELOW


def _decide(score: float, relation: str, differ: bool, level_relation: str = "unknown") -> str:
    # A PgCert sold on its own and an MSc of the same subject are two courses; a page
    # offering PgCert/PgDip/MSc names all three and so shares an award with either.
    # Likewise a module run at level 6 and at level 7.
    if relation == "conflict" or level_relation == "conflict":
        return "new"
    if score >= DUPLICATE_SCORE and not differ:
        return "duplicate"
    return "review" if score >= REVIEW_SCORE else "new"


class Matcher:
    """Find the catalogue entry a candidate course is, might be, or is not."""

    @cyclic_gc_paused()
    def __init__(self, catalogue_rows: list[dict], resolver, never_link=()):
        if not isinstance(resolver, ProviderResolver):
            resolver = ProviderResolver.from_registry(resolver)
        self.resolver = resolver
        self.rows = [dict(row) for row in catalogue_rows]
        parsed = normalise_titles(row.get("title") or "" for row in self.rows)
        # Scored without the level, which is compared on its own (levels_relation).
        self._titles = [p.subject for p in parsed]
        self._levels = [p.level for p in parsed]
        self._awards = [p.awards | canonical_awards(row.get("awards")) for p, row in zip(parsed, self.rows)]
        self._by_key: dict[str, list[int]] = defaultdict(list)
        self._by_url: dict[str, list[int]] = defaultdict(list)
        for index, row in enumerate(self.rows):
            for key in resolver.keys(row.get("provider") or ""):
                self._by_key[key].append(index)
            if url := normalise_url(row.get("url")):
                self._by_url[url].append(index)
        self._blocks: dict[frozenset, tuple[list[int], list[str]]] = {}
        self.never_link: set[tuple[str, str]] = set()
        for candidate, catalogue_id in never_link:
            self.forbid(candidate, catalogue_id)

    def key_for(self, title: str, provider: str) -> str:
        """Stable key of a candidate for storing maintainer decisions: provider|title."""
        return f"{self.resolver.resolve(provider)}|{normalise_title(title or '').key}"

    def forbid(self, candidate: str, catalogue_id: str) -> None:
        """Never link this candidate (a URL or a key_for() key) to this catalogue entry."""
        if candidate.startswith(("http://", "https://")):
            candidate = normalise_url(candidate)
        self.never_link.add((candidate, str(catalogue_id)))

    def best(self, title: str, provider: str, url: str | None = None, awards=None) -> dict | None:
        """The likeliest catalogue entry, or None when nothing reaches REVIEW_SCORE."""
        return self.match_many([{"title": title, "provider": provider, "url": url, "awards": awards}])[0]

    def candidates(self, title: str, provider: str, limit: int = 3, url: str | None = None, awards=None) -> list[dict]:
        """Up to `limit` entries above REVIEW_SCORE, best first, each with the reason for its decision."""
        found = self._scored({"title": title, "provider": provider, "url": url, "awards": awards})
        return [self._result(i, score, decision, reason) for i, score, decision, reason in found[:limit]]

    @cyclic_gc_paused()
    def match_many(self, rows: list[dict]) -> list[dict | None]:
        """best() for many rows, scoring each provider block with one cdist call."""
        scores, queries, same_url = self._score_rows(rows)
        results: list[dict | None] = [None] * len(rows)
        # Only the rows something scored against: most candidates of a batch have nothing close.
        for n, found in scores.items():
            top = self._top(queries[n], found, same_url[n])
            if top and top[2] != "new":
                results[n] = self._result(*top)
        return results

    def _scored(self, row: dict) -> list[tuple[int, float, str, str]]:
        return self._score_all([row])[0]

    @cyclic_gc_paused()
    def _score_all(self, rows: list[dict]) -> list[list[tuple[int, float, str, str]]]:
        """For each row, (catalogue index, score, decision, reason) above REVIEW_SCORE, best first."""
        scores, queries, same_url = self._score_rows(rows)
        return [self._ranked(queries[n], scores[n], same_url[n]) if n in scores else [] for n in range(len(rows))]

    def _score_rows(self, rows: list[dict]) -> tuple[dict[int, dict], dict[int, tuple], list[set[int]]]:
        """The title scores of the rows with any, their queries (_query), and the entries with each row's URL."""
        titles = list(map(normalise_title, [row.get("title") or "" for row in rows]))
        keys = list(map(self.resolver.keys, [row.get("provider") or "" for row in rows]))
        urls = [normalise_url(url) if (url := row.get("url")) else "" for row in rows]
        same_url = [set(self._by_url.get(url, ())) if url else _NO_INDICES for url in urls]
        scores = self._title_scores(titles, keys, same_url)
        # The rest of a query is only asked of the rows that scored: most of a batch's do not.
        queries = {n: self._query(rows[n], titles[n], keys[n], urls[n]) for n in scores}
        return scores, queries, same_url

    def _query(self, row: dict, title: Title, keys: frozenset[str], url: str) -> tuple:
        """(title text, awards, provider keys, url, names it may be forbidden as, level, pathway)."""
        # The names are only looked at when some link is forbidden (_ranked, _top).
        if self.never_link:
            forbidden_as = {url} if url else set()
            forbidden_as.add(self.key_for(row.get("title") or "", row.get("provider") or ""))
        else:
            forbidden_as = _NO_NAMES
        stated_awards = row.get("awards")
        awards = title.awards | canonical_awards(stated_awards) if stated_awards else title.awards
        return (title.subject, awards, keys, url, forbidden_as, title.level, title.pathway)

    def _title_scores(self, titles: list[Title], keys: list[frozenset[str]],
                      same_url: list[set[int]]) -> dict[int, dict[int, tuple[float, str]]]:
        """Per row with any, catalogue index -> (best score, the reading of the title that scored it)."""
        scores: dict[int, dict[int, tuple[float, str]]] = {}
        by_block: dict[frozenset, list[tuple[int, str]]] = defaultdict(list)
        for n, ((_, _, _, _, text, pathway), block_keys, urls) in enumerate(zip(titles, keys, same_url)):
            if urls:
                scores[n] = dict.fromkeys(urls, (100.0, text))
            if text and block_keys:
                readings = by_block[block_keys]
                readings.append((n, text))
                # A page about one pathway of a programme is also that pathway as a course:
                # "MRes Clinical Research (Pathway in Translational Medicine)" is the report's
                # "Translational Medicine MRes". Only the page's pathway: a catalogue pathway
                # against a plain page title stays apart (pairs.csv labels "MRes Human
                # Nutrition" against the report's Clinical Research pathway as not the same).
                if pathway:
                    readings.append((n, pathway))
        for block_keys, readings in by_block.items():
            indices, sorted_titles = self._block(block_keys)
            for start in range(0, len(readings) if indices else 0, QUERY_CHUNK):
                self._score_chunk(readings[start:start + QUERY_CHUNK], indices, sorted_titles, scores)
        return scores

    @staticmethod
    def _score_chunk(chunk: list[tuple[int, str]], indices: list[int], sorted_titles: list[str],
                     scores: dict[int, dict[int, tuple[float, str]]]) -> None:
        """Score one chunk of readings against a block, keeping each pair's best reading."""
        # processor=None: titles are already normalised, and rapidfuzz 3 would not
        # lower-case or strip them anyway.
        # A crawl matches one page at a time against one provider's block: starting a thread per core
        # for that cost 6 times the scoring (0.2 ms against 0.03 on a 300-title block). Threads only pay
        # for themselves on batches (rescore, match_csv, the benchmark); the scores are the same either way.
        workers = -1 if len(chunk) * len(sorted_titles) >= THREADED_PAIRS else 1
        matrix = process.cdist([sorted_words(text) for _, text in chunk], sorted_titles, scorer=SORTED_TITLE_SCORER,
                               processor=None, score_cutoff=REVIEW_SCORE, dtype=np.float32, workers=workers)
        hit_rows, hit_columns = np.nonzero(matrix)
        # Plain lists: indexing numpy arrays one element at a time costs more than the scoring.
        hits = zip(hit_rows.tolist(), hit_columns.tolist(), matrix[hit_rows, hit_columns].tolist())
        for row_number, column, score in hits:
            (n, text), index = chunk[row_number], indices[column]
            found = scores.get(n)
            if found is None:
                scores[n] = {index: (score, text)}
            elif score > found.get(index, _NO_SCORE)[0]:
                found[index] = (score, text)

    def _forbidden(self, forbidden_as, index: int) -> bool:
        """True if a maintainer said the query, under any of its names, is never this entry."""
        catalogue_id = str(self.rows[index].get("id", ""))
        return any((name, catalogue_id) in self.never_link for name in forbidden_as)

    def _ranked(self, query: tuple, found: dict[int, tuple[float, str]], urls: set[int]) -> list[tuple]:
        """The scored entries of one query with their decisions, best first."""
        if not found:  # most candidates of a crawl: nothing in the catalogue comes close
            return []
        text, awards, _, _, forbidden_as, level, _ = query
        ranked = []
        for index, (score, reading) in found.items():
            if self.never_link and self._forbidden(forbidden_as, index):
                continue
            if index in urls:  # the same page is the same course, whatever its title says now
                ranked.append((index, 100.0, "duplicate", "same URL"))
                continue
            relation = awards_relation(awards, self._awards[index])
            level_relation = levels_relation(level, self._levels[index])
            differ = words_differ(reading, self._titles[index])
            reason = (f"awards {relation}" + ("; levels conflict" if level_relation == "conflict" else "")
                      + ("; words differ" if differ else "") + ("; pathway as the course" if reading != text else ""))
            ranked.append((index, score, _decide(score, relation, differ, level_relation), reason))
        ranked.sort(key=lambda r: (DECISION_RANK[r[2]], r[1]), reverse=True)
        return ranked

    def _top(self, query: tuple, found: dict[int, tuple[float, str]], urls: set[int]) -> tuple | None:
        """_ranked(...)[0] without its reason: (index, score, decision), or None."""
        # The first of the best in found's order, as _ranked's stable sort has it. The reason is not
        # built, and words_differ is asked only where _decide reads it: no conflict, score high enough.
        _, awards, _, _, forbidden_as, level, _ = query
        top, top_key = None, None
        for index, (score, reading) in found.items():
            if self.never_link and self._forbidden(forbidden_as, index):
                continue
            if index in urls:
                score, decision = 100.0, "duplicate"
            else:
                relation = awards_relation(awards, self._awards[index])
                level_relation = levels_relation(level, self._levels[index])
                differ = (score >= DUPLICATE_SCORE and relation != "conflict" and level_relation != "conflict"
                          and words_differ(reading, self._titles[index]))
                decision = _decide(score, relation, differ, level_relation)
            key = (DECISION_RANK[decision], score)
            if top is None or key > top_key:
                top, top_key = (index, score, decision), key
        return top

    def _block(self, keys: frozenset) -> tuple[list[int], list[str]]:
        """The catalogue entries of these provider keys: their indices and word-sorted titles."""
        if keys not in self._blocks:
            indices = sorted({i for key in keys for i in self._by_key.get(key, ())})
            self._blocks[keys] = (indices, [sorted_words(self._titles[i]) for i in indices])
        return self._blocks[keys]

    def _result(self, index: int, score: float, decision: str, reason: str | None = None) -> dict:
        row = self.rows[index]
        result = {"catalogue_id": row.get("id"), "title": row.get("title"), "provider": row.get("provider"),
                  "score": round(score, 1), "decision": decision}
        if reason is not None:
            result["reason"] = reason
        return result


def group_within_crawl(items: list[dict], resolver: ProviderResolver | None = None) -> list[list[int]]:
    """Indices of items that are one course: same provider and normalised title, or same URL."""
    resolver = resolver or ProviderResolver({})
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen: dict[tuple, int] = {}
    for i, item in enumerate(items):
        title = normalise_title(item.get("title") or "").key
        keys = [("url", normalise_url(item.get("url")))]
        if title:
            keys.append(("course", resolver.resolve(item.get("provider") or ""), title))
        for key in keys:
            if key[1] and key in first_seen:
                parent[root(i)] = root(first_seen[key])
            else:
                first_seen.setdefault(key, i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        groups[root(i)].append(i)
    return sorted(groups.values())
