from segmentation.learning.aggregation import Aggregate, best_style, form_profiles, style_hint, style_stats


def events(host, schema, style, helpful=0, unhelpful=0, none=0, segment="senior", family="greenhouse", edits=0):
    out = []
    for status, count in (("helpful", helpful), ("unhelpful", unhelpful), ("none", none)):
        out += [{"host": host, "schema_hash": schema, "family": family, "segment_key": segment,
                 "gen_style_id": style, "feedback_status": status, "edit_chars": edits}] * count
    return out


FORM = ("boards.greenhouse.io", "f1")


def test_a_form_with_enough_runs_uses_its_own_stats():
    aggregate = Aggregate().add_all(events(*FORM, "concise", helpful=4, unhelpful=1)
                                    + events("boards.greenhouse.io", "f2", "formal", helpful=30))
    hint = style_hint(aggregate, FORM)
    assert (hint["source"], hint["preferred_style_id"], hint["segment_key"]) == ("form", "concise", "senior")
    assert hint["style_stats"]["concise"]["runs"] == 5


def test_a_sparse_form_falls_back_to_its_segment_then_its_family_then_none():
    segment = Aggregate().add_all(events(*FORM, "concise", helpful=1)
                                  + events("boards.greenhouse.io", "f2", "formal", helpful=5)
                                  + events("boards.greenhouse.io", "f3", "warm", helpful=20, segment="junior"))
    hint = style_hint(segment, FORM)
    assert (hint["source"], hint["preferred_style_id"]) == ("segment", "formal")
    assert set(hint["style_stats"]) == {"concise", "formal"}

    family = Aggregate().add_all(events(*FORM, "concise", helpful=1)
                                 + events("boards.greenhouse.io", "f3", "warm", helpful=9, segment="junior"))
    hint = style_hint(family, FORM)
    assert (hint["source"], hint["preferred_style_id"], hint["segment_key"]) == ("family", "warm", "senior")

    sparse = Aggregate().add_all(events(*FORM, "concise", helpful=1)
                                 + events("jobs.lever.co", "f9", "warm", helpful=50, family="lever"))
    hint = style_hint(sparse, FORM)
    assert (hint["source"], hint["preferred_style_id"]) == (None, None)


def test_a_form_without_job_data_skips_the_segment_level():
    aggregate = Aggregate().add_all(events(*FORM, "concise", helpful=2, segment=None)
                                    + events("boards.greenhouse.io", "f2", "formal", helpful=8, segment=None))
    hint = style_hint(aggregate, FORM)
    assert (hint["source"], hint["segment_key"], hint["preferred_style_id"]) == ("family", None, "formal")


def test_the_profile_segment_is_the_most_common_one():
    aggregate = Aggregate().add_all(events(*FORM, "a", helpful=1, segment="junior")
                                    + events(*FORM, "a", helpful=2, segment="intern")
                                    + events(*FORM, "a", helpful=1, segment=None))
    [profile] = form_profiles(aggregate)
    assert profile["segment_key"] == "intern"
    assert profile["runs"] == 4


def test_ranking_prefers_evidence_over_a_lucky_streak():
    stats = style_stats({"lucky": [1, 1, 0, 0], "proven": [50, 45, 5, 0]})
    assert best_style(stats) == "proven"
    assert stats["lucky"]["posterior_mean"] < stats["proven"]["posterior_mean"]


def test_without_feedback_fewer_edits_win():
    stats = style_stats({"a": [6, 0, 0, 600], "b": [6, 0, 0, 60]})
    assert best_style(stats) == "b"
    assert stats["a"]["no_feedback"] == 6 and stats["b"]["mean_edit_chars"] == 10


def test_runs_by_family_and_segment():
    aggregate = Aggregate().add_all(events(*FORM, "a", helpful=2) + events(*FORM, "a", none=3, segment=None)
                                    + events("jobs.lever.co", "x", "a", helpful=1, family="lever", segment="intern"))
    assert aggregate.runs_by_family_and_segment() == {("greenhouse", "senior"): 2, ("greenhouse", "none"): 3,
                                                      ("lever", "intern"): 1}
