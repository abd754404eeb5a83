#!/usr/bin/env python3
"""Fit the track classifier over tone-track measurements and write it into a model file.

By default the classifier is gradient-boosted regression trees (scikit-learn's GradientBoostingClassifier): a
tone is beep-like only in some combinations of purity, steadiness, level and context, which a weighted sum cannot
draw. `--linear` fits the older logistic regression instead. `--boost-from MODEL` keeps that model's trees as they
are and boosts more trees on the given tracks from its logit (its trees are the starting point, sklearn's `init`),
so that a smaller set of new material, such as codec-augmented calls, corrects a classifier fitted on a large set
that is no longer at hand, instead of replacing it; the new trees may read measurements the old ones do not.

Input: JSON Lines written by `amd-edge eval --manifest M --tracks FILE` on labelled calls of the training corpus
(never the dev corpus): one line per steady tone the detector judged, with its measurements and whether it is the
labelled beep. Output: the model JSON given by --model, with its `track_classifier` replaced.

The threshold keeps --recall of the training beep tracks, as cross-validation over calls scores them, or lets
through at most --fpr of the other tracks; the clear
threshold (report at first look, without waiting for what follows) is the logit above which at most --clear-fpr of
the non-beep tracks score.

The context cap (`context_cap` in the model file) limits how far the measurements of a tone's surroundings
(--context-features: how much the call said before it, what came just before it) may pull the logit of a clean tone
down (--clean-purity, --clean-spread, --clean-jitter): the tone is scored again with them set to their median over the
beep tracks, and the real context may lower that score by at most --context-cap. A tone that is not clean must score
--unclean-margin above the threshold to be reported at its first look. `--context-only` sets only the cap of the model's classifier, leaving its trees as they are (with
`--context-features ''` it removes the cap, so that tracks can be written by the model without one).

Needs scikit-learn and numpy (`pip install scikit-learn numpy`).
"""
import argparse
import json
import sys

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

# The measurements fitted by default; `amd-edge eval --tracks` writes these and the others in ALL_FEATURES.
FEATURES = ["log_frequency", "purity", "spread_permille", "glide", "level_wobble_db", "voiced_before",
            "log_gap_before", "mfcc_log_odds", "log_speech_windows", "log_voiced_windows", "level_over_speech_db"]
ALL_FEATURES = FEATURES + ["jitter_permille"]
# The measurements of a tone's surroundings rather than of the tone: what the context cap limits.
CONTEXT_FEATURES = ["voiced_before", "log_gap_before", "log_speech_windows", "log_voiced_windows"]


def load(paths, features):
    """Measurements, labels, and a group per call (tracks of one call never straddle a cross-validation split)."""
    rows, calls = [], []
    for index, path in enumerate(paths):
        with open(path) as f:
            for line in f:
                if line.strip():
                    rows.append(json.loads(line))
                    calls.append(f"{index}/{rows[-1]['id']}")
    if not rows:
        sys.exit("no tracks in " + ", ".join(paths))
    x = np.array([[r[k] for k in features] for r in rows], dtype=float)
    y = np.array([bool(r["beep"]) for r in rows])
    groups = np.unique(calls, return_inverse=True)[1]
    return x, y, groups


