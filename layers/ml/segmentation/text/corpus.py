"""Job-ad texts: the rules one ad's text must meet, and training corpora (a JSON array or JSON Lines of
objects with `text` and optional `id`, `title`, `label`, `source`). Light on purpose: request handlers import it."""

import json
from dataclasses import dataclass
from typing import Any

from segmentation.platform.errors import InvalidInput

MAX_TEXT_CHARS = 20_000
MAX_DOCUMENTS = 200_000


def validate_ad_text(text: Any, field: str = "job_ad_text") -> str:
    if not isinstance(text, str):
        raise InvalidInput(f"{field} must be a string", field=field)
    if not text.strip():
        raise InvalidInput(f"{field} is empty", field=field)
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(f"{field} is longer than {MAX_TEXT_CHARS} characters", field=field)
    return text


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    title: str | None = None
    label: str | None = None
    # What kind of text this is (e.g. occupation descriptions vs job ads). Training removes the direction
    # that separates the sources' mean embeddings, so clusters group occupations, not writing styles.
    source: str | None = None


class CorpusError(InvalidInput):
    """A corpus that cannot be used; the message names the record and field."""


def _records(raw: str) -> list[tuple[str, object]]:
    stripped = raw.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise CorpusError(f"corpus is not valid JSON: {error}", field="corpus") from error
        return [(f"item {index}", item) for index, item in enumerate(items)]
    records = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((f"line {number}", json.loads(line)))
        except json.JSONDecodeError as error:
            raise CorpusError(f"line {number} is not valid JSON: {error.msg}", field=f"line {number}") from error
    return records


def _optional_str(record: dict, name: str, where: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise CorpusError(f"{where}: `{name}` must be a string", field=f"{where}.{name}")
    return str(value)


def parse_corpus(raw: bytes | str) -> list[Document]:
    """Parse and validate a corpus; raises CorpusError naming the first bad record."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise CorpusError("corpus is not UTF-8 text", field="corpus") from error
    documents: list[Document] = []
    seen_ids: set[str] = set()
    for index, (where, record) in enumerate(_records(raw)):
        if not isinstance(record, dict):
            raise CorpusError(f"{where}: expected an object with `text`", field=where)
        text = record.get("text")
        if not isinstance(text, str):
            raise CorpusError(f"{where}: `text` must be a string", field=f"{where}.text")
        if not text.strip():
            raise CorpusError(f"{where}: `text` is empty", field=f"{where}.text")
        if len(text) > MAX_TEXT_CHARS:
            raise CorpusError(f"{where}: `text` is longer than {MAX_TEXT_CHARS} characters", field=f"{where}.text")
        doc_id = _optional_str(record, "id", where) or str(index)
        if doc_id in seen_ids:
            raise CorpusError(f"{where}: duplicate id {doc_id!r}", field=f"{where}.id")
        seen_ids.add(doc_id)
        documents.append(Document(doc_id, text.strip(), _optional_str(record, "title", where),
                                  _optional_str(record, "label", where), _optional_str(record, "source", where)))
        if len(documents) > MAX_DOCUMENTS:
            raise CorpusError(f"corpus has more than {MAX_DOCUMENTS} documents", field="corpus")
    if not documents:
        raise CorpusError("corpus has no documents", field="corpus")
    return documents
