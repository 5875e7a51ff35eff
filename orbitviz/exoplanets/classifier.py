"""The vetting classifier: how likely a transit signal is a planet, learnt from the dispositions
of the Kepler KOI table (CONFIRMED = 1, FALSE POSITIVE = 0; CANDIDATEs, undecided, left out).

Features
--------
One function, :func:`feature_matrix`, turns the primitive quantities of a signal and its star
into the features; :func:`koi_features` feeds it KOI rows, :func:`candidate_features` feeds it
orbitviz's own :class:`~orbitviz.exoplanets.candidates.Candidate` and
:class:`~orbitviz.exoplanets.star.Star`, so both are computed by the same arithmetic:

=====================  =================================================================
``log_period_d``       log10 period (days)
``log_depth_ppm``      log10 fitted transit depth (ppm; ``koi_depth``)
``log_duration_ratio`` log10 of the total duration T14 over that of a central transit of a
                       small planet on a circular orbit around a star of this density
``impact``             impact parameter, clipped to 0..1.5 (KOI fits of eclipsing binaries
                       reach 100; a fit of ours stops near 1 + Rp/R*)
``log_snr_per_transit`` log10 of the SNR of one transit: depth / sigma(depth) of the fitted
                       model (``koi_model_snr``) over the square root of the number of
                       transits (see below)
``log_rp_earth``       log10 planet radius, Earth radii (``koi_prad``)
``log_insol_earth``    log10 insolation (Earth = 1) from the star's luminosity and Kepler's
                       third law (recomputed, not the table's ``koi_insol``)
``teff_k``             the star's effective temperature
``logg_cgs``           the star's surface gravity
``log_radius_rsun``    log10 of the star's radius
=====================  =================================================================

The SNR grows with the data: Kepler-90 b has SNR 19 in the KOI table (17 quarters) and about
8 in three quarters. Trained on the raw SNR, the model took the three-quarter b for a false
positive (p 0.97 -> 0.28): in the KOI table a shallow signal with a low SNR for its depth is
usually noise. Per transit, the SNR depends on the star and the planet only (white noise);
with it the cross-validated AUC is the same (0.980 against 0.981) and Kepler-90's scores do not
move with the amount of data. A KOI's number of transits is not in the table: it is estimated
as ``max(1, 0.9 * 1459.5 d / period)`` (Q1-Q17 span, BKJD 131.5-1591.0, at a duty cycle of
about 90 %); a candidate of ours counts its transits with data (``n_transits``).

Never the robovetter's false-positive flags (``koi_fpflag_*``), ``koi_score`` or
``koi_pdisposition``: they are the answer. KOI rows missing any of these inputs (258 of the
7,140 dispositioned ones, all but one FALSE POSITIVE) are left out of training: kept, they
would teach "missing means false positive", and orbitviz's candidates never miss them.

Model
-----
Gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``: 100 trees of at
most 15 leaves, learning rate 0.1, deterministic) calibrated by Platt scaling
(``CalibratedClassifierCV(method="sigmoid")``) on 5 folds **split by star** (``GroupKFold``
on ``kepid``: no star's KOIs on both sides), the five calibrated fold models averaged.
:attr:`VettingModel.metrics` holds an honest estimate: an outer 5-fold split by star, each
outer fold predicted by a model trained and calibrated (by its own inner split by star)
without that fold's stars; per-fold ROC AUC and log-loss, their mean and spread. Training
(all 30 tree ensembles) runs on one thread: the same numbers every run, and no fight with
other processes for the cores (on a busy machine, two OpenMP threads took ten times longer).
Measured (``python benchmarks/vetting.py``): AUC 0.980 +- 0.001, log-loss 0.170 +- 0.005 over
the five folds, in 4.5 s; the trees alone are nearly as well calibrated (log-loss 0.173), a
Gaussian-process classifier as in Armstrong et al. (2021) does worse (0.972, 0.210) in 37 s
on 1,000 KOIs per fold (it grows as n^3).

``p_planet`` means: the calibrated probability that a signal with these fitted parameters,
on this star, is a confirmed planet rather than a false positive, *among signals like the
KOIs* (signals that passed Kepler's pipeline and the KOI step; a third of the dispositioned KOIs
are confirmed, and that is the prior the probability carries). It sees no pixel data
(centroid shifts, ghosts), so it is not a statistical validation (Morton et al. 2016); how
:mod:`orbitviz.exoplanets.vetting` combines it with the light-curve diagnostics is described
there.

Cache
-----
The trained model is kept in ``cache_dir()/vetting/`` under a name made of the KOI table's
sha256, :data:`FEATURES_VERSION`, :data:`MODEL_VERSION` and scikit-learn's version, written
with ``skops.io`` (not pickle or joblib, whose loading runs whatever code the file names: a
file planted in a user's cache would run as that user). Before loading, the types the file
would create are listed (``skops.io.get_untrusted_types``) and compared with
:data:`TRUSTED_TYPES`, an explicit list of the four scikit-learn classes this model holds;
a file naming anything else is not loaded, but retrained over with a warning. A missing or
damaged file is retrained over silently (about 5 s).

>>> vetting_model = model()
>>> vetting_model.metrics["auc"] > 0.95, vetting_model.metrics["stars_in_two_folds"]
(True, 0)
"""

