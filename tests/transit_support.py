"""A transit analysis of Kepler-90 built by hand, for the scene's tests (no search): the real
light curve (three Kepler quarters in the data mirror), detrended with its known transits
masked, and the KOI table's seven planets as candidates (period, T0, impact, duration; Rp/R*
from the depth, a/R* from the star's density by Kepler's third law)."""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np

KEPLER90 = 11442793


def kepler90_files(mirror: Path) -> list[Path]:
    return sorted((Path(mirror) / "lightcurves" / "kepler").glob("kplr011442793-*_llc.fits"))


@functools.cache
def kepler90_result(mirror: str):
    from orbitviz.exoplanets.candidates import Candidate, TransitResult
    from orbitviz.exoplanets.catalogs import koi_planets, koi_star
    from orbitviz.exoplanets.detrend import flatten
    from orbitviz.exoplanets.lightcurve import BKJD_OFFSET
    from orbitviz.exoplanets.model import limb_darkening
    from orbitviz.exoplanets.readers import read_lightcurves
    from orbitviz.exoplanets.star import R_EARTH_KM, Star

    lc = read_lightcurves(kepler90_files(Path(mirror)))
    star = Star.resolve("Kepler-90", catalog=koi_star(KEPLER90))
    u = limb_darkening(star.teff_k, star.logg_cgs)
    candidates = []
    mask = np.zeros(len(lc), bool)
    for row in koi_planets(KEPLER90).itertuples():
        rp_rs = math.sqrt(row.koi_depth * 1e-6)
        a_rs = star.a_rs(row.koi_period)
        t0 = row.koi_time0bk + BKJD_OFFSET
        phase = (lc.time_bjd - t0 + 0.5 * row.koi_period) % row.koi_period - 0.5 * row.koi_period
        mask |= np.abs(phase) < row.koi_duration / 24.0
        candidates.append(
            Candidate(
                name=str(row.kepler_name),
                period_d=float(row.koi_period),
                period_err_d=float("nan"),
                t0_bjd=float(t0),
                t0_err_d=float("nan"),
                rp_rs=rp_rs,
                rp_rs_err=float("nan"),
                a_rs=a_rs,
                a_rs_err=float("nan"),
                impact=float(row.koi_impact),
                impact_err=float("nan"),
                depth_ppm=float(row.koi_depth),
                depth_err_ppm=float("nan"),
                duration_h=float(row.koi_duration),
                duration_err_h=float("nan"),
                inclination_deg=math.degrees(math.acos(min(1.0, row.koi_impact / a_rs))),
                inclination_err_deg=float("nan"),
                rp_earth=rp_rs * star.radius_km / R_EARTH_KM,
                rp_earth_err=float("nan"),
                a_au=a_rs * star.radius_km / 149_597_870.7,
                teq_k=float("nan"),
                insol_earth=float("nan"),
                snr=float("nan"),
                sde=float("nan"),
                fap=float("nan"),
                n_transits=0,
                epochs_bjd=(),
                single_event=False,
                u=u,
                exposure_d=lc.cadence_d,
            )
        )
    flat, trend = flatten(lc.time_bjd, lc.flux, window_d=2.0, mask=mask)
    return TransitResult(star, lc, flat, trend, candidates, search=None)
