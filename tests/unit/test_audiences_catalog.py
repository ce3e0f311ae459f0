"""Building the variable catalog: ACS and GSS records -> variables (codes, descriptions, types, value labels,
data availability), the artifact files and their integrity checks. Small fixtures, never the full build."""

import gzip
import json

import numpy as np
import pytest
from segmentation.audiences import catalog_build as build
from segmentation.audiences.catalog import (
    DENSE_INDEX,
    DETAILS,
    MANIFEST,
    VARIABLES,
    Catalog,
    CatalogUnavailable,
    clear_cache,
    lexical_file,
    load_catalog,
)

from tests.unit import catalog_fixture


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    directory = tmp_path_factory.mktemp("catalog")
    manifest = catalog_fixture.build_catalog(directory)
    return directory, manifest


@pytest.fixture(scope="module")
def by_code():
    variables, _ = catalog_fixture.variables()
    return {v["code"]: v for v in variables}


def test_acs_codes_are_kept_and_only_estimates_of_us_tables_enter(by_code):
    acs = sorted(code for code, v in by_code.items() if v["source"] == "acs5_2019")
    assert acs == sorted(["B08201_001E", "B08201_002E", "B08201_003E", "B19013_001E", "B19001_017E", "B01001_011E",
                          "B01002_001E", "B19301_001E", "B15003_022E", "S0801_C01_009E", "DP02_0068PE"])
    assert "B08201_002M" not in by_code  # margins of error are not variables
    assert "B07007PR_019E" not in by_code  # Puerto Rico tables repeat the US ones
    _, counts = catalog_fixture.variables()
    assert counts["acs_puerto_rico_left_out"] == 1


def test_acs_description_joins_concept_and_label_and_category_is_the_table(by_code):
    car = by_code["B08201_002E"]
    assert car["description"] == "Household size by vehicles available: No vehicle available"
    assert (car["type"], car["category"], car["table"], car["source"]) == (
        "demographic", "Household size by vehicles available", "B08201", "acs5_2019")
    assert by_code["B19013_001E"]["description"] == (
        "Median household income in the past 12 months (in 2019 inflation-adjusted dollars)")
    # profile tables: the topic in the label is the category, capitals in sentence case
    assert by_code["DP02_0068PE"]["category"] == "Educational attainment"
    assert "Percent > Educational attainment > Population 25 years and over" in by_code["DP02_0068PE"]["description"]


def test_clean_label_drops_estimate_and_total():
    assert build.clean_label("Estimate!!Total:!!Female:!!65 to 74 years") == "Female > 65 to 74 years"
    assert build.clean_label("Estimate!!Total:") == "Total"


def test_record_set_columns_and_data_availability(by_code):
    assert by_code["B19301_001E"]["columns"] == {"zcta": "per_capita_income"}
    assert by_code["B19301_001E"]["dataAvailability"] == {
        "record_sets": ["zcta"], "data_types": ["first_party", "third_party", "clean_room"]}
    assert by_code["B19013_001E"]["columns"] == {"panel": "income16"}  # same concept as the panel's income
    assert by_code["B19013_001E"]["dataAvailability"] == {"record_sets": ["panel"],
                                                          "data_types": ["third_party", "clean_room"]}
    assert by_code["B08201_002E"]["columns"] == {}
    assert by_code["B08201_002E"]["dataAvailability"] == {"record_sets": [], "data_types": []}
    assert by_code["gss.partyid"]["columns"] == {"panel": "partyid"}  # waves _1a/_1b/_2 merged by the builder
    assert by_code["gss.grnprice"]["dataAvailability"]["record_sets"] == []  # not asked in the panel


def test_panel_bases_strip_wave_suffixes():
    assert build.panel_bases(["partyid_1a", "partyid_1b", "partyid_2", "samptype", "vote_16_2"]) == {
        "partyid", "vote_16"}


def test_a_mapping_to_a_missing_panel_column_fails_the_build():
    with pytest.raises(ValueError, match="income16"):
        build.acs_variables(catalog_fixture.ACS, {"age", "degree"})


def test_a_zcta_code_whose_label_does_not_match_fails_the_build():
    tables = json.loads(json.dumps(catalog_fixture.ACS))
    tables["detail"]["variables"]["B19301_001E"]["label"] = "Estimate!!Total:!!Something else"
    with pytest.raises(ValueError, match="per_capita_income"):
        build.acs_variables(tables, build.panel_bases(catalog_fixture.PANEL_COLUMNS))


@pytest.mark.parametrize(("name", "subjects", "label", "expected"), [
    ("age", ["Age"], "age of respondent", "demographic"),
    ("income16", [], "total family income", "demographic"),
    ("relig", ["Religion"], "r's religious preference", "demographic"),
    ("attend", ["Religion"], "how often r attends religious services", "behavioral"),
    ("tvhours", ["Television Viewing"], "hours per day watching tv", "behavioral"),
    ("owngun", ["Guns"], "have gun in home", "behavioral"),
    ("vote16", [], "remember if voted in 2016 election", "behavioral"),
    ("partyid", ["Political"], "political party affiliation", "psychographic"),
    ("natenvir", ["Environment", "Spending", "Split Ballots"], "improving & protecting environment", "psychographic"),
    ("gunlaw", ["Guns"], "favor or oppose gun permits", "psychographic"),
    ("occ10", ["Occupation", "Split Ballots"], "r's census occupation code", "demographic"),
])
def test_gss_type_rule(name, subjects, label, expected):
    assert build.gss_type(subjects, name, label) == expected