from __future__ import annotations

import contextlib
import functools
import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import data
from .._files import atomic_path, sha256_file
from ..errors import TransitError
from .catalogs import KOI_TABLE, koi_table
from .search import central_duration_d
from .star import GM_SUN_KM3_S2, LOGG_SUN_CGS, TEFF_SUN_K

FEATURES = (
    "log_period_d",
    "log_depth_ppm",
    "log_duration_ratio",
    "impact",
    "log_snr_per_transit",
    "log_rp_earth",
    "log_insol_earth",
    "teff_k",
    "logg_cgs",
    "log_radius_rsun",
)
"""The classifier's features, in column order."""

FEATURES_VERSION = 1
"""Bumped whenever :func:`feature_matrix` changes what a feature means (part of the cache key)."""

MODEL_VERSION = "hgb100x15-sigmoid-gkf5"
"""The estimator and its settings (part of the cache key)."""

SEED = 0
N_SPLITS = 5
POSITIVE, NEGATIVE = "CONFIRMED", "FALSE POSITIVE"

KOI_INPUTS = {  # feature_matrix's argument -> the KOI table's column
    "period_d": "koi_period",
    "depth_ppm": "koi_depth",
    "duration_h": "koi_duration",
    "impact": "koi_impact",
    "snr": "koi_model_snr",
    "rp_earth": "koi_prad",
    "teff_k": "koi_steff",
    "logg_cgs": "koi_slogg",
    "radius_rsun": "koi_srad",
}

TRUSTED_TYPES = (
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
)
"""The only types (beyond what skops trusts by default: numpy arrays, builtins, scikit-learn's
public estimators) a cached model file may create."""

AU_KM = 149_597_870.7
KEPLER_SPAN_D = 1459.5
"""Kepler's Q1-Q17 span (BKJD 131.5 to 1591.0), days."""
KEPLER_DUTY = 0.9
"""The fraction of that span with long-cadence data (about)."""
IMPACT_MAX = 1.5


def mass_from_logg(logg_cgs, radius_rsun) -> np.ndarray:
    """A star's mass (solar masses) from its surface gravity and radius, as
    :meth:`Star.resolve <orbitviz.exoplanets.star.Star.resolve>` derives it.

    >>> round(float(mass_from_logg(4.317, 1.2)), 3)        # Kepler-90
    1.091
    """
    logg = np.asarray(logg_cgs, dtype=np.float64)
    return 10.0 ** (logg - LOGG_SUN_CGS) * np.asarray(radius_rsun, dtype=np.float64) ** 2


def kepler_transits(period_d) -> np.ndarray:
    """The number of transits Kepler's four years hold at ``period_d`` (estimated: the KOI
    table does not say), at least 1.

    >>> kepler_transits([7.008, 331.6]).round(1)
    array([187.4,   4. ])
    """
    return np.maximum(1.0, KEPLER_DUTY * KEPLER_SPAN_D / np.asarray(period_d, dtype=np.float64))


