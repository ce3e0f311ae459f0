import subprocess
import sys

from tests.conftest import ROOT


def test_docs_openapi_json_matches_the_handlers():
    done = subprocess.run([sys.executable, "scripts/export_openapi.py", "--check"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
