"""Variable search: each retriever (BM25, TF-IDF against scikit-learn, marketer keywords, intent, dense),
fusion, filters and bad input, over the small fixture catalog (tests/unit/catalog_fixture.py)."""

import numpy as np
import pytest
from segmentation.audiences import fusion, keywords, search
from segmentation.audiences.catalog import DENSE_INDEX, Catalog, CatalogUnavailable, clear_cache
from segmentation.audiences.lexical import build_index, tokenize
from segmentation.platform.errors import InvalidInput

from tests.unit import catalog_fixture


@pytest.fixture(scope="module")
def catalog_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("catalog")
    catalog_fixture.build_catalog(directory)
    return directory


@pytest.fixture(scope="module")
def catalog(catalog_dir):
    return Catalog(catalog_dir)


@pytest.fixture
def installed(catalog_dir, monkeypatch):
    """search.search() reads $CATALOG_DIR: point it at the fixture."""
    monkeypatch.setenv("CATALOG_DIR", str(catalog_dir))
    clear_cache()
    yield
    clear_cache()


def codes(results):
    return [r["code"] for r in results]


# ---------------------------------------------------------------- lexical
def test_tokenize_folds_plurals_and_amounts():
    assert tokenize("Households with $200,000 or more") == ["household", "200000", "more"]
    assert tokenize("No vehicles available") == ["no", "vehicle", "available"]


def test_bm25_ranks_the_document_with_the_rare_term_first():
    index = build_index(["household income", "household size by vehicles available", "household type"])
    scores = index.scores("vehicles for the household", "bm25")
    assert int(np.argmax(scores)) == 1 and scores[0] > 0 and scores[1] > scores[0]
    assert not index.scores("zebra", "bm25").any()


def test_tfidf_matches_scikit_learn_cosine():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    texts = ["median household income", "household size by vehicles available no vehicle available",
             "hours per day watching tv", "income in the past 12 months", "vehicles available by tenure"]
    query = "household vehicles income"
    index = build_index(texts)
    vectorizer = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None)
    matrix = vectorizer.fit_transform(texts)
    expected = cosine_similarity(vectorizer.transform([query]), matrix)[0]
    np.testing.assert_allclose(index.scores(query, "tfidf"), expected, rtol=1e-5, atol=1e-6)


def test_lexical_retriever_on_the_catalog(catalog):
    rows, scores = fusion.top_k(catalog.lexical.scores("vehicle available", "bm25"), 3)
    assert catalog.codes[rows[0]].startswith("B08201")
    assert list(scores) == sorted(scores, reverse=True)


# ---------------------------------------------------------------- keywords and intent
@pytest.mark.parametrize(("query", "group"), [
    ("car-free households", "car_free"), ("Car free city dwellers", "car_free"), ("millennials", "age_young"),
    ("eco-friendly shoppers", "environmental"), ("affluent families", "income_high"),
])
def test_marketer_phrasings_match_their_group(query, group):
    assert group in [g.name for g in keywords.matched_groups(query)]


def test_triggers_match_whole_words_only():
    assert "environmental" not in [g.name for g in keywords.matched_groups("greenhouse owners")]
    assert keywords.matched_groups("") == []


def test_intent_detection():
    assert keywords.detect_intent("people who buy organic food") == {"behavioral": 1.0}
    intent = keywords.detect_intent("lifestyle and values of affluent households")
    assert set(intent) == {"psychographic", "demographic"} and abs(sum(intent.values()) - 1) < 1e-9
    assert keywords.detect_intent("zebra") == {}


def test_keyword_retriever_finds_census_wording_for_car_free(catalog):
    rankings = search.retrieve(catalog, "car-free households", search.SearchConfig(retrievers=("keyword",)), None)
    rows, _ = rankings["keyword"]
    assert catalog.codes[rows[0]] == "B08201_002E"  # "No vehicle available"


# ---------------------------------------------------------------- dense
def test_dense_retriever_understands_paraphrase(catalog):
    rankings = search.retrieve(catalog, "watching television", search.SearchConfig(retrievers=("dense",)), None)
    rows, scores = rankings["dense"]
    assert catalog.codes[rows[0]] == "gss.tvhours"
    assert -1.0 <= scores[-1] <= scores[0] <= 1.0


def test_dense_index_built_with_another_encoder_is_refused(catalog_dir, tmp_path):
    import json

    for file in catalog_dir.iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["encoder"] = {name: "0" * 64 for name in manifest["encoder"]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CatalogUnavailable, match=f"{DENSE_INDEX} was built with another encoder"):
        Catalog(tmp_path).dense_checked  # noqa: B018


# ---------------------------------------------------------------- fusion
def test_rrf_adds_weighted_reciprocal_ranks():
    rankings = {"a": (np.array([1, 2]), np.array([9.0, 5.0])), "b": (np.array([2, 3]), np.array([0.9, 0.1]))}
    fused = fusion.rrf(rankings, {"a": 1.0, "b": 2.0}, k=60)
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[2] == pytest.approx(1 / 62 + 2 / 61)
    assert fused[3] == pytest.approx(2 / 62)
    assert fusion.rrf(rankings, {"a": 1.0}) .keys() == {1, 2}


