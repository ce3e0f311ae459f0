"""Deployment settings, read from the function's environment (set by template.yaml)."""

import os

from segmentation.platform.errors import ConfigurationError


def require(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"environment variable {name} is not set; check the function in template.yaml")
    return value


def optional(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def entities_table() -> str:
    return require("ENTITIES_TABLE")


def events_table() -> str:
    return require("EVENTS_TABLE")


def artifacts_bucket() -> str:
    return require("ARTIFACTS_BUCKET")


def training_state_machine_arn() -> str:
    return require("TRAINING_STATE_MACHINE_ARN")


def corpus_prefix() -> str:
    return optional("CORPUS_PREFIX", "corpus/")


def runs_prefix() -> str:
    return optional("RUNS_PREFIX", "runs/")
