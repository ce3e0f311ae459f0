"""The web console works offline: every import resolves to a file in console/ (the vendored libraries
through index.html's import map), nothing is loaded from another origin, and every vendored package
is pinned with its licence."""

import json
import re
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[2] / "console"
IMPORT = re.compile(r"""(?:^|\s)(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)""",
                    re.MULTILINE)


def import_map() -> dict[str, str]:
    html = (CONSOLE / "index.html").read_text()
    [block] = re.findall(r'<script type="importmap">(.*?)</script>', html, re.DOTALL)
    return json.loads(block)["imports"]


def test_the_import_map_points_at_vendored_files():
    for name, target in import_map().items():
        assert (CONSOLE / target).is_file(), f"{name} -> {target} is not in console/"


def test_every_import_in_the_console_resolves_to_a_local_file():
    bare = import_map()
    for module in [p for p in [*CONSOLE.glob("js/**/*.js"), *CONSOLE.glob("vendor/**/*.js")] if p.is_file()]:
        for groups in IMPORT.findall(module.read_text()):
            spec = groups[0] or groups[1]
            if spec.startswith("."):
                assert (module.parent / spec).resolve().is_file(), f"{module.relative_to(CONSOLE)} imports {spec}"
            else:
                assert spec in bare, f"{module.relative_to(CONSOLE)} imports {spec!r}, which the import map lacks"


def test_nothing_is_loaded_from_another_origin():
    html = (CONSOLE / "index.html").read_text()
    assert not re.search(r'(src|href)="(https?:)?//', html)
    for module in CONSOLE.glob("js/**/*.js"):
        for groups in IMPORT.findall(module.read_text()):
            assert not re.match(r"(https?:)?//", groups[0] or groups[1]), module


def test_vendored_packages_are_pinned_with_their_licences():
    rows = [line.split() for line in (CONSOLE / "vendor" / "VERSIONS").read_text().splitlines()
            if line and not line.startswith("#")]
    assert {row[0] for row in rows} == {"preact", "htm", "chart.js", "@kurkle/color"}
    for name, version, integrity, licence in rows:
        assert re.fullmatch(r"\d+\.\d+\.\d+", version) and integrity.startswith("sha512-") and licence
        assert list((CONSOLE / "vendor" / name).glob("LICENSE*")), f"{name} has no licence file"
