"""Confidence on real text: a model trained on tech, sales and support jobs must not be sure about a chef."""

import json
import re

import pytest
from segmentation.text.corpus import Document
from segmentation.text.embedders import onnx_embedder
from segmentation.text.encoder import default_encoder_dir
from segmentation.text.serving import Segmenter, load_encoder
from segmentation.text.training import QualityGates, TrainingParams, train_model

from tests.conftest import CORPUS

FAMILIES = {
    "tech": re.compile(r"\b(software|developer|programmer|ict|database|network|web)\b", re.IGNORECASE),
    "sales": re.compile(r"\b(sales|seller|shop assistant)\b", re.IGNORECASE),
    "support": re.compile(r"\b(customer service|contact centre|call centre|help ?desk)\b", re.IGNORECASE),
}


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    documents = []
    for line in CORPUS.read_text().splitlines():
        record = json.loads(line)
        family = next((name for name, pattern in FAMILIES.items() if pattern.search(record["title"])), None)
        if family:
            documents.append(Document(record["id"], record["text"], record["title"], family))
    params = TrainingParams(clusters=3, gates=QualityGates(0.0, 0.0, 0.0))
    model, _, _ = train_model(documents, {"sha256": "0" * 64, "documents": len(documents)},
                              onnx_embedder(), params, {})
    return Segmenter(model, load_encoder(default_encoder_dir()), threshold=0.25)


def test_off_domain_ad_gets_low_confidence_and_broad_targeting(segmenter):
    chef, developer = segmenter.segment([
        ("Head chef for a busy Italian restaurant: plan menus, run the kitchen brigade, order fresh produce "
        "and keep food hygiene standards."),
        "Software developer: design, write and test code for our web applications and databases.",
    ])
    assert chef["cluster_assignment_confidence"] < 0.25
    assert chef["targeting_mode"] == "broad"
    assert developer["cluster_assignment_confidence"] > chef["cluster_assignment_confidence"]
