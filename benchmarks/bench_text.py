"""Text segmentation: quality against baselines, reproducibility, serving agreement, training time,
/segment cold start and warm latency, and segment_ads.py throughput."""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import combinations

import numpy as np

from benchmarks.common import ROOT, python, summary_ms

CORPUS = ROOT / "models" / "corpus" / "esco_occupations.jsonl"
MODEL = ROOT / "models" / "text" / "default"
BOILERPLATE = ("You will join a friendly team with clear goals and good support. We offer a permanent contract, "
               "flexible working hours, training and development, a pension plan and 28 days of paid holiday. "
               "Please send your CV and a short cover letter explaining why you are interested in this role and "
               "what experience you bring. We welcome applications from everyone and review them as they arrive; "
               "interviews take place on a rolling basis, so apply early. Questions about the role are welcome.")


def job_ad(record: dict, words: int = 150) -> str:
    """A ~150-word job ad: the ESCO title and description, then typical ad boilerplate."""
    return " ".join(f"{record['title'].capitalize()} wanted. {record['text']} {BOILERPLATE} {BOILERPLATE}"
                    .split()[:words])


def _records() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text().splitlines()]


def quality_and_reproducibility() -> list[tuple[str, str, str]]:
    from segmentation.text.corpus import parse_corpus
    from segmentation.text.embedders import sentence_transformers_embedder
    from segmentation.text.encoder import OnnxEncoder, default_encoder_dir
    from segmentation.text.serving import Segmenter
    from segmentation.text.training import (
        TrainingParams,
        document_text,
        reduce_and_cluster,
        train_model,
    )
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
    from threadpoolctl import threadpool_limits

    documents = parse_corpus(CORPUS.read_bytes())
    labels = [d.label for d in documents]
    texts = [document_text(d) for d in documents]
    embed = sentence_transformers_embedder()
    embeddings = embed(texts)
    seeds = (0, 1, 2)
    with threadpool_limits(1):
        tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2).fit_transform(texts)
        scores = {
            "TF-IDF + K-means": [KMeans(10, n_init=10, random_state=s).fit(tfidf).labels_ for s in seeds],
            "raw embeddings + K-means": [KMeans(10, n_init=10, random_state=s).fit(embeddings).labels_
                                         for s in seeds],
            "this pipeline (hybrid reducer, default)": [
                reduce_and_cluster(embeddings, texts, TrainingParams(clusters=10), seed=s).labels for s in seeds],
        }
    rows = []
    for name, runs in scores.items():
        nmi = [normalized_mutual_info_score(labels, r) for r in runs]
        stability = statistics.mean(adjusted_rand_score(a, b) for a, b in combinations(runs, 2))
        rows.append((f"NMI vs ISCO major groups, k=10: {name}",
                     (f"{statistics.mean(nmi):.3f} ± {statistics.pstdev(nmi):.3f}; ARI between seeds "
                     f"{stability:.3f}"), "above both baselines" if "pipeline" in name else "baseline"))

    cached = dict(zip(texts, embeddings))

    def memo(batch):  # the corpus embeddings computed above; anything else (industry labels) is embedded
        missing = [t for t in batch if t not in cached]
        if missing:
            cached.update(zip(missing, embed(missing)))
        return np.stack([cached[t] for t in batch])

    params = TrainingParams(clusters=10)
    corpus = {"sha256": "bench", "documents": len(documents)}
    first, emb_a, _ = train_model(documents, corpus, memo, params, {})
    second, _, _ = train_model(documents, corpus, memo, params, {})
    other, _, _ = train_model(documents, corpus, memo, TrainingParams(clusters=10, seed=7, stability_seed=8), {})
    assign = [m.assign(emb_a, texts).cluster_ids for m in (first, second, other)]
    rows.append(("retrain on the same corpus and seed: ARI between assignments",
                 f"{adjusted_rand_score(assign[0], assign[1]):.3f}", "1.0"))
    rows.append(("retrain with another seed (42 vs 7): ARI between assignments",
                 f"{adjusted_rand_score(assign[0], assign[2]):.3f}", ">= 0.9 (goal)"))

    # Serving agreement on held-out ads: train on 80 %, compare assignments of the other 20 %.
    order = np.random.default_rng(0).permutation(len(documents))
    cut = int(0.8 * len(documents))
    train_docs = [documents[i] for i in order[:cut]]
    held_out = [documents[i] for i in order[cut:]]
    model, _, _ = train_model(train_docs, corpus, memo, params, {})
    held_texts = [document_text(d) for d in held_out]
    reference = model.assign(memo(held_texts), held_texts).cluster_ids
    for name, quantized in (("int8", True), ("fp32", False)):
        served = Segmenter(model, OnnxEncoder(default_encoder_dir(), quantized=quantized), 0.25).segment(held_texts)
        agreement = np.mean([int(r["assigned_cluster_id"]) == c for r, c in zip(served, reference)])
        rows.append(((f"held-out agreement, serving ({name} ONNX) vs training-time pipeline "
                     f"(sentence-transformers), {len(held_out)} ads"), f"{agreement:.1%}", ">= 97%"))
    return rows


