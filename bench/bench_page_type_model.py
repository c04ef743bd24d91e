"""Would a learned page-type model beat the rules? Cross-validated on the development set and our fixtures.

Run from the repository root:  .venv/bin/python bench/bench_page_type_model.py

The page-type rules (crawler/facts/pagekind.py) record their evidence as named features
(``course:wording:content``, ``news:date line``, ...). This fits an L2-regularised logistic
regression on those features (Newton's method in numpy; balanced classes) with 5-fold
cross-validation grouped by page (a dev page's plain and noisy wrappings share a fold), and
prints course-page recall and non-course rejection next to the rules' own figures on the same
pages. The rules stay in use unless the model beats them here; the rules' figures are in-sample
(they were written looking at these pages), so a model must beat them clearly to be worth it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler import extract  # noqa: E402
from crawler.facts import pagekind, realpages  # noqa: E402
from crawler.facts.evaluation import load_labels  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "extract"
FOLDS = 5
L2_STRENGTHS = (1.0, 3.0, 10.0)
THRESHOLDS = (0.3, 0.4, 0.5, 0.6)


class _Recorder:
    """Keeps the signals the extractor hands to the page-type judge."""

    def __init__(self):
        self.signals = None
        self._judge = pagekind.judge_page

    def __call__(self, signals):
        self.signals = signals
        return self._judge(signals)


def samples() -> tuple[list[dict], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(features, is_course, group, typed course by the rules, from the dev set) for every page."""
    recorder = _Recorder()
    pagekind.judge_page = recorder
    features, labels, groups, by_rules, dev = [], [], [], [], []
    try:
        for page in realpages.load_dev_pages():
            for wrapping in realpages.WRAPPINGS:
                facts = extract.extract_course_facts(realpages.wrap_page(page, wrapping), page["url"])
                features.append(pagekind.evidence_features(recorder.signals))
                labels.append(bool(page["is_course"]))
                groups.append(page["index"])
                by_rules.append(facts["page_kind"] == "course")
                dev.append(True)
        group = 10_000
        for directory in (FIXTURES, FIXTURES / "holdout"):
            for name, expected in load_labels(directory).items():
                if "is_course" not in expected:
                    continue
                facts = extract.extract_course_facts((directory / name).read_bytes(), expected["url"], expected.get("encoding"))
                features.append(pagekind.evidence_features(recorder.signals))
                labels.append(bool(expected["is_course"]))
                groups.append(group)
                group += 1
                by_rules.append(facts["page_kind"] == "course")
                dev.append(False)
    finally:
        pagekind.judge_page = recorder._judge
    return features, np.array(labels), np.array(groups), np.array(by_rules), np.array(dev)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """Weights (bias last) of an L2-regularised logistic regression with balanced class weights."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    weights = np.zeros(xb.shape[1])
    class_weight = np.where(y, len(y) / (2 * y.sum()), len(y) / (2 * (~y).sum()))
    penalty = l2 * np.eye(xb.shape[1])
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    for _ in range(100):
        p = 1 / (1 + np.exp(-xb @ weights))
        gradient = xb.T @ (class_weight * (p - y)) + penalty @ weights
        hessian = (xb * (class_weight * p * (1 - p))[:, None]).T @ xb + penalty
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-9:
            break
    return weights


def probability(weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(np.hstack([x, np.ones((len(x), 1))]) @ weights)))


def rates(predicted: np.ndarray, labels: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
    """(course-page recall, non-course rejection) among the masked pages."""
    courses, others = labels & mask, ~labels & mask
    return predicted[courses].mean(), 1 - predicted[others].mean()


def main() -> int:
    path = realpages.dev_pages_path()
    if not path.exists():
        print(f"bench_page_type_model: {path}: no development pages there (set DEV_PAGES)", file=sys.stderr)
        return 2
    features, labels, groups, by_rules, dev = samples()
    names = sorted({name for f in features for name in f})
    x = np.array([[f.get(name, 0.0) for name in names] for f in features], float)
    everything = np.ones(len(labels), bool)
    print(f"{len(labels)} samples ({dev.sum()} dev-page wrappings, {(~dev).sum()} fixtures), {len(names)} evidence features")
    print(f"{'':<30}{'dev recall':>11}{'dev reject':>11}{'all recall':>11}{'all reject':>11}")
    print(f"{'rules (in-sample)':<30}" + "".join(f"{v:>11.3f}" for v in (*rates(by_rules, labels, dev), *rates(by_rules, labels, everything))))
    rng = np.random.RandomState(0)
    unique = np.unique(groups)
    fold_of = {g: n % FOLDS for n, g in enumerate(rng.permutation(unique))}
    fold = np.array([fold_of[g] for g in groups])
    for l2 in L2_STRENGTHS:
        predicted = np.zeros(len(labels))
        for k in range(FOLDS):
            weights = fit_logistic(x[fold != k], labels[fold != k], l2)
            predicted[fold == k] = probability(weights, x[fold == k])
        for threshold in THRESHOLDS:
            typed = predicted >= threshold
            label = f"model CV l2={l2:g} p>={threshold:g}"
            print(f"{label:<30}" + "".join(f"{v:>11.3f}" for v in (*rates(typed, labels, dev), *rates(typed, labels, everything))))
    weights = fit_logistic(x, labels, L2_STRENGTHS[1])
    print("\nheaviest weights of the model fitted on everything (l2=3):")
    for weight, name in sorted(zip(weights, [*names, "bias"]), key=lambda wn: -abs(wn[0]))[:15]:
        print(f"  {weight:+.2f} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
