import copy
import logging

import numpy as np
import pytest
from segmentation.text.corpus import Document
from segmentation.text.profiles import (
    SkillVocabulary,
    build_profiles,
    carry_overrides,
    class_keywords,
    load_industries,
    match_predecessor,
    match_skills,
    merge_overrides,
)
from segmentation.text.seniority import LEVELS
from sklearn.feature_extraction.text import HashingVectorizer

_HASHER = HashingVectorizer(n_features=384, alternate_sign=False, norm="l2")


def fake_embed(texts: list[str]) -> np.ndarray:
    """Hashed bag of words in 384 dimensions, unit length: enough to make similar texts close."""
    return _HASHER.transform(texts).toarray()


KITCHEN = [
    "The chef prepares sauces in the kitchen and plans the restaurant menu.",
    "Cooks prepare meals in a busy restaurant kitchen with fresh ingredients.",
    "Our kitchen team cooks meals, prepares sauces and cleans the restaurant kitchen.",
]
SOFTWARE = [
    "Developers write Python code and review pull requests for the web application.",
    "Write clean Python code, test the web application and fix bugs.",
    "Review code, deploy the web application and write Python tests.",
]


def test_class_keywords_picks_distinctive_terms():
    keywords = class_keywords({0: KITCHEN, 1: SOFTWARE}, top_n=5)
    assert set(keywords) == {0, 1}
    assert "kitchen" in " ".join(keywords[0]) and "restaurant" in " ".join(keywords[0])
    assert "python" in " ".join(keywords[1]) and "code" in " ".join(keywords[1])
    assert not set(" ".join(keywords[0]).split()) & {"the", "and", "in", "a"}  # no stop words
    assert not {"python", "code"} & set(" ".join(keywords[0]).split())  # nothing of the other cluster
    for terms in keywords.values():
        assert len(terms) <= 5 and len(terms) == len(set(terms))
        bigram_words = {word for term in terms if " " in term for word in term.split()}
        assert not {term for term in terms if " " not in term} & bigram_words


def test_class_keywords_without_usable_terms():
    assert class_keywords({0: ["the and"], 1: ["of a"]}) == {0: [], 1: []}


SKILLS = [
    {"label": "use databases", "aliases": ["use data bases"], "kind": "transversal"},
    {"label": "work in teams", "aliases": ["working in teams"], "kind": "transversal"},
    {"label": "computer programming", "aliases": [], "kind": "ict"},
]


def test_skills_match_whole_words_ignoring_case_and_punctuation():
    vocabulary = SkillVocabulary(SKILLS)
    assert match_skills(["You will USE DATABASES daily."], vocabulary) == ["use databases"]
    assert match_skills(["We reuse databases and use data-bases."], vocabulary) == ["use databases"]
    assert match_skills(["Refuse databases; teamwork matters."], vocabulary) == []
    hits = vocabulary.occurrences(["Working in teams, computer programming.", "nothing here"]).toarray()
    assert hits.tolist() == [[0, 1, 1], [0, 0, 0]]


def test_skills_ranked_by_share_weighted_by_distinctiveness():
    cluster = ["use databases and work in teams", "use databases, work in teams", "work in teams"]
    corpus = cluster + ["work in teams"] * 20 + ["sales"] * 10
    vocabulary = SkillVocabulary(SKILLS)
    # By share alone teamwork wins; against the corpus, databases are what sets the cluster apart.
    assert match_skills(cluster, SKILLS) == ["work in teams", "use databases"]
    background = vocabulary.document_rates(corpus)
    assert match_skills(cluster, vocabulary, background=background) == ["use databases", "work in teams"]
    assert match_skills(cluster, vocabulary, top_n=1, background=background) == ["use databases"]
    assert match_skills(cluster, vocabulary, min_documents=3) == ["work in teams"]


PROFILES = {
    "0": {"name": "Cooks", "industry": {"code": "HOSPITALITY_FOOD", "label": "x", "similarity": 0.5},
          "skills": ["a"], "keywords": ["kitchen"], "size": 3},
    "1": {"name": "Developers", "industry": {"code": "TECH_SOFTWARE_DEV", "label": "y", "similarity": 0.6},
          "skills": ["b"], "keywords": ["python"], "size": 3},
}


def test_merge_overrides_is_shallow_per_field_and_pure(caplog):
    profiles, overrides = copy.deepcopy(PROFILES), {"1": {"name": "Backend engineers",
                                                         "industry": {"code": "TECH_DATA_AI"}},
                                                   "7": {"name": "Gone"}}
    with caplog.at_level(logging.WARNING, logger="segmentation.text.profiles"):
        merged = merge_overrides(profiles, overrides)
    assert merged["1"]["name"] == "Backend engineers"
    assert merged["1"]["industry"] == {"code": "TECH_DATA_AI"}  # nested fields are replaced whole
    assert merged["1"]["keywords"] == ["python"] and merged["0"] == PROFILES["0"]
    assert "7" not in merged and "unknown clusters: 7" in caplog.text
    assert profiles == PROFILES and overrides["1"]["name"] == "Backend engineers"  # inputs untouched
    merged["1"]["industry"]["code"] = "changed"
    assert overrides["1"]["industry"] == {"code": "TECH_DATA_AI"}


