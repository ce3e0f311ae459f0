"""The candidates service's operations; handlers call these (docs/candidates.md).

A candidate created or updated while a promoted model exists is assigned at once (NumPy, no
scikit-learn). If the model cannot be read, the candidate is still stored, unassigned, with
`assignment_error` saying why (and the next prediction run assigns it)."""

from datetime import UTC, datetime
from typing import Any

from segmentation.candidates import runs, store
from segmentation.candidates.model import CandidateModel, features_of, segment_counts, segment_sort_key
from segmentation.candidates.registry import CandidateRegistry, LatestCandidateModel
from segmentation.candidates.schemas import CandidateCreate
from segmentation.platform import settings
from segmentation.platform.api import logger
from segmentation.platform.errors import Conflict, DependencyUnavailable, InvalidInput, NotFound
from segmentation.platform.storage import ArtifactStore

SYNC_PREDICT_MAX = 2_000  # POST /segmentation/predict answers in the request up to this many candidates
FEATURES = ("years_experience", "desired_salary", "location", "education_level", "primary_skill", "skills")
_latest = LatestCandidateModel()


def registry() -> CandidateRegistry:
    return CandidateRegistry(ArtifactStore(settings.artifacts_bucket()))


def promoted_model() -> CandidateModel:
    """The promoted model; 503 naming the file when it is missing or corrupt."""
    return _latest.get(registry())


def _model_or_none() -> tuple[CandidateModel | None, str | None]:
    try:
        return promoted_model(), None
    except DependencyUnavailable as error:
        return None, str(error)


def assignment_of(model: CandidateModel, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = model.assign([features_of(r) for r in records], normalized=True)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    return [{"segment_id": segment_id, "segment_confidence": round(float(confidence), 4),
             "segment_explanation": explanation, "model_version": model.version, "assigned_at": stamp}
            for segment_id, confidence, explanation in zip(result.segment_ids, result.confidence, result.explanations)]


def _with_names(candidate: dict[str, Any], model: CandidateModel | None) -> dict[str, Any]:
    segment = model.segments.get(candidate.get("segment_id") or "") if model is not None and \
        candidate.get("model_version") == model.version else None
    return {**candidate, "segment_name": segment["name"] if segment else None}


def create_candidates(candidates: list[CandidateCreate], created_by: str | None = None) -> list[dict[str, Any]]:
    """One (409 if the id is taken) or a batch (409 naming every taken id; all or nothing: a DynamoDB
    failure midway is a 503 after the written part is deleted again, store.put_all). `created_by`: the
    caller, recorded as created_by and updated_by."""
    stamp = store.now()
    records = [{**c.model_dump(), "created_at": stamp, "updated_at": stamp, "version": 1, "created_by": created_by,
                "updated_by": created_by} for c in candidates]
    model, problem = _model_or_none()
    if model is not None:
        for record, assignment in zip(records, assignment_of(model, records)):
            record.update(assignment)
    elif "no promoted candidate model" not in (problem or ""):
        for record in records:
            record["assignment_error"] = problem
    if len(records) == 1:
        store.put_new(records[0])
    else:
        taken = store.existing_ids([r["candidate_id"] for r in records])
        if taken:
            raise Conflict(f"{len(taken)} candidate id(s) exist already, nothing was written: "
                           f"{', '.join(taken[:20])}{' ...' if len(taken) > 20 else ''}")
        store.put_all(records)
    logger.info("candidates created", extra={"count": len(records), "assigned": model is not None})
    return [_with_names(store.public(r), model) for r in records]


def get_candidate(candidate_id: str) -> dict[str, Any]:
    model, _problem = _model_or_none()
    return _with_names(store.public(store.get(candidate_id)), model)


def list_candidates(segment_id: str | None, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    items, next_cursor = store.list_page(segment_id, limit, cursor)
    model, _problem = _model_or_none()
    return [_with_names(i, model) for i in items], next_cursor


def update_candidate(candidate_id: str, changes: dict[str, Any], updated_by: str | None = None) -> dict[str, Any]:
    """Partial update; a change to a feature re-assigns the candidate with the promoted model. `updated_by`:
    the caller (created_by is kept)."""
    if not changes:
        raise InvalidInput("the update names no field", field="body")
    current = store.get(candidate_id)
    if set(changes) & set(FEATURES):
        model, problem = _model_or_none()
        if model is not None:
            changes = {**changes, **assignment_of(model, [{**current, **changes}])[0], "assignment_error": None}
        elif "no promoted candidate model" not in (problem or ""):
            changes = {**changes, "assignment_error": problem}
    else:
        model, _problem = _model_or_none()
    if updated_by:
        changes = {**changes, "updated_by": updated_by}
    return _with_names(store.public(store.update(candidate_id, current, changes)), model)


def delete_candidate(candidate_id: str) -> dict[str, Any]:
    store.delete(candidate_id)
    return {"candidate_id": candidate_id, "deleted": True}


# ---------------------------------------------------------------- segments
def _segment(model: CandidateModel, segment_id: str) -> dict[str, Any]:
    segment = model.segments[segment_id]
    return {"segment_id": segment_id, "name": segment["name"], "size": segment["size"], "share": segment["share"],
            "profile": segment["profile"]}


def list_segments() -> dict[str, Any]:
    model = promoted_model()
    return {"model_version": model.version,
            "segments": [_segment(model, s) for s in sorted(model.segments, key=segment_sort_key)]}


def get_segment(segment_id: str) -> dict[str, Any]:
    model = promoted_model()
    if segment_id not in model.segments:
        raise NotFound(f"segment {segment_id} is not a segment of model {model.version} "
                       f"(its segments: {', '.join(sorted(model.segments, key=segment_sort_key))})")
    return {**_segment(model, segment_id), "model_version": model.version}


# ---------------------------------------------------------------- prediction
def predict_pool(records: list[dict[str, Any]], model: CandidateModel) -> dict[str, Any]:
    """Assign every record and write the segment back; the seed's {num_candidates, segments} answer."""
    assignments = assignment_of(model, records)
    written = store.write_assignments([(r["candidate_id"], a) for r, a in zip(records, assignments)])
    return {"num_candidates": written, "segments": segment_counts([a["segment_id"] for a in assignments]),
            "model_version": model.version}


def predict() -> tuple[int, dict[str, Any]]:
    """(200, result) for a pool up to SYNC_PREDICT_MAX, else (202, the started run)."""
    model = promoted_model()
    limit = int(settings.optional("SYNC_PREDICT_MAX", str(SYNC_PREDICT_MAX)))
    if store.count_up_to(limit) > limit:
        return 202, runs.start("predict", {"model_version": model.version})
    return 200, predict_pool(list(store.pool()), model)
