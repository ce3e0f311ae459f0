"""Quality gates a candidate model must pass to become `latest` (defaults; CANDIDATE_GATE_* settings override them
in the training state machine)."""

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class QualityGates:
    silhouette_min: float = 0.02
    min_segment_fraction: float = 0.01

    def check(self, metrics: dict[str, Any]) -> dict[str, Any]:
        failures = []
        if metrics["silhouette"] < self.silhouette_min:
            failures.append(f"silhouette {metrics['silhouette']:.3f} < {self.silhouette_min}")
        smallest = min(metrics["sizes"].values()) / metrics["candidates"]
        if smallest < self.min_segment_fraction:
            failures.append(f"smallest segment {smallest:.3%} of the pool < {self.min_segment_fraction:.1%}")
        return {"passed": not failures, "failures": failures, **asdict(self)}
