"""Cluster assignment, confidence and the artifact format (synthetic data: no encoder needed)."""

import numpy as np
import pytest
from segmentation.text.model import ModelArtifactError, TextModel, calibrate, head_text, text_vectors
from segmentation.text.reduction import Reducer, fit_reducer
from segmentation.text.training import TrainingParams

RNG = np.random.default_rng(0)
CENTRES = np.array([[5.0, 0.0], [0.0, 5.0], [-5.0, 0.0]], dtype=np.float32)


def blobs(n_per: int = 200) -> tuple[np.ndarray, np.ndarray]:
    points = np.concatenate([c + RNG.normal(scale=1.0, size=(n_per, 2)) for c in CENTRES]).astype(np.float32)
    return points, np.repeat(np.arange(len(CENTRES)), n_per)


def model_from(points: np.ndarray) -> TextModel:
    distance_quantiles, margin_quantiles = calibrate(points, CENTRES, "euclidean")
    profiles = {str(i): {"name": f"cluster {i}"} for i in range(len(CENTRES))}
    return TextModel({"version": "v1", "encoder": {}}, Reducer("pca", {}, {"mean": np.zeros(2, np.float32),
                                                                         "components": np.eye(2, dtype=np.float32)}),
                     CENTRES, distance_quantiles,
                     margin_quantiles, profiles, CENTRES.copy())


def test_typical_members_are_confident_and_assigned_to_their_cluster():
    points, truth = blobs()
    assignment = model_from(points).assign(points, [""] * len(points))
    assert (assignment.cluster_ids == truth).mean() > 0.99
    assert np.median(assignment.confidence) > 0.6
    assert assignment.confidence.min() >= 0.0 and assignment.confidence.max() <= 1.0


def test_confidence_falls_between_clusters_and_far_from_every_cluster():
    points, _ = blobs()
    model = model_from(points)
    at_centre, between, far_away = model.assign(np.array([[5.0, 0.0], [2.5, 2.5], [40.0, 0.0]],
                                                         dtype=np.float32), ["", "", ""]).confidence
    assert at_centre > 0.9
    assert between < 0.1  # equidistant from two centroids
    assert far_away < 0.05  # beyond every training member of its nearest cluster


def test_artifacts_round_trip_and_refuse_tampering(tmp_path):
    points, _ = blobs()
    model = model_from(points)
    model.save(tmp_path / "m")
    loaded = TextModel.load(tmp_path / "m")
    texts = [""] * len(points)
    np.testing.assert_array_equal(loaded.assign(points, texts).cluster_ids, model.assign(points, texts).cluster_ids)
    original = (tmp_path / "m" / "centroids.npy").read_bytes()
    (tmp_path / "m" / "centroids.npy").write_bytes(original[:-1] + bytes([original[-1] ^ 0xFF]))
    with pytest.raises(ModelArtifactError, match="centroids.npy is corrupt"):
        TextModel.load(tmp_path / "m")
    (tmp_path / "m" / "centroids.npy").write_bytes(original)
    (tmp_path / "m" / "profiles.json").unlink()
    with pytest.raises(ModelArtifactError, match="profiles.json is missing"):
        TextModel.from_files({n.name: n.read_bytes() for n in (tmp_path / "m").iterdir()})


def test_reducers_serialise_and_place_training_points_where_they_were_fitted():
    embeddings = RNG.normal(size=(300, 16)).astype(np.float32)
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    texts = [f"job {i % 7} with skill{i % 5} and tool{i % 3}" for i in range(len(embeddings))]
    for kind in ("none", "pca", "hybrid"):
        reducer, points = fit_reducer(kind, embeddings, texts, seed=0, n_components=4, lsa_components=3)
        np.testing.assert_allclose(reducer.transform(embeddings, texts), points, atol=1e-5)
    with pytest.raises(ValueError, match="reducer must be one of"):
        fit_reducer("tsne", embeddings, texts, seed=0)


def test_hybrid_text_view_at_serving_equals_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["Senior Python developer, Python and SQL", "Nurse for night shifts", "Python nurse? No: SQL shifts!",
             "developer developer developer and nurse"] * 3
    embeddings = RNG.normal(size=(len(texts), 8)).astype(np.float32)
    reducer, _ = fit_reducer("hybrid", embeddings, texts, seed=0, lsa_components=2)
    unseen = ["words the vocabulary never saw", ""]
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2).fit(texts).transform(texts + unseen)
    expected = tfidf.toarray() @ reducer.arrays["components"].T
    np.testing.assert_allclose(reducer._lsa(texts + unseen), expected, atol=1e-6)
    assert not reducer._lsa(unseen).any()