def feature_matrix(
    *,
    period_d,
    depth_ppm,
    duration_h,
    impact,
    snr,
    n_transits,
    rp_earth,
    teff_k,
    logg_cgs,
    radius_rsun,
    mass_msun,
) -> np.ndarray:
    """The features (:data:`FEATURES`, columns) of N signals (arrays of N, or scalars).

    >>> x = feature_matrix(period_d=59.737, depth_ppm=566.4, duration_h=8.0006, impact=0.005,
    ...                    snr=43.5, n_transits=22, rp_earth=2.84, teff_k=5970.0,
    ...                    logg_cgs=4.317, radius_rsun=1.2, mass_msun=1.091)   # Kepler-90 d
    >>> dict(zip(FEATURES[:4], x[0, :4].round(3).tolist()))
    {'log_period_d': 1.776, 'log_depth_ppm': 2.753, 'log_duration_ratio': -0.015, 'impact': 0.005}
    """
    columns = np.broadcast_arrays(
        *(
            np.atleast_1d(np.asarray(v, dtype=np.float64))
            for v in (
                period_d,
                depth_ppm,
                duration_h,
                impact,
                snr,
                n_transits,
                rp_earth,
                teff_k,
                logg_cgs,
                radius_rsun,
                mass_msun,
            )
        )
    )
    period, depth, duration, b, snr, n_transits, rp, teff, logg, radius, mass = columns
    with np.errstate(divide="ignore", invalid="ignore"):
        density = mass / radius**3
        central_h = 24.0 * central_duration_d(period, density)
        seconds = period * 86400.0
        a_au = (GM_SUN_KM3_S2 * mass * seconds**2 / (4.0 * math.pi**2)) ** (1.0 / 3.0) / AU_KM
        luminosity = radius**2 * (teff / TEFF_SUN_K) ** 4
        x = np.column_stack(
            [
                np.log10(period),
                np.log10(np.maximum(depth, 1.0)),
                np.log10(duration / central_h),
                np.clip(b, 0.0, IMPACT_MAX),
                np.log10(np.maximum(snr, 1.0) / np.sqrt(np.maximum(n_transits, 1.0))),
                np.log10(np.maximum(rp, 0.01)),
                np.log10(luminosity / a_au**2),
                teff,
                logg,
                np.log10(radius),
            ]
        )
    return x


def koi_features(table: pd.DataFrame) -> np.ndarray:
    """The features of KOI rows (a KOI table or part of it); NaN where an input is missing.
    The star's mass comes from ``koi_slogg`` and ``koi_srad`` (:func:`mass_from_logg`)."""
    inputs = {name: table[column].to_numpy(dtype=np.float64) for name, column in KOI_INPUTS.items()}
    inputs["mass_msun"] = mass_from_logg(inputs["logg_cgs"], inputs["radius_rsun"])
    inputs["n_transits"] = kepler_transits(inputs["period_d"])
    return feature_matrix(**inputs)


def candidate_features(candidates, star) -> np.ndarray:
    """The features of orbitviz's candidates (one :class:`Candidate` or a sequence) around
    ``star`` (a :class:`Star`: its Teff, log g, radius and mass)."""
    candidates = _as_list(candidates)

    def column(name: str) -> np.ndarray:
        return np.array([getattr(c, name) for c in candidates], dtype=np.float64)

    return feature_matrix(
        period_d=column("period_d"),
        depth_ppm=column("depth_ppm"),
        duration_h=column("duration_h"),
        impact=column("impact"),
        snr=column("snr"),
        n_transits=column("n_transits"),
        rp_earth=column("rp_earth"),
        teff_k=star.teff_k,
        logg_cgs=star.logg_cgs,
        radius_rsun=star.radius_rsun,
        mass_msun=star.mass_msun,
    )


@dataclass(frozen=True)
class TrainingSet:
    """The dispositioned KOIs that have every input: features ``x`` (N, F), labels ``y``
    (1 = CONFIRMED), ``groups`` (their ``kepid``), ``names`` (``kepoi_name``), and
    ``n_dropped`` (dispositioned KOIs left out for a missing input)."""

    x: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    names: np.ndarray
    n_dropped: int
    eb_sign_planet_rate: float