def fit_linear(x, y, c):
    """A logistic regression on standardised measurements; returns its model-file form and its training logits."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale <= 0] = 1.0
    z = (x - mean) / scale
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(z, y)
    form = {
        "mean": [round(v, 6) for v in mean],
        "scale": [round(v, 6) for v in scale],
        "coefficients": [round(v, 6) for v in clf.coef_[0]],
        "intercept": round(float(clf.intercept_[0]), 6),
        "_importance": clf.coef_[0],
    }
    return form, lambda rows: clf.decision_function((rows - mean) / scale)


def trees_form(classifiers, x):
    """The flat node arrays of fitted binary GradientBoostingClassifiers, leaves scaled by their learning rate and
    divided by their number, and the intercept that makes the sum over all trees equal their mean decision_function."""
    feature, threshold, left, right, value, roots = [], [], [], [], [], []
    intercept = 0.0
    share = 1.0 / len(classifiers)
    for clf in classifiers:
        for estimator in clf.estimators_[:, 0]:
            tree = estimator.tree_
            offset = len(feature)
            roots.append(offset)
            for node in range(tree.node_count):
                leaf = tree.children_left[node] < 0
                feature.append(-1 if leaf else int(tree.feature[node]))
                threshold.append(0.0 if leaf else float(tree.threshold[node]))
                left.append(-1 if leaf else offset + int(tree.children_left[node]))
                right.append(-1 if leaf else offset + int(tree.children_right[node]))
                value.append(float(share * clf.learning_rate * tree.value[node][0][0]) if leaf else 0.0)
        sums = sum(clf.learning_rate * e.predict(x[:1]) for e in clf.estimators_[:, 0])
        intercept += share * float(clf.decision_function(x[:1])[0] - sums[0])
    nodes = {"feature": feature, "threshold": threshold, "left": left, "right": right, "value": value,
             "roots": roots}
    return nodes, intercept


class BaseLogit:
    """The logit of a model file's tree classifier, as the starting point (`init`) of further boosting: its
    probability of a beep for rows whose columns are `features`. Fitting it changes nothing."""

    def __init__(self, classifier=None, features=()):
        self.classifier = classifier
        self.features = features

    def get_params(self, deep=True):
        return {"classifier": self.classifier, "features": self.features}

    def fit(self, x, y, sample_weight=None):
        return self

    def logit(self, x):
        c = self.classifier
        columns = [list(self.features).index(name) for name in c["features"]]
        t = c["trees"]
        feature, threshold = np.array(t["feature"]), np.array(t["threshold"])
        left, right, value = np.array(t["left"]), np.array(t["right"]), np.array(t["value"])
        total = np.full(len(x), float(c["intercept"]))
        rows = np.arange(len(x))
        sub = x[:, columns]
        for root in t["roots"]:
            node = np.full(len(x), root)
            while (inner := feature[node] >= 0).any():
                f = np.where(inner, feature[node], 0)
                go_left = sub[rows, f] <= threshold[node]
                node = np.where(inner, np.where(go_left, left[node], right[node]), node)
            total += value[node]
        return total

    def predict_proba(self, x):
        p = 1 / (1 + np.exp(-self.logit(x)))
        return np.column_stack([1 - p, p])


def after_base(base, nodes):
    """The node arrays of `base`'s trees (feature indices mapped to the new feature order) followed by `nodes`, the
    trees boosted on top of them, and `base`'s intercept: the new trees start from its logit, so they add to it."""
    t = base.classifier["trees"]
    mapping = [list(base.features).index(name) for name in base.classifier["features"]]
    offset = len(t["feature"])
    merged = {
        "feature": [mapping[f] if f >= 0 else -1 for f in t["feature"]] + nodes["feature"],
        "threshold": list(t["threshold"]) + nodes["threshold"],
        "left": list(t["left"]) + [v + offset if v >= 0 else -1 for v in nodes["left"]],
        "right": list(t["right"]) + [v + offset if v >= 0 else -1 for v in nodes["right"]],
        "value": list(t["value"]) + nodes["value"],
        "roots": list(t["roots"]) + [r + offset for r in nodes["roots"]],
    }
    return merged, float(base.classifier["intercept"])


