"""The built record sets (make records): shape, weights, wave merge, hash checks."""

import json
import shutil

import numpy as np
import pytest
from segmentation.audiences import lifestyle, records
from segmentation.platform.errors import DependencyUnavailable


def test_panel_is_one_row_per_person_with_normalised_weights():
    panel = records.load_builtin("panel")
    assert panel.n == 5215 == len(set(panel.ids)) and panel.values.shape[0] == 5215
    assert panel.weights.mean() == pytest.approx(1.0) and (panel.weights > 0).all()
    age = panel.matrix(["age"])[:, 0]
    assert np.isfinite(age).mean() > 0.99 and 18 <= np.nanmin(age) and np.nanmax(age) <= 89
    partyid = panel.column("partyid")
    assert partyid["kind"] == "categorical" and partyid["labels"]["0"] == "strong democrat"


def test_zctas_and_their_typology():
    zcta = records.load_builtin("zcta")
    assert zcta.n == 33120 and zcta.ids[0] == "00601"
    codes, classes = lifestyle.typology_for(zcta)
    assert len(classes) == 12 and len({c["name"] for c in classes.values()}) == 12
    shares = [c["share"] for c in classes.values()]
    assert all(0.05 - 1e-3 <= s <= 0.12 + 1e-3 for s in shares)
    assert (codes != "").sum() == sum(c["areas"] for c in classes.values())


def test_panel_typology_is_lifestage_by_social_group():
    _codes, groups = lifestyle.typology_for(records.load_builtin("panel"))
    assert len(groups) == 36
    assert {g["lifestage"] for g in groups.values()} == set(lifestyle.LIFESTAGES.values())
    assert sum(g["share"] for g in groups.values()) == pytest.approx(1.0, abs=1e-3)
    assert all(g["pen_portrait"].startswith(g["name"]) for g in groups.values())


def test_an_altered_file_is_refused_naming_it(tmp_path, monkeypatch):
    shutil.copytree(records.RECORDS_DIR / "zcta", tmp_path / "zcta")
    ids = json.loads((tmp_path / "zcta" / "ids.json").read_text())
    (tmp_path / "zcta" / "ids.json").write_text(json.dumps(ids[::-1]))
    monkeypatch.setenv("AUDIENCE_RECORDS_DIR", str(tmp_path))
    records.load_builtin.cache_clear()
    try:
        with pytest.raises(DependencyUnavailable, match="ids.json"):
            records.load_builtin("zcta")
        with pytest.raises(DependencyUnavailable, match="make records"):
            records.load_builtin("panel")
    finally:
        records.load_builtin.cache_clear()


def test_gzipped_values_as_the_audiences_layer_ships_them_load_and_are_hash_checked(tmp_path, monkeypatch):
    import gzip

    shutil.copytree(records.RECORDS_DIR / "zcta", tmp_path / "zcta")
    values = tmp_path / "zcta" / "values.npy"
    original = np.load(values)
    (tmp_path / "zcta" / "values.npy.gz").write_bytes(gzip.compress(values.read_bytes()))
    values.unlink()
    monkeypatch.setenv("AUDIENCE_RECORDS_DIR", str(tmp_path))
    records.load_builtin.cache_clear()
    try:
        assert np.array_equal(records.load_builtin("zcta").values, original, equal_nan=True)
        altered = original.copy()
        altered[0, 0] += 1
        buffer = __import__("io").BytesIO()
        np.save(buffer, altered)
        (tmp_path / "zcta" / "values.npy.gz").write_bytes(gzip.compress(buffer.getvalue()))
        records.load_builtin.cache_clear()
        with pytest.raises(DependencyUnavailable, match=r"values\.npy\.gz does not match"):
            records.load_builtin("zcta")
    finally:
        records.load_builtin.cache_clear()
