"""The ONNX sentence encoder: parity with sentence-transformers, int8 accuracy, integrity checks, no torch."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import segmentation.text.encoder as encoder_module
from segmentation.text.encoder import (
    MANIFEST,
    MODEL_FP32,
    MODEL_INT8,
    TOKENIZER,
    EncoderError,
    OnnxEncoder,
    default_encoder_dir,
    fingerprint,
    matches_fingerprint,
)

# ~300 words, beyond the 256-token limit: exercises truncation.
LONG_AD = " ".join([(
    "We are looking for an experienced backend engineer to join the payments team in Amsterdam. You will "
    "design, build and operate services in Python and Go, own their reliability on Kubernetes, and mentor two "
    "junior colleagues. Salary 70-85k EUR, hybrid work, 30 days of leave.")] * 7)
SENTENCES = [
    "Senior Python developer",
    "Nurse",
    "CEO",
    "Truck driver (C+E) - international routes, 5 days/week",
    "Café barista wanted! Flexible hours; €12.50/h.",
    "Ingénieur logiciel à Paris, CDI, télétravail partiel",
    "Softwareentwickler (m/w/d) für unsere Cloud-Plattform in München",
    "数据分析师，北京，三年经验",
    "Registered nurse for the ICU night shift at St. Mary's hospital.",
    "We are hiring a marketing manager to lead brand campaigns across social media and events.",
    "DevOps/SRE: Kubernetes, Terraform, AWS, on-call rotation one week in six.",
    "Warehouse picker, forklift licence a plus",
    "Teacher of mathematics, secondary school, full time, start in September",
    "🚀 Join our startup as a full-stack engineer!!!",
    "Part-time receptionist for a busy dental clinic",
    "accountant ACCOUNTANT Accountant",
    "Electrician for residential installations; own tools and driving licence required.",
    "Chef de partie, fine dining restaurant, split shifts, staff meals included.",
    "Data scientist with experience in causal inference and A/B testing for a marketplace.",
    LONG_AD,
]


@pytest.fixture(scope="session")
def encoder_dir() -> Path:
    path = default_encoder_dir()
    if not (path / MANIFEST).exists():
        pytest.importorskip("torch")
        from segmentation.text.encoder_export import export_encoder

        export_encoder(path)
    return path


@pytest.fixture(scope="session")
def fp32(encoder_dir) -> OnnxEncoder:
    return OnnxEncoder(encoder_dir, quantized=False)


@pytest.fixture(scope="session")
def int8(encoder_dir) -> OnnxEncoder:
    return OnnxEncoder(encoder_dir)


@pytest.fixture(scope="session")
def reference(tmp_path_factory) -> np.ndarray:
    """The same sentences through sentence-transformers (torch), from the packaged model."""
    pytest.importorskip("torch")
    sentence_transformers = pytest.importorskip("sentence_transformers")
    from segmentation.text.encoder_export import extract_source

    os.environ["HF_HUB_OFFLINE"] = "1"
    model = sentence_transformers.SentenceTransformer(
        str(extract_source(tmp_path_factory.mktemp("minilm"))), device="cpu")
    return model.encode(SENTENCES, batch_size=32, convert_to_numpy=True)


def test_fp32_matches_sentence_transformers(fp32, reference):
    embeddings = fp32.embed(SENTENCES)
    assert embeddings.shape == (len(SENTENCES), 384) and embeddings.dtype == np.float32
    assert np.abs(embeddings - reference).max() < 1e-4
    assert (embeddings * reference).sum(axis=1).min() > 0.99999


def test_int8_stays_close_to_fp32(fp32, int8):
    cosines = (int8.embed(SENTENCES) * fp32.embed(SENTENCES)).sum(axis=1)
    assert cosines.min() > 0.98


def test_embeddings_are_unit_length(int8):
    assert np.allclose(np.linalg.norm(int8.embed(SENTENCES + [""]), axis=1), 1.0, atol=1e-5)


def test_an_embedding_never_depends_on_the_texts_sent_with_it(int8, monkeypatch):
    # int8 quantises activations per input tensor: in a padded batch an ad's vector moved with its
    # neighbours. Each text runs alone, so the vector is the same alone, in any company and in any order,
    # and across tokenisation chunks.
    alone = np.stack([int8.embed([text])[0] for text in SENTENCES])
    assert np.abs(int8.embed(SENTENCES) - alone).max() < 1e-6
    assert np.abs(int8.embed(SENTENCES[::-1]) - alone[::-1]).max() < 1e-6
    monkeypatch.setattr(encoder_module, "CHUNK", 2)
    padded_company = [SENTENCES[0], "word " * 200, SENTENCES[1], "x"]
    assert np.abs(int8.embed(padded_company)[[0, 2]] - alone[:2]).max() < 1e-6


def test_token_cap_embeds_the_first_word_pieces_only(fp32):
    ad = "Registered nurse for the intensive care unit. " + "Paperwork and filing in the back office. " * 3
    longer = ad + "Forklift, warehouse and delivery driving. " * 30
    assert np.abs(fp32.embed([ad], max_tokens=12) - fp32.embed([longer], max_tokens=12)).max() < 1e-6
    assert len(fp32.tokenize([longer])[0].ids) == 12
    assert float(fp32.embed([ad])[0] @ fp32.embed([longer])[0]) < 0.95  # uncapped, the tail counts
    assert fp32.max_tokens == 256  # without max_tokens: the encoder's own limit again
    with pytest.raises(ValueError):
        fp32.embed(["x"], max_tokens=2)


def test_empty_input_and_single_string(int8):
    assert int8.embed([]).shape == (0, int8.dim)
    with pytest.raises(TypeError):
        int8.embed("a single string")


def test_fingerprint_identifies_the_encoder(encoder_dir, fp32, int8):
    probe = fp32.manifest["probe"]
    assert np.abs(np.asarray(fingerprint(fp32)) - probe).max() < 2e-4
    assert matches_fingerprint(int8, probe)
    other = np.roll(np.asarray(probe), 1, axis=1).tolist()  # a different encoder's vectors
    assert not matches_fingerprint(int8, other)


def _tampered_copy(encoder_dir: Path, tmp_path: Path, name: str, how: str) -> Path:
    """A copy of the encoder (files linked, the tampered one written) with `name` removed or altered."""
    copy = tmp_path / "encoder"
    shutil.copytree(encoder_dir, copy, copy_function=os.symlink,
                    ignore=shutil.ignore_patterns(".staging-*"))
    data = (copy / name).read_bytes()
    (copy / name).unlink()
    if how == "corrupt":
        (copy / name).write_bytes(data[:1000] + bytes([data[1000] ^ 0xFF]) + data[1001:])
    return copy


@pytest.mark.parametrize("name, how, quantized", [
    (MODEL_INT8, "corrupt", True),
    (MODEL_INT8, "missing", True),
    (MODEL_FP32, "corrupt", False),
    (TOKENIZER, "corrupt", True),
    (TOKENIZER, "missing", False),
    (MANIFEST, "missing", True),
])
def test_missing_or_altered_file_is_named(encoder_dir, tmp_path, name, how, quantized):
    copy = _tampered_copy(encoder_dir, tmp_path, name, how)
    with pytest.raises(EncoderError, match=name.replace(".", r"\.")):
        OnnxEncoder(copy, quantized=quantized)


def test_runtime_does_not_import_torch(encoder_dir):
    code = textwrap.dedent("""
        import sys
        from segmentation.text.encoder import OnnxEncoder, default_encoder_dir
        OnnxEncoder(default_encoder_dir()).embed(['x'])
        assert 'torch' not in sys.modules and 'transformers' not in sys.modules and 'sklearn' not in sys.modules
    """)
    env = dict(os.environ, ENCODER_DIR=str(encoder_dir))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
