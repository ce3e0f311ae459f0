from segmentation.text.retraining import execution_name


def test_execution_names_are_valid_and_deterministic():
    name = execution_name("corpus/Job ads (EU) 2026.jsonl", '"3a806b0caea0980d1234"')
    assert name == "Job-ads-EU-2026-3a806b0caea0980d"
    assert len(execution_name("corpus/" + "x" * 300 + ".jsonl", "e" * 32)) <= 80
    assert execution_name("corpus/.jsonl", "abc") == "corpus-abc"
