"""Reading a SAM/CloudFormation template and resolving the intrinsics it uses (Ref, Fn::GetAtt, Fn::Sub)."""

import re
from pathlib import Path
from typing import Any

import yaml


class TemplateError(Exception):
    """The template asks for something the local deployer cannot honour; the message names where."""


class _Loader(yaml.SafeLoader):
    """YAML with CloudFormation short-form tags (!Ref, !GetAtt, !Sub, ...)."""


def _short_form(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_Loader.add_multi_constructor("!", _short_form)


def load_template(path: str | Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        template = yaml.load(handle, Loader=_Loader)
    if not isinstance(template, dict) or "Resources" not in template:
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources)")
    return template


_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")
SUPPORTED_INTRINSICS = ("Ref", "Fn::GetAtt", "Fn::Sub", "Fn::If", "Fn::Equals", "Fn::Not", "Condition")


def references(value: Any) -> set[str]:
    """Logical ids (and pseudo parameters) that a value refers to."""
    found: set[str] = set()
    if isinstance(value, dict):
        if set(value) == {"Ref"} and isinstance(value["Ref"], str):
            found.add(value["Ref"])
        elif set(value) == {"Fn::GetAtt"}:
            found.add(value["Fn::GetAtt"][0])
        elif set(value) == {"Fn::Sub"}:
            text, variables = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
            found |= {name.split(".")[0] for name in _SUB_VARIABLE.findall(text) if name not in variables}
            found |= references(variables)
        else:
            for item in value.values():
                found |= references(item)
    elif isinstance(value, list):
        for item in value:
            found |= references(item)
    return found


class Resolver:
    """Resolves intrinsics against parameters, pseudo parameters and resources deployed so far."""

    def __init__(self, names: dict[str, Any]):
        # names: "Logical" -> Ref value; "Logical.Attr" -> GetAtt value; "AWS::Region" -> pseudo parameter.
        self.names = names

    def _lookup(self, name: str, where: str) -> Any:
        if name not in self.names:
            raise TemplateError(f"{where}: cannot resolve {name!r} (unknown, or not deployed yet)")
        return self.names[name]

    def resolve(self, value: Any, where: str) -> Any:
        if isinstance(value, list):
            return [self.resolve(item, where) for item in value]
        if not isinstance(value, dict):
            return value
        # {"Condition": "Name"} alone is the condition function; an IAM statement's Condition block is data.
        intrinsic = [key for key in value if key == "Ref" or key.startswith("Fn::")
                     or (key == "Condition" and len(value) == 1 and isinstance(value[key], str))]
        if not intrinsic:
            return {key: self.resolve(item, f"{where}.{key}") for key, item in value.items()}
        name = intrinsic[0]
        if name not in SUPPORTED_INTRINSICS or len(value) != 1:
            raise TemplateError(f"{where}: {name} is not supported by the local deployer "
                                f"(supported: {', '.join(SUPPORTED_INTRINSICS)})")
        argument = value[name]
        if name == "Condition":  # a named condition (inside Fn::Not, Fn::And, ...)
            return self._lookup(f"Condition::{argument}", where)
        if name == "Fn::If":  # only the chosen branch is resolved, as CloudFormation does
            condition, when_true, when_false = argument
            chosen = when_true if self._lookup(f"Condition::{condition}", where) else when_false
            return self.resolve(chosen, where)
        if name == "Fn::Equals":
            left, right = (self.resolve(item, where) for item in argument)
            return left == right
        if name == "Fn::Not":
            return not self.resolve(argument[0], where)
        if name == "Ref":
            return self._lookup(argument, where)
        if name == "Fn::GetAtt":
            logical, attribute = argument
            return self._lookup(f"{logical}.{attribute}", where)
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        variables = {key: self.resolve(item, where) for key, item in variables.items()}

        def substitute(match: re.Match) -> str:
            variable = match.group(1)
            return str(variables[variable] if variable in variables else self._lookup(variable, where))

        return _SUB_VARIABLE.sub(substitute, text).replace("${!", "${")
