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


def models_prefix() -> str:
    return optional("MODELS_PREFIX", "models/text/")


def confidence_threshold() -> float:
    """Below this confidence an ad gets broad targeting (CONFIDENCE_THRESHOLD, default 0.25)."""
    value = optional("CONFIDENCE_THRESHOLD", "0.25")
    try:
        threshold = float(value)
    except ValueError as error:
        raise ConfigurationError(f"CONFIDENCE_THRESHOLD must be a number, not {value!r}") from error
    if not 0.0 <= threshold <= 1.0:
        raise ConfigurationError(f"CONFIDENCE_THRESHOLD must be within [0, 1], not {threshold}")
    return threshold
