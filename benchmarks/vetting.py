"""Vetting classifier: training time and cross-validated quality, against naive peers.

Ours: :func:`orbitviz.exoplanets.classifier.train` on the KOI table (6,882 CONFIRMED / FALSE
POSITIVE KOIs on 6,092 stars): gradient-boosted trees Platt-calibrated on folds split by star,
measured by an outer 5-fold split by star (30 tree ensembles in all), one thread. Peers, on
the same features, folds and thread, timed for the same job (cross-validation and the final
fit):

- ``uncalibrated trees``: the same trees without calibration (what calibration costs in time
  and buys in log-loss);
- ``GP classifier``: a Gaussian-process classifier (scikit-learn's, RBF kernel on standardised
  features), the model of Armstrong et al. (2021, MNRAS 504, 5327) for validating Kepler
  planets. Its cost grows as n^3, so each fold trains on a random 1,000 KOIs (``--quick``:
  500); on all 5,500 it would take hours here.

Each line's note gives both sides' cross-validated ROC AUC and log-loss with their spread
over the folds (mean +- standard deviation), and the expected calibration error. A third line
times loading the cached model (skops, types checked) against retraining it.

Targets: training and cross-validation in ``ours <= 30 s`` (4.5 s measured, one thread of a
shared 2-core machine at load ~2-4), the cache load in ``ours <= 2 s``. Measured here:

=========================  ==============  ==============  ===========  ======
model                      AUC             log-loss        calib. err.  time
=========================  ==============  ==============  ===========  ======
ours, calibrated trees     0.980 +- 0.001  0.170 +- 0.005  0.009        4.5 s
uncalibrated trees         0.979 +- 0.001  0.173 +- 0.005  0.006        0.7 s
GP classifier, 1,000/fold  0.972 +- 0.002  0.210 +- 0.008  0.028        37 s
=========================  ==============  ==============  ===========  ======

The trees alone are nearly calibrated already (a log-loss objective); Platt scaling over five
fold models gains a little log-loss for six times the (still short) training. The cached
model (4 MB) loads in 0.4 s.

    python benchmarks/vetting.py [--quick]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

import _bench
import numpy as np
from _bench import Result, Target, info, report

from orbitviz.exoplanets import classifier


def timed(function, repeat: int = 1):
    """(median seconds, last result) over ``repeat`` calls."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def quality(scores: dict) -> str:
    return (
        f"AUC {scores['auc']:.3f} +- {scores['auc_std']:.3f}, log-loss "
        f"{scores['log_loss']:.3f} +- {scores['log_loss_std']:.3f}, calibration error "
        f"{scores['calibration_error']:.3f}"
    )


def gp_fit(n_per_fold: int):
    """A GP classifier trained on ``n_per_fold`` random KOIs of each training set."""
    from sklearn.gaussian_process import GaussianProcessClassifier
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def fit(x, y, groups):
        rows = np.random.default_rng(classifier.SEED).choice(
            len(y), min(n_per_fold, len(y)), replace=False
        )
        kernel = ConstantKernel() * RBF(1.0)
        model = GaussianProcessClassifier(kernel, random_state=classifier.SEED)
        return make_pipeline(StandardScaler(), model).fit(x[rows], y[rows])

    return fit


def peer_job(fit, data_set) -> dict:
    """Cross-validation by star and the final fit, as train() does them, on one thread."""
    x, y, groups = data_set.x, data_set.y, data_set.groups
    with classifier._one_thread():
        scores = classifier.cross_validate(fit, x, y, groups)
        fit(x, y, groups)
    return scores


def main() -> int:
    args = _bench.parser(__doc__).parse_args()
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    data_set = classifier.training_set()
    info(
        f"vetting: {len(data_set.y):,} KOIs ({int(data_set.y.sum()):,} confirmed) on "
        f"{len(np.unique(data_set.groups)):,} stars, {classifier.N_SPLITS} folds split by star, "
        f"{data_set.n_dropped} left out for a missing input; one thread each"
    )
    results = []

    ours_s, trained = timed(classifier.train, repeat=1 if args.quick else 3)
    m = trained.metrics
    info(
        f"ours (calibrated trees): {quality(m)}, Brier {m['brier']:.4f}; train + CV {ours_s:.1f} s"
    )
    info("ours per fold: AUC " + ", ".join(f"{a:.4f}" for a in m["fold_auc"]))

    trees_s, trees = timed(lambda: peer_job(lambda x, y, g: classifier.trees().fit(x, y), data_set))
    info(f"peer uncalibrated trees: {quality(trees)}, Brier {trees['brier']:.4f}")
    results.append(
        report(
            Result(
                "vetting train + 5-fold CV by star, peer uncalibrated trees",
                ours_s,
                trees_s,
                Target(max_ours_s=30.0),
                note=f"ours {quality(m)}; peer {quality(trees)}",
            )
        )
    )

    n_gp = 500 if args.quick else 1000
    gp_s, gp = timed(lambda: peer_job(gp_fit(n_gp), data_set))
    info(f"peer GP classifier ({n_gp:,} KOIs per fold): {quality(gp)}, Brier {gp['brier']:.4f}")
    results.append(
        report(
            Result(
                f"vetting train + 5-fold CV by star, peer GP classifier ({n_gp:,} KOIs per fold)",
                ours_s,
                gp_s,
                note=f"ours {quality(m)}; peer {quality(gp)}",
            )
        )
    )

    with tempfile.TemporaryDirectory(prefix="orbitviz-vetting-bench-") as folder:
        os.environ["ORBITVIZ_CACHE_DIR"] = folder
        classifier._model_for.cache_clear()
        classifier.model()  # trains and writes the cache file
        classifier._model_for.cache_clear()
        load_s, loaded = timed(classifier.model)
        assert loaded.metrics["source"].startswith("cache"), loaded.metrics["source"]
        size_mb = classifier.cache_path().stat().st_size / 1e6
        classifier._model_for.cache_clear()
    results.append(
        report(
            Result(
                "vetting model from the cache (skops, types checked), peer retraining",
                load_s,
                ours_s,
                Target(max_ours_s=2.0),
                note=f"{size_mb:.1f} MB",
            )
        )
    )
    return _bench.exit_status(results)


if __name__ == "__main__":
    sys.exit(main())