def test_weighted_fusion_normalises_each_retriever():
    rankings = {"a": (np.array([1, 2]), np.array([10.0, 0.0])), "b": (np.array([2]), np.array([0.3]))}
    assert fusion.weighted(rankings, {"a": 0.5, "b": 0.5}) == {1: 0.5, 2: 0.5}


def test_top_k_is_deterministic_and_skips_zero_and_masked():
    scores = np.array([0.0, 2.0, 2.0, 1.0, 3.0])
    rows, values = fusion.top_k(scores, 3)
    assert rows.tolist() == [4, 1, 2] and values.tolist() == [3.0, 2.0, 2.0]
    rows, _ = fusion.top_k(scores, 10, mask=np.array([True, True, False, True, False]))
    assert rows.tolist() == [1, 3]


# ---------------------------------------------------------------- search()
def test_search_fuses_retrievers_and_reports_each(installed):
    results = search.search("car-free households", k=5)
    assert results[0]["code"] == "B08201_002E"
    top = results[0]
    assert set(top) == {"code", "description", "type", "category", "source", "score", "matched"}
    assert set(top["matched"]) == {"lexical", "dense", "keyword", "intent"}
    assert top["matched"]["keyword"] is not None and top["matched"]["dense"] is not None
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_search_for_environmentally_conscious_millennials(installed):
    found = codes(search.search("environmentally conscious millennials", k=6))
    assert {"gss.natenvir", "gss.grnprice"} <= set(found)
    assert {"B01001_011E", "gss.age"} & set(found)


@pytest.mark.parametrize(("filters", "check"), [
    ({"type": "behavioral"}, lambda v: v["type"] == "behavioral"),
    ({"type": "psychographic"}, lambda v: v["type"] == "psychographic"),
    ({"record_set": "zcta"}, lambda v: "zcta" in v["dataAvailability"]["record_sets"]),
    ({"record_set": "panel"}, lambda v: "panel" in v["dataAvailability"]["record_sets"]),
    ({"data_type": "first_party"}, lambda v: "first_party" in v["dataAvailability"]["data_types"]),
])
def test_filters_keep_only_matching_variables(installed, catalog, filters, check):
    results = search.search("income of households watching tv and the environment", k=20, **filters)
    assert results
    assert all(check(catalog.get(r["code"])) for r in results)


def test_k_limits_the_results(installed):
    assert len(search.search("household income", k=2)) == 2


@pytest.mark.parametrize(("arguments", "field"), [
    ({"query": ""}, "q"), ({"query": "   \t "}, "q"), ({"query": "x" * 501}, "q"), ({"query": None}, "q"),
    ({"query": "income", "k": 0}, "k"), ({"query": "income", "k": 101}, "k"), ({"query": "income", "k": True}, "k"),
    ({"query": "income", "type": "lifestyle"}, "type"), ({"query": "income", "data_type": "second_party"}, "data_type"),
    ({"query": "income", "record_set": "census"}, "record_set"),
])
def test_bad_input_names_the_parameter(installed, arguments, field):
    query = arguments.pop("query")
    with pytest.raises(InvalidInput) as raised:
        search.search(query, **arguments)
    assert raised.value.field == field and raised.value.status_code == 422


def test_missing_catalog_is_a_503_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOG_DIR", str(tmp_path))
    clear_cache()
    with pytest.raises(CatalogUnavailable) as raised:
        search.search("income")
    assert raised.value.status_code == 503 and str(tmp_path / "manifest.json") in str(raised.value)
    clear_cache()


# ---------------------------------------------------------------- the CLI
def test_cli_reads_json_lines_and_writes_one_result_line_per_query(catalog_dir):
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    lines = "\n".join([json.dumps({"id": "a", "query": "car-free households"}), "not json",
                       json.dumps({"id": "b", "query": "  "}), json.dumps({"id": 7, "query": "watching television"})])
    done = subprocess.run([sys.executable, "scripts/search_variables.py", "--k", "3"], input=lines, cwd=ROOT,
                          env={**os.environ, "CATALOG_DIR": str(catalog_dir)}, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 1, done.stderr  # two bad lines, reported and skipped
    assert "line 2: not JSON" in done.stderr and "line 3: q must be a non-empty search text" in done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["id"] for a in answers] == ["a", 7]
    assert answers[0]["results"][0]["code"] == "B08201_002E"
    assert set(answers[0]["results"][0]) == {"code", "description", "type", "score"}
    assert len(answers[1]["results"]) == 3 and answers[1]["results"][0]["code"] == "gss.tvhours"


def test_cli_exits_3_when_the_catalog_is_missing(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "scripts/search_variables.py"], input='{"id": 1, "query": "income"}\n',
                          cwd=ROOT, env={**os.environ, "CATALOG_DIR": str(tmp_path)}, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 3 and "manifest.json is missing" in done.stderr
