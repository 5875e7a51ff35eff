"""Messages a user can act on: which file, what is wrong with it, what to do; times in the
user's UTC words; no internal function names; a NaN is a NaN, not a missing field."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spiceypy.utils.exceptions import SpiceyError

from orbitviz import data
from orbitviz.cli import main
from orbitviz.dynamics.kepler import state_to_elements
from orbitviz.errors import ElementsError, NotAKernel, OrbitvizError
from orbitviz.shapes import load_mesh
from orbitviz.smallbodies import sbdb
from orbitviz.spice import KernelSet
from orbitviz.spice.errors import translate

DSK = "mu69_fr2kf_lopoly_spice_v01.bds"
GM_SUN = 1.32712440041e11


def one_line_error(capsys, argv) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2 and out == "", (code, out)
    assert err.startswith("orbitviz: error: ") and err.count("\n") == 1, err
    return err


# -- truncated DSKs ---------------------------------------------------------------------------
@settings(max_examples=20, deadline=None)
@given(records=st.integers(1, 83))  # the file is 84 records of 1024 bytes
def test_a_dsk_cut_at_any_record_is_refused_as_truncated(tmp_path_factory, records, mirror):
    whole = data.fetch(DSK).read_bytes()
    assert len(whole) == 84 * 1024
    cut = tmp_path_factory.mktemp("dsk") / "cut.bds"
    cut.write_bytes(whole[: records * 1024])  # whole records: the size alone looks fine
    for load in (lambda: KernelSet(cut).load(), lambda: load_mesh(cut, use_cache=False)):
        with pytest.raises(NotAKernel) as err:
            load()
        text = str(err.value)
        assert str(cut) in text and "truncated DSK file" in text and "fetch it again" in text
        assert "SPICE(" not in text and "IOSTAT" not in text  # CSPICE's raw words are gone


def test_cli_shape_info_on_a_truncated_dsk(tmp_path, capsys, mirror):
    cut = tmp_path / "arrokoth.bds"
    cut.write_bytes(data.fetch(DSK).read_bytes()[: 42 * 1024])
    err = one_line_error(capsys, ["shape", "info", str(cut)])
    assert str(cut) in err and "truncated" in err and "86016" in err and "fetch it again" in err


def test_a_damaged_file_error_from_cspice_says_what_to_do():
    exc = SpiceyError(
        short="SPICE(DASFILEREADFAILED)",
        long="Could not read non-native DAS integer record. File = x.bds IOSTAT = -1.",
    )
    err = translate(exc, "cannot read DSK x.bds")
    assert isinstance(err, NotAKernel)
    assert str(err).startswith("cannot read DSK x.bds: the file looks truncated or damaged")
    assert "fetch it again" in str(err)


# -- windows given in UTC are reported in UTC -------------------------------------------------------
def test_a_reversed_flyby_window_is_reported_in_utc(capsys, mirror):
    err = one_line_error(
        capsys, ["flyby", "2021 WP", "--start", "2021-12-02", "--stop", "2021-12-01"]
    )
    assert "2021-12-02 .. 2021-12-01" in err and "-1 days" in err
    assert "ET" not in err and not re.search(r"\d{7,}", err)  # no ET seconds for UTC input


def test_a_reversed_screening_window_is_reported_in_utc(capsys, mirror):
    err = one_line_error(
        capsys, ["screen", "--start", "2029-02-01", "--stop", "2029-01-01", "--no-progress"]
    )
    assert "2029-02-01 .. 2029-01-01" in err and "-31 days" in err
    assert "ET" not in err and not re.search(r"\d{7,}", err)


# -- no internal function names --------------------------------------------------------------------
STATE = st.lists(st.floats(-1e9, 1e9), min_size=6, max_size=6)


@given(state=STATE, index=st.integers(0, 5), bad=st.sampled_from([np.nan, np.inf, -np.inf]))
def test_a_non_finite_state_names_its_entry_not_a_function(state, index, bad):
    state[index] = bad
    with pytest.raises(ElementsError) as err:
        state_to_elements(np.array(state), GM_SUN, 0.0)
    text = str(err.value)
    assert "state_to_elements" not in text
    assert f"entry [{index}]" in text and "NaN or inf" in text


@pytest.mark.parametrize(
    "state, fact",
    [
        ([0, 0, 0, 1, 2, 3], "position is (0, 0, 0) km"),
        ([1e8, 0, 0, 10, 0, 0], "parallel"),
        ([1e8, 0, 0, 0, 30], "a state is 6 numbers"),
    ],
)
def test_degenerate_states_are_explained_without_function_names(state, fact):
    with pytest.raises(ElementsError) as err:
        state_to_elements(np.array(state, float), GM_SUN, 0.0)
    assert fact in str(err.value) and "state_to_elements" not in str(err.value)


# -- NaN is not "missing" ------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["e", "q", "i", "om", "w"])
@pytest.mark.parametrize("bad", ["NaN", "nan", "inf"])
def test_a_nan_element_in_an_sbdb_answer_is_called_not_finite(field, bad, mirror):
    answer = json.loads(data.fetch("sbdb_api_apophis.dat").read_text())
    for item in answer["orbit"]["elements"]:
        if item["name"] == field:
            item["value"] = bad
    with pytest.raises(ElementsError) as err:
        sbdb.elements_from_sbdb(answer, where="apophis.json")
    text = str(err.value)
    assert "missing" not in text
    assert f"orbit.elements {field} = {bad!r} is not a finite number" in text
    assert "apophis.json" in text


def test_every_error_here_is_an_orbitviz_error():
    assert issubclass(NotAKernel, OrbitvizError) and issubclass(ElementsError, OrbitvizError)
