"""The USAJOBS corpus builder's occupational balance (scripts/build_usajobs_corpus.py): title families and the
per-family cap."""

import importlib.util

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("build_usajobs_corpus", ROOT / "scripts" / "build_usajobs_corpus.py")
corpus = importlib.util.module_from_spec(spec)
spec.loader.exec_module(corpus)


def test_title_family_is_the_role_noun_or_its_two_word_role_when_the_noun_names_no_field():
    assert corpus.title_family("Registered Nurse") == corpus.title_family("Clinical Nurse") == "nurse"
    assert corpus.title_family("Supervisory Physician") == "physician"
    assert corpus.title_family("IT Specialist") == "it specialist"
    assert corpus.title_family("Police Officer") == "police officer"
    assert corpus.title_family("Human Resources Specialist") != corpus.title_family("IT Specialist")
    assert corpus.title_family("Program Management") == "program management"  # no role noun: the title


def test_cap_keeps_at_most_n_per_family_deterministically_and_in_order():
    ads = [{"id": f"n{i}", "title": "Registered Nurse" if i % 2 else "Clinical Nurse", "text": "x"} for i in range(9)]
    ads += [{"id": "d1", "title": "Motor Vehicle Operator", "text": "x"}]
    kept, dropped = corpus.cap_families(ads, 3)
    assert dropped == 6 and len(kept) == 4 and kept[-1]["id"] == "d1"
    assert [a["id"] for a in kept] == [a["id"] for a in ads if a in kept]  # corpus order
    again, _ = corpus.cap_families(list(reversed(ads)), 3)
    assert {a["id"] for a in again} == {a["id"] for a in kept}  # independent of file order
    assert corpus.cap_families(ads, 0) == (ads, 0)
