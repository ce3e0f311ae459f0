"""`ml`: the seed's command-line interface for candidate segmentation.

    ml train   [--clusters N|auto] [--input FILE] [--out DIR]
    ml predict [--input FILE] [--model DIR] [--output FILE]

With --input (CSV or JSON Lines; `id` is accepted for `candidate_id`) both run offline on files: train
writes a model version under DIR/{version}/ and promotes it to DIR/latest.json through the quality
gates; predict assigns every row with the model in DIR (a version folder, or a folder with
latest.json). Without --input they act on the deployed stack whose API base URL is $ML_API_URL (the
local cloud's `make up` prints it; on AWS the stack output HttpApiUrl), sending $ML_API_TOKEN as a bearer
token when set: train starts a run and waits for it, predict assigns and writes back the whole pool.

Exit status: 0 done; 2 bad input (each rejected row is printed with its line number and field, and
nothing is written); 3 no usable model, or the model failed its quality gates (latest is unchanged);
4 the deployed stack answered with an error.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from segmentation.platform.memory import cyclic_collector_paused

DEFAULT_DIR = Path("ml_models") / "candidates"


class CliError(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def _read_input(path: Path):
    from segmentation.candidates.files import describe_rejections, parse_candidates
    from segmentation.platform.errors import InvalidInput

    if not path.is_file():
        raise CliError(f"{path} does not exist", 2)
    try:
        parsed = parse_candidates(path.read_bytes(), path.name)
    except InvalidInput as error:
        raise CliError(f"{path}: {error}", 2) from error
    if parsed.rejected:
        lines = "\n".join(f"{path}: {line}" for line in describe_rejections(parsed.rejected))
        raise CliError(f"{lines}\n{len(parsed.rejected)} of {parsed.rows} rows are invalid; nothing was written", 2)
    return parsed.accepted


def _registry(directory: Path):
    from segmentation.candidates.registry import CandidateRegistry, LocalStore

    return CandidateRegistry(LocalStore(directory), prefix="")


def train_offline(input_path: Path, clusters: str | None, out: Path) -> dict[str, Any]:
    from segmentation.candidates.registry import PromotionRefused
    from segmentation.candidates.training import TrainingParams, train
    from segmentation.platform.errors import DependencyUnavailable, InvalidInput

    records = _read_input(input_path)
    try:
        params = TrainingParams(clusters=TrainingParams.parse_clusters(clusters))
    except InvalidInput as error:
        raise CliError(str(error), 2) from error
    registry = _registry(out)
    try:
        previous = registry.load_latest()
    except DependencyUnavailable:
        previous = None
    try:
        model = train(records, params, previous=previous, source={"file": str(input_path)})
    except InvalidInput as error:
        raise CliError(f"{input_path}: {error}", 2) from error
    registry.publish(model)
    path = registry.uri(model.version).rstrip("/")
    try:
        registry.promote(model.version)
    except PromotionRefused as error:
        raise CliError(f"{error}; the version stays at {path}, latest is unchanged", 3) from error
    return {"num_candidates": len(records), "num_clusters": model.manifest["parameters"]["k"], "model_path": path}


def load_model(directory: Path):
    from segmentation.candidates.model import CandidateModel, ModelArtifactError
    from segmentation.platform.errors import DependencyUnavailable

    try:
        if (directory / "manifest.json").is_file():
            return CandidateModel.load(directory)
        return _registry(directory).load_latest()
    except (ModelArtifactError, DependencyUnavailable) as error:
        raise CliError(str(error), 3) from error


def predict_offline(input_path: Path, model_dir: Path, output: Path | None) -> dict[str, Any]:
    with cyclic_collector_paused():
        return _predict_offline(input_path, model_dir, output)


def _predict_offline(input_path: Path, model_dir: Path, output: Path | None) -> dict[str, Any]:
    from segmentation.candidates.model import features_of, segment_counts

    records = _read_input(input_path)
    model = load_model(model_dir)
    assignment = model.assign([features_of(r) for r in records], explain=output is not None, normalized=True)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        temporary = output.with_name(output.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            for index, record in enumerate(records):
                handle.write(json.dumps({"candidate_id": record["candidate_id"],
                                         "segment_id": assignment.segment_ids[index],
                                         "confidence": round(float(assignment.confidence[index]), 4),
                                         "explanation": assignment.explanations[index]}, ensure_ascii=False) + "\n")
        temporary.replace(output)
    return {"num_candidates": len(records), "segments": segment_counts(assignment.segment_ids),
            "model_version": model.version}


# ---------------------------------------------------------------- the deployed stack
class Api:
    def __init__(self):
        base = os.environ.get("ML_API_URL", "").strip()
        if not base:
            raise CliError("no --input, so ml acts on the deployed stack: set ML_API_URL to its API base URL "
                           "(`make up` prints it; on AWS the stack output HttpApiUrl)", 2)
        self.base = base.rstrip("/")
        self.headers = {"content-type": "application/json"}
        if token := os.environ.get("ML_API_TOKEN"):
            self.headers["authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        import urllib.error
        import urllib.request

        request = urllib.request.Request(self.base + path, method=method, headers=self.headers,
                                         data=None if body is None else json.dumps(body).encode())
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            try:
                answer = json.load(error)
            except ValueError:
                answer = {"message": error.reason}
            raise CliError(f"{method} {path}: {error.code} {answer.get('message', '')}",
                           3 if error.code == 503 else 2 if error.code == 422 else 4) from error
        except urllib.error.URLError as error:
            raise CliError(f"{self.base} is not reachable ({error.reason}); is the stack up?", 4) from error

    def wait(self, run_id: str, timeout: float = 3600) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            _status, run = self.call("GET", f"/api/candidates/segmentation/runs/{run_id}")
            if run["status"] != "RUNNING":
                if run["status"] != "SUCCEEDED":
                    raise CliError(f"run {run_id} failed: {run.get('error')}: {run.get('cause')}",
                                   3 if run.get("error") == "PromotionRefused" else 4)
                return run
            if time.monotonic() > deadline:
                raise CliError(f"run {run_id} is still {run.get('step')} after {timeout:.0f} s", 4)
            time.sleep(1.0)


def train_remote(clusters: str | None) -> dict[str, Any]:
    api = Api()
    body = {} if clusters is None else {"clusters": clusters if clusters == "auto" else _int(clusters)}
    _status, started = api.call("POST", "/api/candidates/segmentation/train", body)
    run = api.wait(started["run_id"])
    return {"num_candidates": run["counts"]["candidates"], "num_clusters": run["result"]["k"],
            "model_path": run["result"]["model_uri"]}


def predict_remote(output: Path | None) -> dict[str, Any]:
    api = Api()
    status, answer = api.call("POST", "/api/candidates/segmentation/predict", {})
    result = answer if status == 200 else api.wait(answer["run_id"])["result"]
    if output is not None:
        with output.open("w", encoding="utf-8") as handle:
            cursor = None
            while True:
                path = "/api/candidates?limit=100" + (f"&cursor={cursor}" if cursor else "")
                _status, page = api.call("GET", path)
                for c in page["items"]:
                    handle.write(json.dumps({"candidate_id": c["candidate_id"], "segment_id": c["segment_id"],
                                             "confidence": c["segment_confidence"],
                                             "explanation": c["segment_explanation"]}, ensure_ascii=False) + "\n")
                cursor = page["next_cursor"]
                if not cursor:
                    break
    return result


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError as error:
        raise CliError(f"--clusters must be a number or auto, not {value!r}", 2) from error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ml", description="Candidate segmentation (train, predict).")
    commands = parser.add_subparsers(dest="command", required=True)
    train_parser = commands.add_parser("train", help="Train the segmentation model.")
    train_parser.add_argument("--clusters", default=None, help="Number of clusters, or auto (default 5)")
    train_parser.add_argument("--input", type=Path, help="CSV or JSON Lines of candidates (offline)")
    train_parser.add_argument("--out", type=Path, default=DEFAULT_DIR, help=f"model folder (default {DEFAULT_DIR})")
    predict_parser = commands.add_parser("predict", help="Apply the model to segment candidates.")
    predict_parser.add_argument("--input", type=Path, help="CSV or JSON Lines of candidates (offline)")
    predict_parser.add_argument("--model", type=Path, default=DEFAULT_DIR,
                                help=f"a model version folder, or a folder with latest.json (default {DEFAULT_DIR})")
    predict_parser.add_argument("--output", type=Path, help="write JSON Lines {candidate_id, segment_id, "
                                                            "confidence, explanation}")
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            result = (train_offline(args.input, args.clusters, args.out) if args.input
                      else train_remote(args.clusters))
            print(f"Model trained with {result['num_candidates']} candidates and {result['num_clusters']} clusters")
            print(f"Model saved to {result['model_path']}")
        else:
            result = (predict_offline(args.input, args.model, args.output) if args.input
                      else predict_remote(args.output))
            print(f"Segmented {result['num_candidates']} candidates")
            for segment_id, count in result["segments"].items():
                print(f"Segment {segment_id}: {count} candidates")
    except CliError as error:
        print(f"ml {args.command}: {error}", file=sys.stderr)
        return error.status
    return 0


if __name__ == "__main__":
    sys.exit(main())