def test_overrides_survive_a_permuted_reclustering():
    rng = np.random.default_rng(0)
    old = rng.normal(size=(4, 384))
    permutation = [2, 0, 3, 1]  # new cluster i is old cluster permutation[i]
    new = old[permutation] + rng.normal(scale=0.05, size=(4, 384))
    new = np.vstack([new, rng.normal(size=(1, 384))])  # a new cluster without a predecessor
    mapping = match_predecessor(new, old)
    assert mapping == {0: 2, 1: 0, 2: 3, 3: 1}

    overrides = {"0": {"name": "Cooks (renamed)"}, 3: {"keywords": ["bread"]}}
    carried = carry_overrides(overrides, mapping)
    assert carried == {"1": {"name": "Cooks (renamed)"}, "2": {"keywords": ["bread"]}}
    new_profiles = {str(i): {"name": f"cluster {i}", "keywords": []} for i in range(5)}
    merged = merge_overrides(new_profiles, carried)
    assert merged["1"]["name"] == "Cooks (renamed)" and merged["2"]["keywords"] == ["bread"]
    assert merged["0"] == new_profiles["0"]


def test_match_predecessor_drops_dissimilar_pairs():
    old = np.eye(3)
    new = np.array([[1.0, 0.1, 0.0], [0.0, 0.0, 1.0]])
    assert match_predecessor(new, old) == {0: 0, 1: 2}
    assert match_predecessor(new, old, min_similarity=0.999) == {1: 2}


def _corpus() -> tuple[list[Document], np.ndarray]:
    groups = {
        0: [("Senior Software Developer",
             "Software developers write code for web applications and use databases. Computer programming."),
            ("Software Developer", "Developers design, code and test software applications; use databases."),
            ("Junior Software Developer", "Write code, test software, fix bugs in web applications."),
            ("Backend Software Developer", "Design and code software services and use databases daily.")],
        1: [("Staff Nurse", "Nurses care for patients in the hospital ward and give medication."),
            ("Registered Nurse", "Care for patients, monitor health and support doctors in the hospital."),
            ("Trainee Nurse", "Learn to care for patients in hospital wards under supervision.")],
        2: [("Head Chef", "Chefs cook meals in the restaurant kitchen and plan menus. Work in teams."),
            ("Line Cook", "Cooks prepare meals in the kitchen of a busy restaurant; work in teams."),
            (None, "Kitchen porter washes dishes and helps cooks in the restaurant kitchen.")],
    }
    documents, ids = [], []
    for cluster, ads in groups.items():
        for title, text in ads:
            documents.append(Document(str(len(documents)), text, title))
            ids.append(cluster)
    return documents, np.array(ids)


def _profiles(documents, ids):
    embeddings = fake_embed([f"{d.title or ''}. {d.text}" for d in documents])
    centroids = np.vstack([embeddings[ids == c].mean(axis=0) for c in range(ids.max() + 1)])
    return build_profiles(documents, ids, centroids, embeddings, fake_embed, top_n=5)


def test_build_profiles_shape():
    documents, ids = _corpus()
    profiles = _profiles(documents, ids)
    codes = {industry["code"] for industry in load_industries()}
    assert list(profiles) == ["0", "1", "2"]
    for cluster, profile in profiles.items():
        members = [d for d, c in zip(documents, ids) if str(c) == cluster]
        assert set(profile) == {"name", "industry", "skills", "seniority", "keywords", "size",
                                "representative_titles"}
        assert isinstance(profile["name"], str) and profile["name"]
        assert set(profile["industry"]) == {"code", "label", "similarity"}
        assert profile["industry"]["code"] in codes and -1 <= profile["industry"]["similarity"] <= 1
        assert profile["size"] == len(members)
        assert list(profile["seniority"]["distribution"]) == list(LEVELS)
        assert sum(profile["seniority"]["distribution"].values()) == pytest.approx(1.0)
        assert profile["seniority"]["dominant"] in LEVELS
        assert 0 < len(profile["keywords"]) <= 5
        titles = [d.title or " ".join(d.text.split()[:6]) for d in members]
        assert 0 < len(profile["representative_titles"]) <= 5
        assert set(profile["representative_titles"]) <= set(titles)
    assert len({profile["name"] for profile in profiles.values()}) == 3
    assert "Software developers" in profiles["0"]["name"]
    assert profiles["0"]["industry"]["code"] == "TECH_SOFTWARE_DEV"
    assert profiles["0"]["skills"][0] == "use databases"  # in 3 of 4 ads; programming in only one
    assert profiles["2"]["skills"] == ["work in teams"]
    assert profiles["1"]["seniority"]["distribution"]["intern"] == pytest.approx(1 / 3)
    assert "Kitchen porter washes dishes and helps" in profiles["2"]["representative_titles"]


def test_build_profiles_names_are_unique_when_roles_collide():
    documents, ids = _corpus()
    ids = np.where(ids == 0, np.array([0, 3, 0, 3] + [0] * 6), ids)  # split the developers in two clusters
    profiles = _profiles(documents, ids)
    names = [profile["name"] for profile in profiles.values()]
    assert len(names) == len(set(names)) == 4
    assert all(name.startswith("Software developers") for name in (profiles["0"]["name"], profiles["3"]["name"]))


def test_series_names_and_connectors_are_not_roles():
    """Federal titles that name a series ("Public Health", "Budget Analysis", "Interdisciplinary") give no role,
    and "Clerical and Assistant" gives assistant, not "and assistant" (names read "Nurses", not "Healths")."""
    from segmentation.text.profiles import _heads

    for title in ("Public Health", "Budget Analysis", "Interdisciplinary", "Program"):
        assert _heads(title) == []
    assert _heads("Management and Program Clerical and Assistant") == ["Assistant"]
    assert _heads("Nurse (Public Health)") == ["Nurse"]
    assert _heads("Police Officer") == ["Officer", "Police Officer"]
