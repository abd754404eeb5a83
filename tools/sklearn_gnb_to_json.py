#!/usr/bin/env python3
"""Convert a pickled scikit-learn GaussianNB into an amd-edge model file (JSON).

    python3 tools/sklearn_gnb_to_json.py MODEL.pkl --features SPEC.json -o MODEL.json [--positive-class beep]

MODEL.pkl   a fitted sklearn.naive_bayes.GaussianNB saved with pickle or joblib.
SPEC.json   how the feature vector is built: either the `features` object itself or a file with a top-level
            "features" key (e.g. an existing model file). It is copied verbatim.

Writes the format of docs/ARCHITECTURE.md:
    {"format": "amd-edge-gaussian-nb", "version": 1, "features": {...},
     "classifier": {"classes", "class_prior", "theta", "var", "epsilon", "var_smoothing"},
     "positive_class": "beep", "training": {"command", "samples", "source", "sklearn_version"}}
Floats are written with Python's repr, so they round-trip exactly. Exits with status 2 and a message naming the
input on any error (unreadable pickle, not a fitted GaussianNB, width mismatch with the spec, unknown positive class).
"""
import argparse
import json
import math
import pathlib
import pickle
import sys


def fail(message):
    print(f"sklearn_gnb_to_json: {message}", file=sys.stderr)
    sys.exit(2)


def load_model(path):
    try:
        import joblib  # reads joblib dumps and plain pickles alike
        return joblib.load(path)
    except ImportError:
        pass
    except Exception as error:  # not a joblib file: try plain pickle below
        joblib_error = error
    else:
        joblib_error = None
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception as error:
        fail(f"{path}: cannot unpickle ({error}{'; joblib: ' + str(joblib_error) if joblib_error else ''})")


def expected_width(features):
    """Feature-vector width a spec implies (n_mfcc × number of statistics), or None when it does not say."""
    n_mfcc, statistics = features.get("n_mfcc"), features.get("statistics")
    if isinstance(n_mfcc, int) and isinstance(statistics, list):
        return n_mfcc * len(statistics)
    return None


def convert(model, features, positive_class, source, command):
    from sklearn.naive_bayes import GaussianNB
    if not isinstance(model, GaussianNB):
        fail(f"{source}: expected a sklearn.naive_bayes.GaussianNB, found {type(model).__module__}.{type(model).__name__}")
    if not hasattr(model, "theta_"):
        fail(f"{source}: the GaussianNB is not fitted")
    classes = [str(c) for c in model.classes_]
    if positive_class not in classes:
        fail(f"--positive-class {positive_class!r} is not one of the model's classes {classes}")
    theta = [[float(v) for v in row] for row in model.theta_]
    variance = [[float(v) for v in row] for row in model.var_]
    width = expected_width(features)
    if width is not None and len(theta[0]) != width:
        fail(f"{source}: the model has {len(theta[0])} features but the spec implies {width} "
             f"(n_mfcc {features['n_mfcc']} × {len(features['statistics'])} statistics)")
    for name, matrix in [("theta", theta), ("var", variance)]:
        for i, row in enumerate(matrix):
            for j, value in enumerate(row):
                if not math.isfinite(value) or (name == "var" and value <= 0):
                    fail(f"{source}: classifier.{name}[{i}][{j}] is {value}")
    import sklearn
    return {
        "format": "amd-edge-gaussian-nb",
        "version": 1,
        "features": features,
        "classifier": {
            "classes": classes,
            "class_prior": [float(p) for p in model.class_prior_],
            "theta": theta,
            "var": variance,
            "epsilon": float(model.epsilon_),
            "var_smoothing": float(model.var_smoothing),
        },
        "positive_class": positive_class,
        "training": {
            "command": command,
            "samples": {c: int(n) for c, n in zip(classes, model.class_count_)},
            "source": str(source),
            "sklearn_version": sklearn.__version__,
        },
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description="Convert a pickled sklearn GaussianNB to an amd-edge model JSON.")
    parser.add_argument("pickle", type=pathlib.Path, help="fitted GaussianNB (pickle or joblib)")
    parser.add_argument("--features", required=True, type=pathlib.Path, help="feature spec JSON")
    parser.add_argument("-o", "--output", required=True, type=pathlib.Path, help="model JSON to write")
    parser.add_argument("--positive-class", default="beep", help="the class that means a beep (default: beep)")
    args = parser.parse_args(argv)

    try:
        spec = json.loads(args.features.read_text())
    except (OSError, ValueError) as error:
        fail(f"{args.features}: cannot read the feature spec ({error})")
    features = spec.get("features", spec) if isinstance(spec, dict) else None
    if not isinstance(features, dict):
        fail(f"{args.features}: expected a JSON object (the features, or a model with a \"features\" key)")

    model = load_model(args.pickle)
    command = "sklearn_gnb_to_json.py " + " ".join(
        [args.pickle.name, "--features", args.features.name, "--positive-class", args.positive_class])
    document = convert(model, features, args.positive_class, args.pickle.name, command)
    args.output.write_text(json.dumps(document, indent=1) + "\n")


if __name__ == "__main__":
    main()
