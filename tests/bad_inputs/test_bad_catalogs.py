"""Catalog files that are blank, malformed, mis-named or unreadable (issue #13, items 1 and 2)."""

from __future__ import annotations

import json
import warnings

import pytest
from conftest import one_error_line
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbitviz.cli import main
from orbitviz.errors import CatalogError
from orbitviz.smallbodies import resolve_target
from orbitviz.smallbodies.catalog import read_catalog

HEADER = "pdes,full_name,epoch,q,e,i,om,w,ma,H\n"
ROW = "{d},{d} X,2454733.5,0.7460724295867941,0.1911953048308701,3.331369520013644,"
ROW += "204.4460289189818,126.401879524849,180.429373045644,19.1\n"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    numbers=st.lists(
        st.integers(1, 10**7).map(str) | st.integers(1, 999).map("{:07d}".format),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    blank=st.integers(0, 6),
)
def test_numeric_designations_stay_text_and_blank_rows_are_dropped(tmp_path, numbers, blank):
    """Designations are text exactly as written: 99942 never 99942.0, 0000433 kept."""
    rows = [ROW.format(d=n) for n in numbers]
    rows.insert(min(blank, len(rows)), ROW.format(d=""))
    path = write(tmp_path, "cat.csv", HEADER + "".join(rows))
    with pytest.warns(UserWarning, match="empty designation"):
        table = read_catalog(path)
    assert table.table["designation"].tolist() == [str(n) for n in numbers]
    assert "nan" not in table.table["key"].tolist()
    line = min(blank, len(numbers)) + 2
    assert table.bad_rows["reason"].tolist() == [f"empty designation (file line {line})"]
    assert table.find(str(numbers[0])) == 0


