"""scripts/constrained_cluster.py as users run it: labels written, one JSON line, bad input named."""

import json
import subprocess
import sys

import numpy as np

from tests.conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "scripts/constrained_cluster.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)


def test_cluster_a_matrix(tmp_path):
    X = np.random.default_rng(0).normal(size=(1000, 4))
    np.save(tmp_path / "X.npy", X)
    for metric in ("l1", "l2"):
        done = run("--input", str(tmp_path / "X.npy"), "--clusters", "12", "--min-size", "0.05", "--max-size",
                   "0.10", "--metric", metric, "--seed", "3", "--n-init", "2", "--out", str(tmp_path / "labels.npy"))
        assert done.returncode == 0, done.stderr
        summary = json.loads(done.stdout)
        assert set(summary) == {"k", "sizes", "objective", "n_iter", "seconds"} and summary["k"] == 12
        labels = np.load(tmp_path / "labels.npy")
        assert labels.shape == (1000,) and np.bincount(labels).tolist() == summary["sizes"]
        assert min(summary["sizes"]) >= 50 and max(summary["sizes"]) <= 100


def test_bad_input_exits_non_zero_naming_the_option(tmp_path):
    X = np.random.default_rng(0).normal(size=(200, 2))
    np.save(tmp_path / "X.npy", X)
    bad = X.copy()
    bad[3, 1] = np.nan
    np.save(tmp_path / "nan.npy", bad)
    np.save(tmp_path / "empty.npy", np.empty((0, 2)))
    out = str(tmp_path / "labels.npy")
    cases = [
        (["--input", str(tmp_path / "X.npy"), "--clusters", "7"], "--clusters"),
        (["--input", str(tmp_path / "X.npy"), "--clusters", "1"], "--clusters"),
        (["--input", str(tmp_path / "X.npy"), "--clusters", "12", "--min-size", "0.2"], "--min-size"),
        (["--input", str(tmp_path / "X.npy"), "--clusters", "12", "--max-size", "1.5"], "--max-size"),
        (["--input", str(tmp_path / "X.npy"), "--clusters", "12", "--min-size", "0"], "--min-size"),
        (["--input", str(tmp_path / "nan.npy"), "--clusters", "12"], "--input"),
        (["--input", str(tmp_path / "empty.npy"), "--clusters", "12"], "--input"),
        (["--input", str(tmp_path / "missing.npy"), "--clusters", "12"], "--input"),
    ]
    for args, option in cases:
        done = run(*args, "--out", out)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith(f"constrained_cluster: {option}: "), done.stderr
        assert not (tmp_path / "labels.npy").exists()