def training_set(table: pd.DataFrame | None = None) -> TrainingSet:
    """CONFIRMED (1) and FALSE POSITIVE (0) KOIs of ``table`` (default: the KOI table) with
    their features; ``eb_sign_planet_rate`` is the fraction confirmed among those the
    robovetter flagged as stellar eclipses (``koi_fpflag_ss``): never a feature, only the
    cap :mod:`.vetting` puts on a signal that shows an eclipsing binary's signs."""
    table = koi_table() if table is None else table
    missing = [
        c
        for c in ("kepid", "kepoi_name", "koi_disposition", *KOI_INPUTS.values())
        if c not in table
    ]
    if missing:
        raise TransitError(
            f"the KOI table given lacks column(s) {', '.join(missing)}: train on the NASA "
            f"Exoplanet Archive's cumulative KOI table ({KOI_TABLE})"
        )
    decided = table[table["koi_disposition"].isin((POSITIVE, NEGATIVE))]
    x = koi_features(decided)
    keep = np.isfinite(x).all(axis=1)
    y = (decided["koi_disposition"] == POSITIVE).to_numpy()
    if keep.sum() < 10 * N_SPLITS or len(np.unique(y[keep])) < 2:
        raise TransitError(
            f"the KOI table given has {int(keep.sum())} usable CONFIRMED / FALSE POSITIVE rows: "
            "too few to train on; use the cumulative KOI table"
        )
    flagged = (
        decided["koi_fpflag_ss"].to_numpy() == 1
        if "koi_fpflag_ss" in decided
        else np.zeros(len(decided), dtype=bool)
    )
    rate = float(y[flagged].mean()) if flagged.any() else float("nan")
    return TrainingSet(
        x=x[keep],
        y=y[keep].astype(np.int64),
        groups=decided["kepid"].to_numpy()[keep],
        names=decided["kepoi_name"].to_numpy()[keep],
        n_dropped=int((~keep).sum()),
        eb_sign_planet_rate=rate,
    )


def splits(groups: np.ndarray, n_splits: int = N_SPLITS) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(train, test)`` index pairs of ``n_splits`` folds that never put one star (group) on
    both sides (``GroupKFold``: deterministic, folds of balanced size).

    >>> stars = np.array([7, 7, 8, 9, 9, 10])
    >>> [np.unique(stars[test]).tolist() for _, test in splits(stars, n_splits=2)]
    [[9, 10], [7, 8]]
    """
    from sklearn.model_selection import GroupKFold

    groups = np.asarray(groups)
    return list(GroupKFold(n_splits=n_splits).split(groups, groups=groups))


def estimator(groups: np.ndarray, *, seed: int = SEED, n_splits: int = N_SPLITS):
    """An unfitted calibrated model whose calibration folds split ``groups`` by star."""
    from sklearn.calibration import CalibratedClassifierCV

    return CalibratedClassifierCV(
        trees(seed), method="sigmoid", cv=splits(groups, n_splits), ensemble=True
    )


def trees(seed: int = SEED):
    """The uncalibrated gradient-boosted trees (also the benchmark's naive peer)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=100,
        learning_rate=0.1,
        max_leaf_nodes=15,
        early_stopping=False,
        random_state=seed,
    )


