"""Small bodies: orbital elements (with sigmas), JPL SBDB answers (files or live, cached),
offline catalogs (NEODyS snapshot, CSV/Parquet/SQLite) and an embedded table of famous close
approachers.

>>> from orbitviz.smallbodies import resolve_target
>>> elements, window = resolve_target("2021 WP")
>>> elements.to_conics().shape, window.start_utc
((8,), '2021-11-10T00:00:00')

No Qt, VisPy or SPICE here: times are TDB (JD/MJD <-> et by arithmetic).
"""

from orbitviz.smallbodies.catalog import (
    MPC_COMETS_COLUMNS,
    NEODYS_COLUMNS,
    SBDB_CSV_COLUMNS,
    read_catalog,
    read_neodys,
)
from orbitviz.smallbodies.covariance import OrbitCovariance
from orbitviz.smallbodies.elements import (
    AU_KM,
    GM_SUN_DE431_KM3S2,
    GM_SUN_DE440_KM3S2,
    J2000_JD,
    OrbitalElements,
    conics_from_arrays,
    et_to_jd_tdb,
    jd_tdb_to_et,
    mean_anomaly_from_tp_deg,
    mjd_tdb_to_et,
    round_to_sigma,
)
from orbitviz.smallbodies.famous import (
    FamousBody,
    SearchWindow,
    default_window,
    famous_bodies,
    resolve_target,
)
from orbitviz.smallbodies.names import normalize_designation, normalize_designations
from orbitviz.smallbodies.sbdb import (
    SbdbRecord,
    close_approaches_from_sbdb,
    elements_from_sbdb,
    parse_sbdb,
    query_sbdb,
    read_sbdb_file,
)
from orbitviz.smallbodies.table import ElementsTable, elements_table

__all__ = [
    "AU_KM",
    "GM_SUN_DE431_KM3S2",
    "GM_SUN_DE440_KM3S2",
    "J2000_JD",
    "MPC_COMETS_COLUMNS",
    "NEODYS_COLUMNS",
    "SBDB_CSV_COLUMNS",
    "ElementsTable",
    "FamousBody",
    "OrbitCovariance",
    "OrbitalElements",
    "SbdbRecord",
    "SearchWindow",
    "close_approaches_from_sbdb",
    "conics_from_arrays",
    "default_window",
    "elements_from_sbdb",
    "elements_table",
    "et_to_jd_tdb",
    "famous_bodies",
    "jd_tdb_to_et",
    "mean_anomaly_from_tp_deg",
    "mjd_tdb_to_et",
    "normalize_designation",
    "normalize_designations",
    "parse_sbdb",
    "query_sbdb",
    "read_catalog",
    "read_neodys",
    "read_sbdb_file",
    "resolve_target",
    "round_to_sigma",
]