def test_flyby_with_a_blank_designation_in_the_catalog_runs(capsys, tmp_path, mirror):
    path = write(tmp_path, "my.csv", HEADER + ROW.format(d="99942") + ROW.format(d=""))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["flyby", "99942", "--catalog", str(path), "--format", "json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["elements_source"] == "catalog my.csv"


def test_explicit_catalog_wins_over_the_embedded_table(tmp_path, mirror):
    path = write(tmp_path, "my.csv", HEADER + ROW.format(d="99942"))
    elements, window = resolve_target("99942", catalog=path)
    assert elements.source == "catalog my.csv"
    assert window is not None  # the window still comes from the embedded table
    assert resolve_target("99942")[0].source.startswith("embedded table")


def test_target_missing_from_the_catalog_falls_back_with_a_warning(tmp_path, mirror):
    path = write(tmp_path, "my.csv", HEADER + ROW.format(d="1685"))
    with pytest.warns(UserWarning, match="not in catalog my.csv"):
        elements, _ = resolve_target("99942", catalog=path)
    assert elements.source.startswith("embedded table")


def test_online_is_asked_before_the_embedded_table(monkeypatch, mirror):
    import orbitviz.smallbodies.sbdb as sbdb

    asked = []

    def fake(name, **_):
        asked.append(name)
        raise CatalogError("offline in this test", reason="fake")

    monkeypatch.setattr(sbdb, "query_sbdb", fake)
    with pytest.raises(CatalogError):
        resolve_target("99942", online=True)
    assert asked == ["99942"]


CASES = {
    "malformed.csv": (HEADER + '"99942,0.7\n', "malformed CSV"),
    "extra-fields.csv": ("pdes,q\n1,2,3,4\n", "malformed CSV"),
    "empty.csv": ("", "the file is empty"),
    "header-only.csv": (HEADER, "no rows under the header"),
    "latin1.csv": (HEADER + ROW.format(d="M\u00e9duse"), "not UTF-8 text (byte 0xe9"),
    "a-csv.parquet": (HEADER + ROW.format(d="99942"), "not a Parquet file (it looks like text)"),
    "a-csv.db": (HEADER + ROW.format(d="99942"), "not a SQLite database"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_catalog_files_give_one_clear_error(capsys, tmp_path, name):
    text, fact = CASES[name]
    path = write(tmp_path, name, text, "latin-1" if name.startswith("latin1") else "utf-8")
    with pytest.raises(CatalogError) as info:
        read_catalog(path)
    assert fact in str(info.value) and info.value.path == path
    line = one_error_line(capsys, "flyby", "99942", "--catalog", str(path))
    assert fact in line and str(path) in line


def test_unreadable_catalogs(capsys, tmp_path):
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert "is a folder" in one_error_line(capsys, "flyby", "99942", "--catalog", str(folder))
    missing = tmp_path / "missing.csv"
    assert "does not exist" in one_error_line(capsys, "flyby", "99942", "--catalog", str(missing))
    locked = write(tmp_path, "locked.csv", HEADER + ROW.format(d="99942"))
    locked.chmod(0)
    try:
        locked.open("rb").close()
        pytest.skip("running as a user that reads any file (root)")
    except PermissionError:
        pass
    assert "cannot be read" in one_error_line(capsys, "flyby", "99942", "--catalog", str(locked))


def test_a_catalog_row_whose_a_and_q_disagree_is_skipped_with_the_numbers(tmp_path):
    from orbitviz.smallbodies import read_catalog

    path = tmp_path / "aq.csv"
    path.write_text(
        "designation,a_au,q_au,e,i_deg,node_deg,peri_deg,M_deg,epoch_mjd\n"
        "good,1.2,0.96,0.2,5,10,20,30,59600\n"
        "bad,1.2,0.70,0.2,5,10,20,30,59600\n"
    )
    names = ["designation", "a_au", "q_au", "e", "i_deg", "node_deg", "peri_deg", "M_deg"]
    columns = {**{n: n for n in names}, "epoch_mjd": "epoch_mjd"}
    with pytest.warns(UserWarning, match="skipped 1 of 2 rows"):
        table = read_catalog(path, columns=columns)
    assert table.table.designation.tolist() == ["good"]
    (reason,) = table.bad_rows.reason
    assert reason == "a = 1.2 au and e = 0.2 give q = a (1 - e) = 0.96 au, but q = 0.7 au is given"


OWN_NAMES = "designation,e,q_au,i_deg,node_deg,peri_deg,M_deg,epoch_jd\n"
APOPHIS_199 = "99942,0.1911953048308701,0.7460724295867941,3.331369520013644,204.4460289189818,"
APOPHIS_199 += "126.401879524849,{ma},2454733.5\n"


def test_a_catalog_in_our_own_column_names_reads(tmp_path):
    """The layout error lists our names: a file that uses them is read as it is."""
    path = write(tmp_path, "own.csv", OWN_NAMES + APOPHIS_199.format(ma="180.429373045644"))
    elements, _ = resolve_target("99942", catalog=path)
    assert elements.e == pytest.approx(0.1911953048308701)
    assert "own.csv" in elements.source


def test_a_skipped_row_of_the_users_catalog_is_the_error(capsys, tmp_path):
    """Apophis is in the embedded table too: its refused row in the user's catalog must not
    quietly give the embedded elements, nor "unknown small body"."""
    path = write(tmp_path, "bad.csv", OWN_NAMES + APOPHIS_199.format(ma="nan"))
    assert main(["flyby", "99942", "--catalog", str(path)]) == 2
    warning, error = capsys.readouterr().err.strip().splitlines()  # the skipped rows, the error
    assert warning.startswith("orbitviz: warning: catalog") and "skipped 1 of 1 rows" in warning
    assert error.startswith("orbitviz: error: '99942' is in catalog")
    assert "its row was skipped: missing or non-finite M_deg" in error


def test_a_binary_sbdb_file_is_one_line(capsys, tmp_path):
    path = tmp_path / "answer.json"
    path.write_bytes(b"\xff\xfe\x00binary")
    line = one_error_line(capsys, "flyby", "Apophis", "--sbdb-file", str(path))
    assert f"SBDB file {path} is not JSON text (byte 0xff at offset 0" in line