def test_gss_variables_carry_question_value_labels_and_subject(by_code):
    party = by_code["gss.partyid"]
    assert party["description"].startswith("Political party affiliation: Generally speaking")
    assert party["values"] == {"0": "strong democrat", "1": "not very strong democrat", "6": "strong republican"}
    assert (party["type"], party["category"], party["source"]) == ("psychographic", "Political", "gss")
    assert by_code["gss.income16"]["category"] == "GSS core module"


def test_value_labels_leave_out_missing_value_codes():
    assert build.parse_value_labels("[1] yes / [2] no / [NA(d)] don't know / [NA(i)] iap") == {"1": "yes", "2": "no"}
    assert build.parse_value_labels(None) == {}


def test_each_distinct_text_is_embedded_once():
    variables, _ = catalog_fixture.variables()
    texts, parts = build.unique_texts(variables)
    assert len(texts) == len(set(texts))
    concept = texts.index("Household size by vehicles available")
    assert sum(concept in p for p in parts) == 3  # three B08201 variables share one concept embedding


def test_built_catalog_round_trips(built, by_code):
    directory, manifest = built
    catalog = Catalog(directory)
    assert len(catalog) == len(by_code) == manifest["counts"]["variables"]
    assert {v["code"] for v in catalog} == set(by_code)
    assert catalog.get("B08201_002E")["description"] == by_code["B08201_002E"]["description"]
    assert catalog.get("B99999_001E") is None
    assert not any(key.startswith("_") for v in catalog for key in v)
    assert set(manifest["files"]) == {VARIABLES, DETAILS, "lexical_vocabulary.json", DENSE_INDEX,
                                      *(lexical_file(n) for n in ("indptr", "docs", "bm25", "tfidf", "idf"))}
    assert catalog.dense.index.ntotal == len(catalog)


def test_load_catalog_is_cached_per_directory(built):
    directory, _ = built
    clear_cache()
    assert load_catalog(directory) is load_catalog(directory)


def test_missing_manifest_names_the_file(tmp_path):
    with pytest.raises(CatalogUnavailable, match=f"{tmp_path}/{MANIFEST} is missing"):
        Catalog(tmp_path)


@pytest.mark.parametrize("name", [VARIABLES, DETAILS, DENSE_INDEX, lexical_file("bm25")])
def test_a_corrupt_file_is_refused_by_name(built, tmp_path, name):
    directory, _ = built
    for file in directory.iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    data = bytearray((tmp_path / name).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / name).write_bytes(bytes(data))
    with pytest.raises(CatalogUnavailable, match=f"{name} is corrupt"):
        catalog = Catalog(tmp_path)
        catalog.get("gss.partyid")  # details are read on first use
        catalog.lexical  # noqa: B018 - loading is what is tested
        catalog.dense  # noqa: B018


def test_a_deleted_index_file_is_named(built, tmp_path):
    directory, _ = built
    for file in directory.iterdir():
        if file.name != DENSE_INDEX:
            (tmp_path / file.name).write_bytes(file.read_bytes())
    catalog = Catalog(tmp_path)
    with pytest.raises(CatalogUnavailable, match=f"{DENSE_INDEX} is missing"):
        catalog.dense  # noqa: B018


def test_variables_are_columnar_and_details_one_json_text_per_row(built, by_code):
    directory, _ = built
    columns = json.loads(gzip.decompress((directory / VARIABLES).read_bytes()))
    details = json.loads(gzip.decompress((directory / DETAILS).read_bytes()))
    assert len(columns["code"]) == len(details) == len(by_code)
    row = columns["code"].index("gss.partyid")
    assert columns["types"][columns["type"][row]] == "psychographic"
    assert json.loads(details[row])["columns"] == {"panel": "partyid"}
    assert not any("_texts" in text for text in details)


def test_embedding_cache_embeds_each_text_once(tmp_path):
    calls = []

    def embed(texts):
        calls.append(list(texts))
        return np.arange(len(texts) * 2, dtype=np.float32).reshape(len(texts), 2) + len(calls)

    cache = tmp_path / "embeddings.npz"
    first = build.cached_embedder(embed, cache, "model-a")(["a", "b"])
    again = build.cached_embedder(embed, cache, "model-a")(["b", "c", "a"])
    assert calls == [["a", "b"], ["c"]]
    np.testing.assert_array_equal(again[0], first[1])
    np.testing.assert_array_equal(again[2], first[0])
    build.cached_embedder(embed, cache, "model-b")(["a"])  # another encoder: nothing reused
    assert calls[-1] == ["a"]
