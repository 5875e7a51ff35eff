"""The uncertainty of an orbit solution: a covariance matrix over its elements.

JPL SBDB answers (``orbit.covariance``) give the full covariance of the fitted parameters at an
epoch, over the labels ``e, q, tp, node, peri, i`` (au, JD TDB, deg) followed by the estimated
non-gravitational parameters (``A1, A2, A3`` in au/d^2, ``DT`` in days). SBDB query CSVs and
the embedded table carry 1-sigma values only: :meth:`OrbitCovariance.from_sigmas` builds a
*diagonal* covariance from them, which ignores the (large) correlations between the elements
and says so (``diagonal_only``): its numbers are not JPL's.

The nominal values of the parameters are kept with the matrix (``nominal``): the time of
perihelion of a covariance is a particular perihelion (SBDB's ``tp``, which may be after the
epoch), and the mapping to a state depends on which one.

>>> from orbitviz import data
>>> from orbitviz.smallbodies import read_sbdb_file
>>> cov = read_sbdb_file(data.fetch("sbdb_api_apophis.dat")).elements.covariance
>>> cov.labels, cov.diagonal_only
(('e', 'q', 'tp', 'node', 'peri', 'i', 'A2'), False)
>>> f"{cov.sigma('A2'):.3e} au/d^2"
'2.201e-14 au/d^2'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from orbitviz.errors import CovarianceError
from orbitviz.smallbodies.elements import conics_from_arrays, mean_anomaly_from_tp_deg
from orbitviz.units import DAY_S, J2000_JD

if TYPE_CHECKING:  # the elements hold their covariance
    from orbitviz.smallbodies.elements import OrbitalElements

ORBIT_LABELS = ("e", "q", "tp", "node", "peri", "i")
"""SBDB's labels of the six orbital parameters (q in au, tp in JD TDB, angles in deg)."""
MEAN_ANOMALY_LABEL = "M"
"""Used instead of ``tp`` by covariances built from sigmas that give the mean anomaly's (deg)."""
NONGRAV_LABELS = ("A1", "A2", "A3", "DT")
"""Estimated non-gravitational parameters SBDB may add (au/d^2; DT in days)."""

UNITS = {
    "e": "",
    "q": "au",
    "tp": "d (JD TDB)",
    "M": "deg",
    "node": "deg",
    "peri": "deg",
    "i": "deg",
    "A1": "au/d^2",
    "A2": "au/d^2",
    "A3": "au/d^2",
    "DT": "d",
}

# our OrbitalElements.sigmas keys -> covariance labels (tp_et in s, the label's tp in days)
_SIGMA_KEYS = {
    "e": "e",
    "q_au": "q",
    "tp_et": "tp",
    "M_deg": "M",
    "node_deg": "node",
    "peri_deg": "peri",
    "i_deg": "i",
}


def _where(source: str) -> str:
    return f" ({source})" if source else ""