def cross_validate(
    fit: Callable[[np.ndarray, np.ndarray, np.ndarray], Any],
    x: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    n_splits: int = N_SPLITS,
) -> dict:
    """Out-of-fold scores of ``fit(x, y, groups) -> fitted model`` over folds split by star:
    ``auc``, ``log_loss`` (means over folds), ``auc_std``, ``log_loss_std`` (their spread),
    ``fold_auc``, ``fold_log_loss``, ``brier`` and ``calibration_error`` (the expected
    calibration error: over ten bins of predicted probability, the mean gap between the
    predictions and the fraction confirmed, weighted by the bins' sizes) of all out-of-fold
    predictions, ``oof`` (each KOI's out-of-fold probability) and ``stars_in_two_folds`` (0
    when the split is by star)."""
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    oof = np.full(len(y), np.nan)
    fold_auc, fold_loss, shared = [], [], 0
    for train, test in splits(groups, n_splits):
        shared += len(np.intersect1d(groups[train], groups[test]))
        fitted = fit(x[train], y[train], groups[train])
        p = np.clip(fitted.predict_proba(x[test])[:, 1], 1e-6, 1 - 1e-6)
        oof[test] = p
        fold_auc.append(float(roc_auc_score(y[test], p)))
        fold_loss.append(float(log_loss(y[test], p, labels=[0, 1])))
    bins = np.minimum((oof * 10).astype(int), 9)
    count = np.bincount(bins, minlength=10)
    gap = np.abs(np.bincount(bins, oof, 10) - np.bincount(bins, y.astype(float), 10))
    return {
        "auc": float(np.mean(fold_auc)),
        "auc_std": float(np.std(fold_auc)),
        "log_loss": float(np.mean(fold_loss)),
        "log_loss_std": float(np.std(fold_loss)),
        "brier": float(brier_score_loss(y, oof)),
        "calibration_error": float(gap.sum() / count.sum()),
        "fold_auc": fold_auc,
        "fold_log_loss": fold_loss,
        "stars_in_two_folds": int(shared),
        "oof": oof,
    }


@contextlib.contextmanager
def _one_thread():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


@dataclass(frozen=True)
class VettingModel:
    """A trained vetting classifier: the fitted ``estimator`` and its ``metrics`` (``auc``,
    ``auc_std``, ``log_loss``, ``log_loss_std``, ``brier``, per-fold lists, ``n_train``,
    ``n_stars``, ``n_positives``, ``n_dropped``, ``stars_in_two_folds``, ``train_s``,
    ``eb_sign_planet_rate``, ``features``, versions, ``table_sha256``, ``source``)."""

    estimator: Any  # a fitted scikit-learn classifier (no type information)
    metrics: dict

    def predict(self, x: np.ndarray) -> np.ndarray:
        """p_planet of each row of features ``x`` (N, F)."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        with _one_thread():
            return self.estimator.predict_proba(x)[:, 1]

    def p_planet(self, candidates, star) -> float | np.ndarray:
        """The classifier's probability for one candidate (a float) or many (an array)."""
        x = candidate_features(candidates, star)
        bad = ~np.isfinite(x).all(axis=1)
        if bad.any():
            which = [c.name for c, b in zip(_as_list(candidates), bad) if b]
            raise TransitError(
                f"candidate(s) {', '.join(which)}: period, depth, duration, impact, SNR and "
                f"radius must be finite and positive to vet (star {star.name or '?'}: Teff "
                f"{star.teff_k:g} K, log g {star.logg_cgs:g}, R {star.radius_rsun:g} R_sun)"
            )
        p = self.predict(x)
        return float(p[0]) if _is_single(candidates) else p


def train(table: pd.DataFrame | None = None, *, seed: int = SEED, n_splits: int = N_SPLITS):
    """Train the calibrated classifier on ``table`` (default: the KOI table) and measure it
    by cross-validation split by star; a :class:`VettingModel`. About 5 s, on one thread;
    the same model and numbers every run."""
    start = time.perf_counter()
    data_set = training_set(table)
    x, y, groups = data_set.x, data_set.y, data_set.groups
    with _one_thread():
        scores = cross_validate(
            lambda xt, yt, gt: estimator(gt, seed=seed, n_splits=n_splits).fit(xt, yt),
            x,
            y,
            groups,
            n_splits,
        )
        final = estimator(groups, seed=seed, n_splits=n_splits).fit(x, y)
    final.cv = n_splits  # the fitted folds' indices (GroupKFold by kepid) are not worth keeping
    import sklearn

    metrics = {
        **{k: v for k, v in scores.items() if k != "oof"},
        "n_train": len(y),
        "n_stars": len(np.unique(groups)),
        "n_positives": int(y.sum()),
        "n_dropped": data_set.n_dropped,
        "n_splits": n_splits,
        "seed": seed,
        "eb_sign_planet_rate": data_set.eb_sign_planet_rate,
        "features": list(FEATURES),
        "features_version": FEATURES_VERSION,
        "model_version": MODEL_VERSION,
        "sklearn_version": sklearn.__version__,
        "train_s": time.perf_counter() - start,
        "source": "trained",
    }
    return VettingModel(final, metrics)


