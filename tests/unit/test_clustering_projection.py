"""The 2-D picture of clustered records (segmentation/clustering/projection.py) against scikit-learn's PCA."""

import numpy as np
import pytest
from segmentation.clustering.projection import pca_axes, project
from segmentation.platform.errors import InvalidInput
from sklearn.decomposition import PCA


def blobs(n=600, d=9, seed=3):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 4, size=(3, d))
    labels = rng.integers(0, 3, size=n)
    return centres[labels] + rng.normal(0, 1, size=(n, d)) * rng.uniform(0.2, 2.0, size=d), labels, centres


def test_axes_and_coordinates_equal_scikit_learns_pca_up_to_sign():
    x, labels, _ = blobs()
    reference = PCA(n_components=2).fit(x)
    _, components, ratio = pca_axes(x)
    np.testing.assert_allclose(ratio, reference.explained_variance_ratio_, rtol=1e-9)
    for ours, theirs in zip(components, reference.components_):
        np.testing.assert_allclose(np.abs(ours @ theirs), 1.0, rtol=1e-9)
    picture = project(x, labels)
    expected = reference.transform(x)
    for axis, column in (("x", 0), ("y", 1)):
        got = np.asarray(picture["points"][axis])
        sign = np.sign(got @ expected[:, column])
        np.testing.assert_allclose(got, sign * expected[:, column], atol=1e-4)
    assert picture["points"]["group_id"] == labels.tolist()
    assert picture["records"] == picture["sampled"] == len(x)


def test_a_large_set_is_sampled_reproducibly_and_centres_share_the_axes():
    x, labels, centres = blobs(n=5000)
    first = project(x, labels, centres, max_points=700)
    assert first == project(x, labels, centres, max_points=700)
    assert first["sampled"] == 700 and first["records"] == 5000
    assert len(first["points"]["x"]) == len(first["points"]["group_id"]) == 700
    mean, components, _ = pca_axes(x)
    for centre in first["centers"]:
        expected = (centres[centre["group_id"]] - mean) @ components.T
        np.testing.assert_allclose([centre["x"], centre["y"]], expected, atol=1e-4)
    # the sign rule: each axis's largest loading is positive
    assert all(c[np.argmax(np.abs(c))] > 0 for c in components)


def test_a_constant_matrix_has_no_variance_and_bad_input_is_refused():
    flat = project(np.ones((10, 3)), np.zeros(10, dtype=int))
    assert flat["explained_variance_ratio"] == [0.0, 0.0]
    with pytest.raises(InvalidInput):
        project(np.ones((1, 3)), np.zeros(1, dtype=int))
    with pytest.raises(InvalidInput):
        project(np.ones((4, 3)), np.zeros(3, dtype=int))
    with pytest.raises(InvalidInput):
        pca_axes(np.array([[1.0, np.nan], [2.0, 3.0]]))