def fit_trees(x, y, n, depth, rate, bags, seed, base=None):
    """Gradient-boosted trees, beep and other tracks weighted equally; `bags` ensembles fitted on different random
    subsamples are averaged, so the model does not hinge on one draw. Returns the model-file form and its decision
    function."""
    weight = np.where(y, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    classifiers = [GradientBoostingClassifier(n_estimators=n, max_depth=depth, learning_rate=rate, subsample=0.8,
                                              random_state=seed + bag, init=base).fit(x, y, sample_weight=weight)
                   for bag in range(bags)]
    nodes, intercept = trees_form(classifiers, x)
    if base is not None:
        nodes, intercept = after_base(base, nodes)
    importance = np.mean([clf.feature_importances_ for clf in classifiers], axis=0)
    form = {"trees": nodes, "intercept": intercept, "_importance": importance}
    return form, lambda rows: np.mean([clf.decision_function(rows) for clf in classifiers], axis=0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tracks", nargs="*", help="track JSON Lines from `amd-edge eval --tracks`")
    ap.add_argument("--model", required=True, help="model JSON to update in place")
    ap.add_argument("--linear", action="store_true", help="fit a logistic regression instead of trees")
    ap.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength (--linear)")
    ap.add_argument("--trees", type=int, default=300, help="number of boosted trees")
    ap.add_argument("--depth", type=int, default=3, help="depth of each tree")
    ap.add_argument("--learning-rate", type=float, default=0.1, help="boosting learning rate")
    ap.add_argument("--bags", type=int, default=5, help="tree ensembles, on different random subsamples, to average")
    ap.add_argument("--seed", type=int, default=0, help="random state of the first ensemble (the next count up)")
    ap.add_argument("--boost-from", help="model JSON whose tree classifier the new trees start from and add to: its "
                    "trees are kept as they are, and --trees more are boosted on these tracks from its logit")
    ap.add_argument("--features", default=",".join(FEATURES),
                    help=f"comma-separated measurements to use, of: {', '.join(ALL_FEATURES)}")
    ap.add_argument("--folds", type=int, default=5, help="cross-validation folds that set the thresholds")
    ap.add_argument("--recall", type=float, default=0.985, help="share of training beep tracks to keep")
    ap.add_argument("--fpr", type=float, help="share of non-beep tracks allowed above the threshold (instead of "
                    "--recall): the threshold holds false alarms and keeps what recall that leaves")
    ap.add_argument("--oof", help="also write each track's cross-validated logit and label here (JSON Lines), to "
                    "see what other thresholds would trade")
    ap.add_argument("--context-features", default=",".join(CONTEXT_FEATURES),
                    help="comma-separated context measurements whose veto is capped (empty: no cap)")
    ap.add_argument("--context-cap", type=float, default=3.0,
                    help="most the context may lower a tone's logit below its own score, in logit units")
    ap.add_argument("--unclean-margin", type=float, default=2.0,
                    help="logit above the threshold a tone that is not clean needs to be reported at its first look")
    ap.add_argument("--clean-purity", type=float, default=0.9, help="least purity of a clean tone")
    ap.add_argument("--clean-spread", type=float, default=1.5,
                    help="largest frequency spread of a clean tone, in thousandths of its frequency")
    ap.add_argument("--clean-jitter", type=float, default=3.0,
                    help="largest frame-to-frame frequency jitter of a clean tone, in thousandths of its frequency")
    ap.add_argument("--context-only", action="store_true",
                    help="only set the context cap of the model's classifier (reference from these tracks)")
    ap.add_argument("--clear-fpr", type=float, default=0.01, help="share of non-beep tracks allowed above the clear threshold")
    a = ap.parse_args()

    features = a.features.split(",")
    context = [f for f in a.context_features.split(",") if f]
    if unknown := (set(features) | set(context)) - set(ALL_FEATURES):
        sys.exit(f"unknown features: {', '.join(sorted(unknown))}")
    if not a.tracks and not (a.context_only and not context):
        sys.exit("no track files given")
    if a.context_only:
        return set_context_cap(a, context)
    x, y, groups = load(a.tracks, features)
    base = None
    if a.boost_from:
        with open(a.boost_from) as f:
            start = json.load(f).get("track_classifier") or sys.exit(f"{a.boost_from} has no track classifier")
        if a.linear or not start.get("trees") or start.get("coefficients"):
            sys.exit("--boost-from needs trees on both sides: a model with trees and no linear part, without --linear")
        if missing := set(start["features"]) - set(features):
            sys.exit(f"--features lacks the measurements of --boost-from: {', '.join(sorted(missing))}")
        base = BaseLogit(start, features)

    def fit(rows, labels):
        if a.linear:
            return fit_linear(rows, labels, a.c)
        return fit_trees(rows, labels, a.trees, a.depth, a.learning_rate, a.bags, a.seed, base)

    # Thresholds come from logits of tracks the fitted model did not see (trees fit their training set perfectly),
    # each call's tracks held out together.
    logit = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=a.folds).split(x, y, groups):
        logit[test] = fit(x[train], y[train])[1](x[test])
    classifier, _ = fit(x, y)
    if a.oof:
        with open(a.oof, "w") as f:
            for value, label in zip(logit, y):
                f.write(json.dumps({"logit": round(float(value), 6), "beep": bool(label)}) + "\n")
    if a.fpr is not None:
        threshold = float(np.quantile(logit[~y], 1 - a.fpr))
    else:
        threshold = float(np.quantile(logit[y], 1 - a.recall))
    clear = float(max(threshold, np.quantile(logit[~y], 1 - a.clear_fpr)))
    kept = float((logit[y] >= threshold).mean())
    rejected = float((logit[~y] < threshold).mean())
    print(f"tracks: {y.sum()} beep, {(~y).sum()} other; threshold {threshold:.3f} keeps {kept:.3f} of beeps, "
          f"rejects {rejected:.3f} of others; clear threshold {clear:.3f}")
    for name, w in zip(features, classifier.pop("_importance")):
        print(f"  {name:20s} {w:+.3f}")

    with open(a.model) as f:
        model = json.load(f)
    classifier.update({"features": features, "threshold": round(threshold, 6), "clear_threshold": round(clear, 6)})
    if context:
        classifier["context_cap"] = context_cap(a, context)
    model["track_classifier"] = classifier
    write_model(a.model, model)


def context_cap(a, context):
    """The context cap's model-file form: the context measurements' medians over the beep tracks, and the cap."""
    x, y, _ = load(a.tracks, context)
    reference = np.median(x[y], axis=0)
    print("context reference: " + ", ".join(f"{n} {v:.3f}" for n, v in zip(context, reference)))
    return {"features": context, "reference": [round(float(v), 6) for v in reference], "max_veto": a.context_cap,
            "unclean_margin": a.unclean_margin, "min_purity": a.clean_purity, "max_spread_permille": a.clean_spread,
            "max_jitter_permille": a.clean_jitter}


def set_context_cap(a, context):
    """Sets only the context cap of the model's classifier (none when `context` is empty)."""
    with open(a.model) as f:
        model = json.load(f)
    classifier = model.get("track_classifier") or sys.exit(f"{a.model} has no track classifier")
    classifier.pop("context_cap", None)
    if context:
        classifier["context_cap"] = context_cap(a, context)
    write_model(a.model, model)


def write_model(path, model):
    """Writes `model` as `amd-edge train` does, its trees' node arrays compactly, and records the command."""
    classifier = model["track_classifier"]
    command = " ".join(["tools/train_track_classifier.py"] + sys.argv[1:])
    training = model.setdefault("training", {})
    key = "track_classifier_context" if "--context-only" in sys.argv else "track_classifier"
    training[key] = command
    nodes = classifier.get("trees")
    if nodes is not None:
        classifier["trees"] = "@trees@"  # written compactly below, or the file grows by a line per node
    text = json.dumps(model, indent=2, sort_keys=True, separators=(",", " : "))  # as `amd-edge train` writes it
    if nodes is not None:
        text = text.replace('"@trees@"', json.dumps(nodes, sort_keys=True, separators=(",", ":")))
    with open(path, "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