@dataclass(frozen=True)
class OrbitCovariance:
    """Covariance ``matrix`` (k, k) of the parameters ``labels`` at ``epoch_et`` (TDB s).

    ``nominal`` holds the parameters' values (same order and units: e, q au, tp JD TDB, angles
    deg, A au/d^2, DT d). ``diagonal_only``: built from 1-sigma values alone (correlations
    unknown, taken as zero). Raises :class:`~orbitviz.errors.CovarianceError` for labels SBDB
    does not use, a missing orbital parameter, a matrix that is not square, symmetric, finite
    and positive definite, or no epoch.
    """

    labels: tuple[str, ...]
    matrix: np.ndarray = field(compare=False, repr=False)
    epoch_et: float
    nominal: tuple[float, ...] = field(compare=False)
    diagonal_only: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        where = _where(self.source)
        labels = tuple(str(x) for x in self.labels)
        object.__setattr__(self, "labels", labels)
        if self.epoch_et is None or not math.isfinite(float(self.epoch_et)):
            raise CovarianceError(
                f"orbit covariance{where} has no epoch: a covariance belongs to one epoch; "
                "give it (SBDB: orbit.covariance.epoch, JD TDB)",
                reason="no epoch",
                labels=labels,
            )
        object.__setattr__(self, "epoch_et", float(self.epoch_et))
        known = (*ORBIT_LABELS, MEAN_ANOMALY_LABEL, *NONGRAV_LABELS)
        unknown = [x for x in labels if x not in known]
        if unknown or len(set(labels)) != len(labels):
            what = f"unknown labels {unknown}" if unknown else "repeated labels"
            raise CovarianceError(
                f"orbit covariance{where}: {what} in {list(labels)}; orbitviz knows SBDB's "
                f"{', '.join(known)}",
                reason="labels",
                labels=labels,
            )
        timing = [x for x in ("tp", "M") if x in labels]
        missing = [x for x in ORBIT_LABELS if x != "tp" and x not in labels]
        if missing or len(timing) != 1:
            need = missing + ([] if len(timing) == 1 else ["tp (or M, not both)"])
            raise CovarianceError(
                f"orbit covariance{where} over {list(labels)} lacks {', '.join(need)}: the "
                "labels do not match the six orbital elements",
                reason="labels",
                labels=labels,
            )
        m = np.array(self.matrix, dtype=float)
        k = len(labels)
        if m.shape != (k, k):
            raise CovarianceError(
                f"orbit covariance{where}: a {m.shape} matrix for {k} labels {list(labels)}",
                reason="shape",
                labels=labels,
            )
        if not np.all(np.isfinite(m)):
            raise CovarianceError(
                f"orbit covariance{where} has NaN or infinite entries",
                reason="not finite",
                labels=labels,
            )
        scale = np.sqrt(np.abs(np.diag(m)))
        if np.any(np.diag(m) <= 0):
            bad = [labels[i] for i in np.flatnonzero(np.diag(m) <= 0)]
            raise CovarianceError(
                f"orbit covariance{where}: the variance of {', '.join(bad)} is not positive; "
                "the matrix is not positive definite",
                reason="not positive definite",
                labels=labels,
            )
        corr = m / np.outer(scale, scale)
        if np.max(np.abs(corr - corr.T)) > 1e-8:
            raise CovarianceError(
                f"orbit covariance{where} is not symmetric (largest asymmetry "
                f"{np.max(np.abs(corr - corr.T)):.2e} in correlation)",
                reason="not symmetric",
                labels=labels,
            )
        corr = 0.5 * (corr + corr.T)
        eig = np.linalg.eigvalsh(corr)
        if eig[0] <= 1e-14 * eig[-1]:
            raise CovarianceError(
                f"orbit covariance{where} is not positive definite (smallest eigenvalue of the "
                f"correlation matrix {eig[0]:.3g}): it cannot be the uncertainty of a fit; check "
                "the matrix (a sign or a transposed row)",
                reason="not positive definite",
                labels=labels,
            )
        nominal = tuple(float(v) for v in self.nominal)
        if len(nominal) != k or not all(math.isfinite(v) for v in nominal):
            raise CovarianceError(
                f"orbit covariance{where}: {len(nominal)} nominal values for {k} labels",
                reason="nominal",
                labels=labels,
            )
        sym = 0.5 * (m + m.T)
        sym.setflags(write=False)
        object.__setattr__(self, "matrix", sym)
        object.__setattr__(self, "nominal", nominal)

    # ---- construction -----------------------------------------------------------------------

    @classmethod
    def from_sbdb(
        cls,
        covariance: Mapping[str, Any],
        values: Mapping[str, float],
        epoch_et: float | None,
        source: str = "",
    ) -> OrbitCovariance:
        """From SBDB's ``orbit.covariance`` object (``epoch``, ``labels``, ``data``, and
        ``elements`` when its epoch is not the orbit's). ``values`` are the orbit's parameters
        by covariance label (used when the covariance carries no elements of its own);
        ``epoch_et`` the orbit's epoch."""
        where = _where(source)
        if not isinstance(covariance, Mapping):
            raise CovarianceError(f"orbit covariance{where} is not a JSON object", reason="format")
        labels = covariance.get("labels")
        data = covariance.get("data")
        if not labels or data is None:
            raise CovarianceError(
                f"orbit covariance{where} needs 'labels' and 'data'", reason="format"
            )
        if covariance.get("epoch") in (None, ""):
            raise CovarianceError(
                f"orbit covariance{where} has no epoch: a covariance belongs to one epoch "
                "(orbit.covariance.epoch, JD TDB)",
                reason="no epoch",
                labels=labels,
            )
        try:
            matrix = np.array(data, dtype=float)
            cov_epoch_et = (float(covariance["epoch"]) - J2000_JD) * DAY_S
        except (TypeError, ValueError):
            raise CovarianceError(
                f"orbit covariance{where}: 'data' or 'epoch' is not numbers", reason="format"
            ) from None
        own = covariance.get("elements")
        if isinstance(own, list) and own:
            values = {
                _label_of(name): item.get("value")
                for item in own
                if (name := item.get("label") or item.get("name")) is not None
            }
        elif epoch_et is None or abs(cov_epoch_et - float(epoch_et)) > 1.0:
            raise CovarianceError(
                f"orbit covariance{where} is at epoch JD {covariance['epoch']}, the elements at "
                "another epoch, and it carries no elements of its own: ask SBDB with "
                "cov=mat&full-prec=1 (elements at the covariance epoch come with it)",
                reason="epoch",
                labels=labels,
            )
        nominal = []
        for label in labels:
            value = values.get(label)
            if value is None:
                raise CovarianceError(
                    f"orbit covariance{where} has label {label!r} but the orbit has no value "
                    f"for it (values for {sorted(k for k, v in values.items() if v is not None)}):"
                    " the labels do not match the elements",
                    reason="labels",
                    labels=labels,
                )
            nominal.append(float(value))
        return cls(tuple(labels), matrix, cov_epoch_et, tuple(nominal), False, source)

    @classmethod
    def from_sigmas(cls, elements: OrbitalElements, source: str | None = None) -> OrbitCovariance:
        """A diagonal covariance from ``elements.sigmas`` (1-sigma values, e.g. the sigma columns
        of an SBDB query CSV): correlations unknown, taken as zero (``diagonal_only``). Needs
        sigmas of e, q, i, node, peri and of tp or M; estimated A1/A2/A3/DT sigmas join in."""
        sig = dict(elements.sigmas or {})
        source = source or f"1-sigma values of {elements.source} (diagonal only)"
        labels, values, var = [], [], []
        timing = "tp_et" if "tp_et" in sig else "M_deg"
        for key in ("e", "q_au", timing, "node_deg", "peri_deg", "i_deg"):
            if key not in sig or not sig[key] > 0:
                have = sorted(k for k in sig if sig[k])
                raise CovarianceError(
                    f"no uncertainty for {elements.designation}: {elements.source} gives no "
                    f"sigma of {key} (sigmas of {have or 'nothing'}); a CSV needs sigma_e, "
                    "sigma_q, sigma_tp (or sigma_ma), sigma_om, sigma_w, sigma_i columns",
                    reason="no sigmas",
                )
            label = _SIGMA_KEYS[key]
            labels.append(label)
            if key == "tp_et":
                values.append(elements.tp_et / DAY_S + J2000_JD)
                var.append((sig[key] / DAY_S) ** 2)
            else:
                values.append(getattr(elements, key))
                var.append(sig[key] ** 2)
        for label in NONGRAV_LABELS:
            if label in (elements.nongrav or {}) and sig.get(label, 0) > 0:
                labels.append(label)
                values.append(elements.nongrav[label])
                var.append(sig[label] ** 2)
        return cls(tuple(labels), np.diag(var), elements.epoch_et, tuple(values), True, source)

    # ---- use --------------------------------------------------------------------------------

    @property
    def nongrav_labels(self) -> tuple[str, ...]:
        return tuple(x for x in self.labels if x in NONGRAV_LABELS)

    def sigma(self, label: str) -> float:
        """1-sigma of ``label`` in its unit (:data:`UNITS`)."""
        return float(math.sqrt(self.matrix[self.labels.index(label), self.labels.index(label)]))

    @property
    def sigmas(self) -> np.ndarray:
        return np.sqrt(np.diag(self.matrix))

    def describe(self) -> str:
        kind = "diagonal only, correlations unknown" if self.diagonal_only else "full"
        return (
            f"{len(self.labels)}x{len(self.labels)} covariance ({kind}) of {', '.join(self.labels)}"
        )

    def sample(self, n: int, seed: int | None = 0) -> np.ndarray:
        """``n`` parameter vectors (n, k) drawn from the normal distribution N(nominal, matrix)
        (reproducible for a given ``seed``)."""
        if n < 1:
            raise CovarianceError(f"clone count must be >= 1, got {n}", reason="clones")
        rng = np.random.default_rng(seed)
        # scaled Cholesky: the entries span 30 orders of magnitude (e vs A2)
        scale = self.sigmas
        lower = np.linalg.cholesky(self.matrix / np.outer(scale, scale))
        z = rng.standard_normal((n, len(self.labels)))
        return np.asarray(self.nominal) + (z @ lower.T) * scale

    def conics(self, params: np.ndarray, gm_km3s2: float) -> np.ndarray:
        """Conic elements (n, 8) at :attr:`epoch_et` of parameter vectors (n, k)."""
        p = np.atleast_2d(np.asarray(params, dtype=float))
        col = {label: p[:, i] for i, label in enumerate(self.labels)}
        if "tp" in col:
            tp_et = (col["tp"] - J2000_JD) * DAY_S
            m_deg = mean_anomaly_from_tp_deg(col["q"], col["e"], tp_et, self.epoch_et, gm_km3s2)
        else:
            m_deg = col["M"]
        return conics_from_arrays(
            col["q"], col["e"], col["i"], col["node"], col["peri"], m_deg, self.epoch_et, gm_km3s2
        )

    def nongrav(self, params: np.ndarray, base: Mapping[str, float]) -> list[dict]:
        """The non-gravitational parameters of each parameter vector: ``base`` (the orbit's,
        with its g(r) law) with the estimated ones replaced."""
        p = np.atleast_2d(np.asarray(params, dtype=float))
        idx = [(label, self.labels.index(label)) for label in self.nongrav_labels]
        return [{**dict(base), **{label: float(row[i]) for label, i in idx}} for row in p]

    def check_elements(self, elements: OrbitalElements) -> None:
        """CovarianceError unless every estimated non-gravitational parameter of this
        covariance is one the ``elements`` carry. (That its nominal parameters give the
        elements' orbit is checked where the covariance is mapped to states, with the two-body
        conversion: :func:`orbitviz.dynamics.uncertainty.check_nominal`.)"""
        where = f"{elements.designation} ({elements.source})"
        for label in self.nongrav_labels:
            if label not in (elements.nongrav or {}):
                raise CovarianceError(
                    f"the covariance of {where} has {label} but the elements carry no {label} "
                    "(non-gravitational parameters: "
                    f"{sorted(elements.nongrav) or 'none'}): the labels do not match the elements",
                    reason="labels",
                    labels=self.labels,
                )


def _label_of(name: str) -> str:
    """SBDB element names (``om``, ``w``, ``ma``) as covariance labels (``node``, ``peri``)."""
    return {"om": "node", "w": "peri", "ma": "M"}.get(name, name)


def sbdb_values(elements_list: Sequence[Mapping[str, Any]], model_pars) -> dict:
    """The orbit's parameters by covariance label, from SBDB's ``orbit.elements`` and
    ``orbit.model_pars`` lists (strings as SBDB gives them)."""
    out = {}
    for item in elements_list or []:
        name = item.get("name")
        label = _label_of(name) if name is not None else None
        if label in ORBIT_LABELS and item.get("value") is not None:
            out[label] = float(item["value"])
    for par in model_pars or []:
        if par.get("name") in NONGRAV_LABELS and par.get("value") is not None:
            out[par["name"]] = float(par["value"])
    return out
