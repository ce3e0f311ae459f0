"""Candidate files: CSV (a header row naming the fields) or JSON Lines (one object per line), as the bulk
import and `ml train|predict --input` read them. `id` is accepted for `candidate_id`. In CSV, an empty
cell is a missing value, numbers are parsed as numbers and `skills` holds the skills separated by `;`.
Every row is validated like a POST (schemas.CandidateCreate); a rejected row is reported with its line
number (the line it starts on) and field. A candidate_id repeated in a file is rejected at its second line.
"""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from segmentation.candidates.schemas import CandidateCreate, field_errors
from segmentation.platform.errors import InvalidInput

NUMBERS = ("years_experience", "desired_salary")
KNOWN = set(CandidateCreate.model_fields) | {"id"}


@dataclass
class ParsedFile:
    accepted: list[dict[str, Any]] = field(default_factory=list)  # (line, record) pairs
    lines: list[int] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {"line", "candidate_id", "errors"}

    @property
    def rows(self) -> int:
        return len(self.accepted) + len(self.rejected)


def file_format(name: str, data: bytes) -> str:
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lower.endswith(".csv"):
        return "csv"
    first = data.lstrip()[:1]
    return "jsonl" if first == b"{" else "csv"


def _rename_id(row: dict[str, Any]) -> dict[str, Any] | str:
    if "id" in row:
        if "candidate_id" in row:
            return "both `id` and `candidate_id` are given; send one"
        row = {("candidate_id" if k == "id" else k): v for k, v in row.items()}
    return row


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    header = [h.strip().lstrip("\ufeff") for h in header]
    unknown = [h for h in header if h not in KNOWN]
    if unknown:
        raise InvalidInput(f"line 1: unknown column(s) {', '.join(unknown)}; known: {', '.join(sorted(KNOWN))}",
                           field=unknown[0])
    start = reader.line_num + 1
    for cells in reader:
        line, start = start, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield line, f"has {len(cells)} cells, the header {len(header)}"
            continue
        row: dict[str, Any] = {}
        problem = None
        for name, cell in zip(header, cells):
            cell = cell.strip()
            if cell == "":
                continue
            if name in NUMBERS:
                try:
                    row[name] = float(cell)
                except ValueError:
                    problem = problem or {"field": name, "message": f"{cell!r} is not a number"}
            elif name == "skills":
                row[name] = [s.strip() for s in cell.split(";") if s.strip()]
            else:
                row[name] = cell
        yield line, (row if problem is None else problem)


def _jsonl_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except ValueError as error:
            yield line, f"is not valid JSON ({error.msg})"
            continue
        yield line, row if isinstance(row, dict) else "is not a JSON object"


def parse_candidates(data: bytes, name: str = "") -> ParsedFile:
    """Every row of a candidate file, validated."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{name or 'the file'} is not UTF-8 text (byte {error.start})", field="file") from error
    rows = _csv_rows(text) if file_format(name, data) == "csv" else _jsonl_rows(text)
    parsed, seen = ParsedFile(), {}
    for line, row in rows:
        if isinstance(row, dict) and "field" in row and "message" in row and len(row) == 2:
            parsed.rejected.append({"line": line, "candidate_id": None, "errors": [row]})
            continue
        if isinstance(row, dict):
            row = _rename_id(row)
        if isinstance(row, str):
            parsed.rejected.append({"line": line, "candidate_id": None, "errors": [{"field": "(row)",
                                                                                     "message": row}]})
            continue
        try:
            candidate = CandidateCreate.model_validate(row).model_dump(exclude_unset=False)
        except ValidationError as error:
            parsed.rejected.append({"line": line, "candidate_id": row.get("candidate_id"),
                                    "errors": field_errors(error)})
            continue
        if candidate["candidate_id"] in seen:
            parsed.rejected.append({"line": line, "candidate_id": candidate["candidate_id"], "errors": [
                {"field": "candidate_id", "message": f"repeats line {seen[candidate['candidate_id']]}"}]})
            continue
        seen[candidate["candidate_id"]] = line
        parsed.accepted.append(candidate)
        parsed.lines.append(line)
    return parsed


def describe_rejections(rejected: list[dict[str, Any]], limit: int = 20) -> list[str]:
    out = [f"line {r['line']}: {e['field']}: {e['message']}" for r in rejected[:limit] for e in r["errors"][:3]]
    if len(rejected) > limit:
        out.append(f"... and {len(rejected) - limit} more rejected rows")
    return out
