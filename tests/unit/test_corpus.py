import json

import pytest
from segmentation.text.corpus import MAX_TEXT_CHARS, CorpusError, parse_corpus


def test_json_lines_and_json_array_give_the_same_documents():
    records = [{"id": "a", "text": " Nurse on a ward ", "label": "2", "source": "esco"},
               {"text": "Welder", "title": "welder"}]
    lines = "\n".join(json.dumps(r) for r in records) + "\n\n"
    assert parse_corpus(lines) == parse_corpus(json.dumps(records).encode())
    first, second = parse_corpus(lines)
    assert (first.id, first.text, first.label, first.source) == ("a", "Nurse on a ward", "2", "esco")
    assert (second.id, second.title, second.label, second.source) == ("1", "welder", None, None)


@pytest.mark.parametrize("raw, message", [
    ('{"text": "ok"}\n{"text": ', "line 2 is not valid JSON"),
    ('{"text": "ok"}\n{"title": "no text"}', "line 2: `text` must be a string"),
    ('{"text": "ok"}\n{"text": "   "}', "line 2: `text` is empty"),
    ('[{"text": 5}]', "item 0: `text` must be a string"),
    ('[{"text": "a", "id": 1}, {"text": "b", "id": "1"}]', "item 1: duplicate id '1'"),
    ('[{"text": "a", "label": ["x"]}]', "item 0: `label` must be a string"),
    ('[{"text": "a", "source": {"x": 1}}]', "item 0: `source` must be a string"),
    ('["just a string"]', "item 0: expected an object"),
    ("", "corpus has no documents"),
    ("[1, 2", "corpus is not valid JSON"),
])
def test_bad_corpora_are_rejected_naming_the_record(raw, message):
    with pytest.raises(CorpusError, match=message):
        parse_corpus(raw)


def test_overlong_text_and_non_utf8_are_rejected():
    with pytest.raises(CorpusError, match=f"longer than {MAX_TEXT_CHARS}"):
        parse_corpus(json.dumps({"text": "x" * (MAX_TEXT_CHARS + 1)}))
    with pytest.raises(CorpusError, match="not UTF-8"):
        parse_corpus(b'{"text": "\xff"}')
