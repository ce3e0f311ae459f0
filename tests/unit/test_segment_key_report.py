"""scripts/segment_key_report.py as users run it."""

import csv
import os
import subprocess
import sys

from tests.conftest import ROOT


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "scripts/segment_key_report.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False, env={**os.environ, **(env or {})})


def write_esco(folder):
    folder.mkdir()
    with open(folder / "occupations_en.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["preferredLabel", "altLabels"])
        writer.writeheader()
        writer.writerow({"preferredLabel": "software developer", "altLabels": "Sr. Developer\nJR developer\n"})
        writer.writerow({"preferredLabel": "editorial intern", "altLabels": "data entry clerk"})


def test_counts_per_level_from_a_folder_given_by_flag_or_environment(tmp_path):
    write_esco(tmp_path / "esco")
    for result in (run("--esco", str(tmp_path / "esco")), run(env={"ESCO_DIR": str(tmp_path / "esco")})):
        assert result.returncode == 0, result.stderr
        rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:5]]
                for line in result.stdout.splitlines() if line.startswith("| ")}
        assert rows["intern"] == ["1", "0", "1"]
        assert rows["junior"] == ["0", "1", "1"]
        assert rows["senior"] == ["0", "1", "1"]
        assert rows["default"] == ["1", "1", "2"]
        assert rows["(of default: a level word ruled out)"] == ["0", "1", "1"]


def test_a_missing_folder_is_an_error(tmp_path):
    result = run("--esco", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "ESCO_DIR" in result.stderr