# -- the cache ---------------------------------------------------------------------------------
def _table_sha256() -> str:
    return sha256_file(data.fetch(KOI_TABLE), memo_dir=data.cache_dir() / "vetting" / "sha256")


def cache_path(table_sha256: str | None = None) -> Path:
    """Where the model trained on the KOI table (sha256 ``table_sha256``) is cached."""
    import sklearn

    sha = table_sha256 or _table_sha256()
    name = f"koi-{sha[:16]}-f{FEATURES_VERSION}-{MODEL_VERSION}-sklearn{sklearn.__version__}"
    return data.cache_dir() / "vetting" / f"{name}.skops"


def _load(path: Path, sha: str) -> VettingModel | None:
    """The cached model at ``path``, or None when missing, damaged, not ours, or naming a
    type outside :data:`TRUSTED_TYPES` (then with a warning: someone may have planted it)."""
    import skops.io

    if not path.is_file():
        return None
    try:
        untrusted = set(skops.io.get_untrusted_types(file=path))
    except Exception:  # noqa: BLE001 - a damaged cache file is retrained over
        return None
    unexpected = sorted(untrusted - set(TRUSTED_TYPES))
    if unexpected:
        warnings.warn(
            f"vetting model cache {path} names types outside orbitviz's trusted list "
            f"({', '.join(unexpected[:5])}): not loaded, retrained and overwritten. If you did "
            "not put it there, someone else may have: check who can write to that folder",
            stacklevel=3,
        )
        return None
    try:
        stored = skops.io.load(path, trusted=sorted(untrusted))
    except Exception:  # noqa: BLE001 - a damaged cache file is retrained over
        return None
    from sklearn.calibration import CalibratedClassifierCV

    if not (
        isinstance(stored, dict)
        and isinstance(stored.get("estimator"), CalibratedClassifierCV)
        and isinstance(stored.get("metrics"), dict)
        and stored["metrics"].get("table_sha256") == sha
    ):
        return None
    return VettingModel(stored["estimator"], {**stored["metrics"], "source": f"cache {path}"})


def _save(path: Path, trained: VettingModel) -> None:
    import skops.io

    with contextlib.suppress(OSError):  # a read-only or full cache only costs a retraining
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            skops.io.dump({"estimator": trained.estimator, "metrics": trained.metrics}, tmp)


@functools.cache
def _model_for(path: Path, sha: str) -> VettingModel:
    found = _load(path, sha)
    if found is not None:
        return found
    trained = train()
    trained.metrics["table_sha256"] = sha
    _save(path, trained)
    return trained


def model(*, retrain: bool = False) -> VettingModel:
    """The classifier trained on the KOI table: from memory, else from the cache, else trained
    (and cached). ``retrain=True`` trains afresh and overwrites the cache."""
    sha = _table_sha256()
    path = cache_path(sha)
    if retrain:
        _model_for.cache_clear()
        with contextlib.suppress(OSError):
            path.unlink()
    return _model_for(path, sha)


def p_planet(candidates, star) -> float | np.ndarray:
    """The classifier's calibrated probability that each candidate (one :class:`Candidate`:
    a float; a sequence: an array) around ``star`` is a planet. The light-curve diagnostics
    are not in it: :func:`orbitviz.exoplanets.vetting.vet` combines both."""
    return model().p_planet(candidates, star)


def metrics() -> dict:
    """The cross-validated metrics of :func:`model` (AUC, log-loss, their spread, sizes)."""
    return dict(model().metrics)


def _is_single(candidates) -> bool:
    return not isinstance(candidates, Sequence | np.ndarray)


def _as_list(candidates) -> list:
    return [candidates] if _is_single(candidates) else list(candidates)