def training_time() -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        done = subprocess.run([python(), "scripts/train_models.py", "--corpus", str(CORPUS), "--clusters", "10",
                               "--out", out], cwd=ROOT, capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - started
    steps = next(line for line in done.stdout.splitlines() if line.startswith("steps:"))
    return [("training on ESCO (2,942 docs), scripts/train_models.py whole process",
             f"{seconds:.0f} s ({steps[7:]})", "<= 180 s")]


COLD = """
import json, sys, time, importlib.util
t0 = time.perf_counter()
spec = importlib.util.spec_from_file_location("segment", "functions/jobs/segment.py")
module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
t1 = time.perf_counter()
class Context:
    function_name = "segment"; memory_limit_in_mb = 2048; invoked_function_arn = "arn"; aws_request_id = "r"
def event(text):
    return {"version": "2.0", "routeKey": "POST /segment", "rawPath": "/segment", "rawQueryString": "",
            "headers": {"content-type": "application/json"}, "isBase64Encoded": False,
            "requestContext": {"http": {"method": "POST", "path": "/segment", "sourceIp": "127.0.0.1"},
                               "requestId": "r", "stage": "$default"},
            "body": json.dumps({"job_ad_text": text})}
ad = sys.argv[1]
response = module.handler(event(ad), Context())
assert response["statusCode"] == 200, response
t2 = time.perf_counter()
warm = []
for _ in range(int(sys.argv[2])):
    s = time.perf_counter(); module.handler(event(ad), Context()); warm.append(time.perf_counter() - s)
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "warm": warm}))
"""


def serving(cloud_endpoint: str, bucket: str) -> list[tuple[str, str, str]]:
    ad = job_ad(_records()[123])
    env = {**os.environ, "AWS_ENDPOINT_URL": cloud_endpoint, "AWS_ACCESS_KEY_ID": "local",
           "AWS_SECRET_ACCESS_KEY": "local", "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
           "ARTIFACTS_BUCKET": bucket, "POWERTOOLS_METRICS_NAMESPACE": "bench", "POWERTOOLS_LOG_LEVEL": "WARNING"}
    colds, phases, warm = [], [], []
    for run in range(5):
        started = time.perf_counter()
        done = subprocess.run([python(), "-c", COLD, ad, "200" if run == 0 else "0"], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=True)
        colds.append(time.perf_counter() - started)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        phases.append((result["import"], result["first"]))
        warm += result["warm"]
    imports = statistics.median(p[0] for p in phases)
    first = statistics.median(p[1] for p in phases)
    rows = [("/segment handler cold start: fresh process to first answer (model from S3 on the local cloud)",
             (f"median {statistics.median(colds):.2f} s (imports {imports:.2f} s, model load + first answer "
             f"{first:.2f} s; n=5)"), "<= 1.0 s"),
            (f"/segment handler warm, {len(ad.split())}-word ad, in-process", summary_ms(warm), "p50 <= 40 ms")]

    records = _records()
    for name, lines, budget in (
            ("150-word ads", [json.dumps({"id": r["id"], "text": job_ad(r)}) for r in records[:600]], ">= 30 ads/s"),
            ("job titles", [json.dumps({"id": r["id"], "text": r["title"]}) for r in records[:2000]], ">= 80 ads/s")):
        started = time.perf_counter()
        done = subprocess.run([python(), "scripts/segment_ads.py", "--model", str(MODEL)], cwd=ROOT,
                              input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - started
        assert len(done.stdout.splitlines()) == len(lines)
        rows.append((f"scripts/segment_ads.py throughput, {len(lines)} {name}, whole process",
                     f"{len(lines) / seconds:.0f} ads/s ({seconds:.1f} s)", budget))
    return rows


def compute_floor() -> list[tuple[str, str, str]]:
    """What this CPU can do for the encoder: one of its matrix products (tokens x 384 x 1536) in ONNX
    Runtime as fp32 MatMul and as int8 MatMulInteger, and the floor that sets for the benchmark ad."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper
    from segmentation.text.encoder import OnnxEncoder, default_encoder_dir

    ad = job_ad(_records()[123])
    tokens = len(OnnxEncoder(default_encoder_dir())._tokenizer.encode(ad).ids)
    m, k, n = tokens, 384, 1536
    rng = np.random.default_rng(0)

    def timed(op: str, a_type: int, w: np.ndarray, a: np.ndarray, out_type: int) -> float:
        graph = helper.make_graph([helper.make_node(op, ["a", "w"], ["y"])], "g",
                                  [helper.make_tensor_value_info("a", a_type, [m, k])],
                                  [helper.make_tensor_value_info("y", out_type, [m, n])],
                                  [numpy_helper.from_array(w, "w")])
        options = ort.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        session = ort.InferenceSession(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
                                       .SerializeToString(), options, providers=["CPUExecutionProvider"])
        session.run(None, {"a": a})
        runs = []
        for _ in range(200):
            started = time.perf_counter()
            session.run(None, {"a": a})
            runs.append(time.perf_counter() - started)
        return 2 * m * k * n / statistics.median(runs) / 1e9

    fp32 = timed("MatMul", TensorProto.FLOAT, rng.standard_normal((k, n), dtype=np.float32),
                 rng.standard_normal((m, k), dtype=np.float32), TensorProto.FLOAT)
    int8 = timed("MatMulInteger", TensorProto.UINT8, rng.integers(-127, 127, (k, n), dtype=np.int8),
                 rng.integers(0, 255, (m, k), dtype=np.uint8), TensorProto.INT32)
    floor_ms = tokens * 21e6 / (max(fp32, int8) * 1e9) * 1000
    return [(f"encoder compute on this CPU: one {m}x{k}x{n} product, ONNX Runtime, all cores",
             f"fp32 MatMul {fp32:.0f} GFLOP/s, int8 MatMulInteger {int8:.0f} GOP/s (ratio {int8 / fp32:.2f})",
             "int8 would need to be ~2x to help"),
            (f"floor for the benchmark ad ({tokens} tokens x 21 MFLOP/token at the faster rate above)",
             f"{floor_ms:.0f} ms of matrix products alone", "warm p50 <= 40 ms")]


def run() -> list[tuple[str, str, str]]:
    import requests

    from benchmarks.bench_foundation import _start, _stop

    rows = training_time() + quality_and_reproducibility() + compute_floor()
    process, _seconds, port, _api_port = _start(seed_model=MODEL)
    try:
        stack = requests.get(f"http://127.0.0.1:{port}/_local/stack", timeout=30).json()
        rows += serving(f"http://127.0.0.1:{port}", stack["resources"]["ArtifactsBucket"]["ref"])
    finally:
        _stop(process)
    return rows


if __name__ == "__main__":
    sys.exit(print(run()))
