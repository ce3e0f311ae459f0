import pytest
from localcloud.template import SUPPORTED_INTRINSICS, Resolver, TemplateError, load_template, references

from tests.conftest import TEMPLATE


def test_short_form_tags_become_intrinsics(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("Resources:\n  A:\n    Type: X\n    Properties:\n"
                    "      r: !Ref B\n      g: !GetAtt B.Arn\n      s: !Sub 'x-${B}'\n      j: !Join ['-', [a]]\n")
    props = load_template(path)["Resources"]["A"]["Properties"]
    assert props == {"r": {"Ref": "B"}, "g": {"Fn::GetAtt": ["B", "Arn"]}, "s": {"Fn::Sub": "x-${B}"},
                     "j": {"Fn::Join": ["-", ["a"]]}}


def test_references_include_sub_variables_but_not_local_ones_or_literals():
    value = {"Fn::Sub": ["${A}-${B.Name}-${local}-${!Literal}", {"local": {"Ref": "C"}}]}
    assert references(value) == {"A", "B", "C"}


def test_resolver_handles_ref_getatt_and_sub():
    resolver = Resolver({"Table": "t1", "Fn.Arn": "arn:fn", "AWS::Region": "eu-west-1"})
    value = {"name": {"Ref": "Table"}, "arn": {"Fn::GetAtt": ["Fn", "Arn"]},
             "url": {"Fn::Sub": "https://${Table}.${AWS::Region}/${!Keep}"},
             "pair": {"Fn::Sub": ["${x}/${Table}", {"x": {"Ref": "Table"}}]}}
    assert resolver.resolve(value, "R") == {"name": "t1", "arn": "arn:fn", "url": "https://t1.eu-west-1/${Keep}",
                                            "pair": "t1/t1"}


def test_resolver_handles_conditions_resolving_only_the_chosen_branch():
    resolver = Resolver({"Condition::Yes": True, "Condition::No": False, "P": ""})
    assert resolver.resolve({"Fn::If": ["Yes", 1, {"Ref": "Unresolvable"}]}, "R") == 1
    assert resolver.resolve({"Fn::If": ["No", {"Ref": "Unresolvable"}, 2]}, "R") == 2
    assert resolver.resolve({"Fn::Equals": [{"Ref": "P"}, ""]}, "R") is True
    assert resolver.resolve({"Fn::Not": [{"Condition": "Yes"}]}, "R") is False


def test_resolver_refuses_what_it_cannot_honour():
    resolver = Resolver({})
    with pytest.raises(TemplateError, match=r"R.x: Fn::Select is not supported"):
        resolver.resolve({"x": {"Fn::Select": [0, [1, 2]]}}, "R")
    with pytest.raises(TemplateError, match="cannot resolve 'Condition::c'"):
        resolver.resolve({"Fn::If": ["c", 1, 2]}, "R")
    with pytest.raises(TemplateError, match="cannot resolve 'Missing'"):
        resolver.resolve({"Ref": "Missing"}, "R")


def test_project_template_uses_only_supported_intrinsics():
    template = load_template(TEMPLATE)

    def intrinsics(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key.startswith("Fn::") or key == "Ref":
                    yield key
                yield from intrinsics(item)
        elif isinstance(value, list):
            for item in value:
                yield from intrinsics(item)

    assert set(intrinsics(template)) <= set(SUPPORTED_INTRINSICS)