def test_hybrid_removes_what_only_separates_the_sources_and_serves_it_without_sources(tmp_path):
    # Two sources that share their topics but differ by a constant "style" offset (as ESCO descriptions and
    # job ads do): the fitted reducer takes the offset out, so each topic's texts meet across sources.
    topics = RNG.normal(size=(4, 16))
    style = np.zeros(16)
    style[0] = 3.0
    rows, texts, sources, topic_of = [], [], [], []
    for i in range(400):
        topic, source = i % 4, ("ads", "esco")[i // 200]
        rows.append(topics[topic] + (style if source == "ads" else -style) + RNG.normal(scale=0.3, size=16))
        texts.append(f"topic{topic} words{topic} " + ("apply now benefits" if source == "ads" else "describes"))
        sources.append(source)
        topic_of.append(topic)
    embeddings = np.asarray(rows, dtype=np.float32)
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    plain, plain_points = fit_reducer("hybrid", embeddings, texts, seed=0, lsa_components=3)
    assert "embedding_style" not in plain.arrays
    assert "embedding_style" not in fit_reducer("hybrid", embeddings, texts, seed=0, lsa_components=3,
                                                sources=["ads"] * len(texts))[0].arrays
    reducer, points = fit_reducer("hybrid", embeddings, texts, seed=0, lsa_components=3, sources=sources)
    assert reducer.arrays["embedding_style"].shape == (1, 16) and reducer.arrays["lsa_style"].shape == (1, 3)
    is_ads, topic_of = np.asarray(sources) == "ads", np.asarray(topic_of)

    def cross_source_distance(space):  # mean distance between the two sources' centres of the same topic
        return np.mean([np.linalg.norm(space[is_ads & (topic_of == t)].mean(0) - space[~is_ads & (topic_of == t)].mean(0))
                        for t in range(4)])

    assert cross_source_distance(points) < 0.25 * cross_source_distance(plain_points)
    np.testing.assert_allclose(reducer.transform(embeddings, texts), points, atol=1e-5)
    restored = Reducer(reducer.kind, reducer.params, dict(reducer.arrays))  # what a saved model carries
    np.testing.assert_allclose(restored.transform(embeddings[:5], texts[:5]), points[:5], atol=1e-5)


@pytest.mark.parametrize("text, head", [
    ("Registered Nurse - Intensive Care Unit, night shifts. Provide patient care.", "Registered Nurse"),
    ("Accountant: prepare monthly management accounts.", "Accountant"),
    ("Senior Python Developer (AWS). Build the data pipelines.", "Senior Python Developer (AWS)"),
    ("Release engineer for v2.5 of our app! Apply now", "Release engineer for v2.5 of our app"),
    ("Cook\nPrepare breakfast", "Cook"),
    ("one two three four five six seven eight nine ten eleven twelve thirteen. Rest",
     "one two three four five six seven eight nine ten eleven twelve"),
    ("no sentence end at all", "no sentence end at all"),
    (". a text that opens with a stop", ". a text that opens with a stop"),  # an empty first sentence
])
def test_a_texts_head_is_its_first_sentence_up_to_twelve_words(text, head):
    assert head_text(text) == head


def letter_embed(texts):
    """A stand-in encoder: each text's letter counts, unit length (records what it was asked to embed)."""
    letter_embed.calls.append(list(texts))
    rows = np.array([[t.lower().count(c) + 1e-3 for c in "abcdefghijklmnopqrstuvwxyz"] for t in texts],
                    np.float32).reshape(-1, 26)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_text_vectors_add_the_heads_embedding_at_the_models_weight():
    texts = ["Nurse. Care for patients on the ward", "Driver: deliver goods across Europe"]
    letter_embed.calls = []
    np.testing.assert_array_equal(text_vectors(texts, letter_embed, 0.0), letter_embed(texts))
    letter_embed.calls = []
    mixed = text_vectors(texts, letter_embed, 1.0)
    assert letter_embed.calls == [texts, ["Nurse", "Driver"]]  # two encoder calls: the texts, then their heads
    expected = letter_embed(texts) + letter_embed(["Nurse", "Driver"])
    np.testing.assert_allclose(mixed, expected / np.linalg.norm(expected, axis=1, keepdims=True), atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(mixed, axis=1), 1.0, atol=1e-6)
    assert text_vectors([], letter_embed, 1.0).shape[0] == 0


def test_a_model_builds_vectors_with_its_own_head_weight():
    points, _ = blobs(20)
    old = model_from(points)  # trained before the head view: no head_weight in its parameters
    assert old.head_weight == 0.0
    np.testing.assert_array_equal(old.vectors(["Nurse. Care"], letter_embed), letter_embed(["Nurse. Care"]))
    old.manifest["parameters"] = {"head_weight": 1.0}
    np.testing.assert_allclose(old.vectors(["Nurse. Care"], letter_embed),
                               text_vectors(["Nurse. Care"], letter_embed, 1.0))
    assert TrainingParams().head_weight == 1.0
    with pytest.raises(ValueError, match="head_weight"):
        TrainingParams(head_weight=-1)
