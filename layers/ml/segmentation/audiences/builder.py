"""The natural-language audience builder: the seed's process / confirm / refine workflow over real
record sets. Handlers call these; sessions live in DynamoDB (audiences/sessions.py).

process  input + record set -> the catalog search (issue 12) limited to variables the record set holds,
         grouped by type -> status variables_suggested
confirm  confirmed_variables (a subset of the suggestions) -> features -> the size-constrained K-medians
         (issue 13; survey-weighted on the panel) -> segments with traits, index scores, names and lifestyle
         enrichment -> the audience stored (DynamoDB item + S3 assignment) -> status complete
refine   new input (or the same) -> suggestions again; the history keeps every step

Features: the clusterer's mixed-data encoding (numeric columns centred on the median and divided by the
mean absolute deviation, categories one-hot at 0.5), a missing numeric value imputed with the column's
weighted median, a missing category its own category. A record enters the clustering when it answered
at least half of the confirmed variables (GSS modules ask some questions of a third of the sample).
"""

from __future__ import annotations

import json
import math
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import numpy as np

from segmentation.audiences import lifestyle, profiling, records, sessions
from segmentation.platform import dynamodb, settings
from segmentation.platform.api import logger
from segmentation.platform.errors import DependencyUnavailable, InvalidInput, NotFound, PlatformError
from segmentation.platform.storage import ArtifactStore

MAX_INPUT = 500
SUGGESTIONS = 15
TYPES = ("psychographic", "demographic", "behavioral")
AUDIENCE_PREFIX = "audiences/"


def plain(value: Any) -> Any:
    """JSON- and DynamoDB-safe: NumPy scalars to Python numbers, NaN and infinities to None."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _search_module():
    try:
        from segmentation.audiences import catalog, search
    except ImportError as error:
        raise DependencyUnavailable("the variable catalog and search (issue 12, segmentation.audiences.search) "
                                    "are not deployed in this build") from error
    return catalog, search


def _clusterer():
    try:
        from segmentation.clustering.constrained import SizeConstrainedClustering
    except ImportError as error:
        raise DependencyUnavailable("the size-constrained clustering engine (issue 13, "
                                    "segmentation.clustering.constrained) is not deployed in this build") from error
    return SizeConstrainedClustering


def check_input(text: str | None) -> str:
    query = (text or "").strip()
    if not query:
        raise InvalidInput("input is empty: describe the audience, e.g. 'environmentally conscious millennials'",
                           field="payload.input")
    if len(query) > MAX_INPUT:
        raise InvalidInput(f"input is {len(query)} characters; at most {MAX_INPUT}", field="payload.input")
    return query


# ---------------------------------------------------------------- record sets
def load_records(chosen: dict[str, Any]) -> records.RecordSet:
    if chosen["record_set"] == "upload":
        from segmentation.audiences import uploads

        return uploads.load_record_set(chosen["upload_id"])
    return records.load_builtin(chosen["record_set"])


def _held_columns(chosen: dict[str, Any]) -> dict[str, str] | None:
    """For uploads: {catalog code: upload column} of the upload's matched columns; None for built-in sets."""
    if chosen["record_set"] != "upload":
        return None
    from segmentation.audiences import uploads

    return {m["code"]: m["column"] for m in uploads.matched_columns(chosen["upload_id"])}


def suggest(query: str, chosen: dict[str, Any], k: int = SUGGESTIONS) -> list[dict[str, Any]]:
    """The variables for the query that the chosen record set holds: {code, description, type, category,
    relevance_score, column}."""
    catalog_module, search_module = _search_module()
    catalog = catalog_module.load_catalog()
    held = _held_columns(chosen)
    if held is None:
        # the catalog knows every panel variable; the record set keeps those answered by enough people
        present = load_records(chosen).column_index
        # the best of each type, as the seed groups them: "millennials" asks for an age as much as for values
        per_type = math.ceil(k / len(TYPES))
        results = sorted((r for t in TYPES for r in search_module.search(
            query, k=3 * per_type, type=t, record_set=chosen["record_set"])), key=lambda r: -r["score"])
        counts: dict[str, int] = {}
        picked, used = [], set()
        for result in results:
            entry = catalog.get(result["code"]) or {}
            column = (entry.get("columns") or {}).get(chosen["record_set"])
            if column in present and column not in used and counts.get(result["type"], 0) < per_type:
                counts[result["type"]] = counts.get(result["type"], 0) + 1
                used.add(column)  # several ACS estimates map to one panel column: offer it once
                picked.append(result)
        results = picked
    else:
        # an upload holds few columns: all of its matched ones, those the search ranks for the query first
        ranked = [r for r in search_module.search(query, k=100) if r["code"] in held]
        found = {r["code"] for r in ranked}
        rest = [{**entry, "score": 0.0} for code in held if code not in found
                if (entry := catalog.get(code)) is not None]
        results = (ranked + rest)[:k]
    suggestions = []
    for result in results:
        if held is not None:
            column = held[result["code"]]
        else:
            entry = catalog.get(result["code"]) or {}
            column = (entry.get("columns") or {}).get(chosen["record_set"])
            if column not in present:
                continue
        if not column:
            continue
        suggestions.append({"code": result["code"], "description": result["description"], "type": result["type"],
                            "category": result.get("category"), "relevance_score": round(float(result["score"]), 4),
                            "column": column})
    return suggestions[:k]


def _grouped(suggestions: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {t: [] for t in TYPES}
    for s in suggestions:
        grouped.setdefault(s["type"], []).append({k: v for k, v in s.items() if k != "column"})
    return grouped


# ---------------------------------------------------------------- actions
def start_session(caller: str | None = None) -> dict[str, Any]:
    session = sessions.start(caller)
    return {"session_id": session["session_id"], "status": "ready",
            "message": "Session initialized: describe your audience (action process, payload.input)",
            "expires_at": datetime.fromtimestamp(session["expires_at"], UTC).isoformat()}


def process(session_id: str, action: str, payload: dict[str, Any], caller: str | None = None) -> dict[str, Any]:
    """An action on a session by `caller` (recorded as the session's updated_by, an audience's created_by)."""
    session = sessions.load(session_id)
    sessions.require_state(session, action)
    if action == "confirm":
        return _confirm(session, payload, caller)
    return _suggest(session, action, payload, caller)


def _suggest(session: dict[str, Any], action: str, payload: dict[str, Any], caller: str | None) -> dict[str, Any]:
    """process: search for the input in the chosen record set. refine: new input (or a new record set)
    searches again; confirmed_variables alone narrow the current suggestions to those codes; neither
    repeats the last search."""
    new_set = any(payload.get(f) for f in ("data_type", "subtype", "upload_id"))
    if action == "refine" and not new_set:
        chosen = session["record_set"]
    else:
        chosen = records.resolve(payload.get("data_type"), payload.get("subtype"), payload.get("upload_id"))
    if action == "refine" and payload.get("confirmed_variables") and not payload.get("input") and not new_set:
        query = session["query"]
        wanted = list(dict.fromkeys(payload["confirmed_variables"]))
        by_code = {s["code"]: s for s in session.get("suggestions", [])}
        if unknown := [c for c in wanted if c not in by_code]:
            raise InvalidInput(f"not among this session's suggestions: {', '.join(unknown)}",
                               field="payload.confirmed_variables")
        suggestions = [by_code[c] for c in wanted]
    else:
        query = check_input(payload.get("input") or (session.get("query") if action == "refine" else None))
        if chosen["record_set"] == "upload":
            load_records(chosen)  # 404 / 422 for an upload that does not exist or failed validation
        suggestions = suggest(query, chosen)
    if not suggestions:
        raise InvalidInput(f"no variable of the {chosen['record_set']} record set matches {query!r}; rephrase",
                           field="payload.input")
    sessions.save(session, {"status": "variables_suggested", "query": query, "record_set": chosen,
                            "suggestions": suggestions, "confirmed_variables": None, "last_error": None},
                  {"action": action, "outcome": "variables_suggested", "input": query,
                   "record_set": chosen["record_set"], "suggested": len(suggestions)}, caller=caller)
    return {"status": "variables_suggested", "suggested_variables": _grouped(suggestions),
            "total_suggested": len(suggestions), "data_type": chosen["data_type"], "subtype": chosen["subtype"],
            "record_set": chosen["record_set"], "session_id": session["session_id"]}


def _features(values: np.ndarray, weights: np.ndarray, columns: list[dict[str, Any]]) -> np.ndarray:
    """The clusterer's mixed-data encoding (segmentation.clustering.features) of the records; a missing
    numeric value takes the column's weighted median first, a missing category is its own category."""
    from segmentation.clustering.features import MISSING, encode_columns

    numeric, categorical = {}, {}
    for j, column in enumerate(columns):
        x = values[:, j].astype(np.float64)
        ok = np.isfinite(x)
        name = f"{column['name']}#{j}"
        if column["kind"] == "categorical":
            labels = column.get("labels", {})
            categorical[name] = [(labels.get(str(int(v)), str(int(v))) or MISSING) if f else MISSING
                                 for v, f in zip(x.tolist(), ok.tolist())]
        else:
            order = np.argsort(x[ok])
            cum = np.cumsum(weights[ok][order])
            median = float(x[ok][order][np.searchsorted(cum, 0.5 * cum[-1])]) if ok.any() else 0.0
            numeric[name] = np.where(ok, x, median)
    # the columns straight to the encoder (the same encoding as encode_mixed, without a dict per record)
    return encode_columns(numeric, categorical).matrix


def _bounds(payload: dict[str, Any]) -> tuple[float, float]:
    return float(payload.get("min_size") or 0.05), float(payload.get("max_size") or 0.10)


def segment(recs: records.RecordSet, column_names: list[str], min_size: float, max_size: float,
            n_clusters: int | None = None) -> dict[str, Any]:
    """Cluster the records on the columns: {rows, labels, segments, k, projection, objective, seconds}
    (projection: clustering/projection.py's 2-D PCA of the encoded records and the centres)."""
    started = time.perf_counter()
    matrix = recs.matrix(column_names)
    answered = np.isfinite(matrix).sum(axis=1)
    rows = np.flatnonzero(answered >= math.ceil(len(column_names) / 2))
    if rows.size == 0:
        raise InvalidInput("no record answered at least half of the confirmed variables",
                           field="payload.confirmed_variables")
    columns = [recs.column(n) for n in column_names]
    values, weights = matrix[rows], recs.weights[rows]
    features = _features(values, weights, columns)
    clusterer = _clusterer()(n_clusters, min_size=min_size, max_size=max_size, metric="l1", random_state=0)
    clusterer.fit(features, sample_weight=weights if recs.kind == "panel" else None)
    labels = np.asarray(clusterer.labels_)
    k = int(labels.max()) + 1
    typology = lifestyle.typology_for(recs)
    ranked, segments = [], []
    for g in range(k):
        members = labels == g
        top, characteristics = profiling.traits(values, weights, columns, members)
        ranked.append(top)
        segment_record = {"group_id": g, "size": int(members.sum()),
                          "size_percentage": round(100.0 * members.sum() / rows.size, 2),
                          "weighted_percentage": round(100.0 * weights[members].sum() / weights.sum(), 2),
                          "dominantTraits": [t["label"] for t in top[:3]], "traits": top,
                          "characteristics": characteristics}
        if typology is not None:
            codes, groups = typology
            segment_record.update(lifestyle.enrich(codes[rows], groups, weights, members))
        else:
            segment_record.update({"lifestyle_segments": [], "diversity_score": None})
        segments.append(segment_record)
    for segment_record, name in zip(segments, profiling.name_segments(ranked)):
        segment_record["name"] = name
    from segmentation.clustering.projection import project

    # the console's scatter: the records the clusterer split, on the first two principal axes
    picture = project(features, labels, getattr(clusterer, "cluster_centers_", None))
    return {"rows": rows, "labels": labels, "segments": segments, "k": k, "projection": picture,
            "objective": float(getattr(clusterer, "objective_", float("nan"))),
            "seconds": round(time.perf_counter() - started, 3)}


def _confirm(session: dict[str, Any], payload: dict[str, Any], caller: str | None) -> dict[str, Any]:
    confirmed = payload.get("confirmed_variables")
    if not confirmed:
        raise InvalidInput("confirmed_variables is empty: pick codes from suggested_variables",
                           field="payload.confirmed_variables")
    by_code = {s["code"]: s for s in session.get("suggestions", [])}
    unknown = [c for c in confirmed if c not in by_code]
    if unknown:
        raise InvalidInput(f"not among this session's suggestions: {', '.join(unknown)}",
                           field="payload.confirmed_variables")
    confirmed = list(dict.fromkeys(confirmed))
    chosen = session["record_set"]
    min_size, max_size = _bounds(payload)
    try:
        recs = load_records(chosen)
        column_names = [by_code[c]["column"] for c in confirmed]
        missing = [c for c, n in zip(confirmed, column_names) if n not in recs.column_index]
        if missing:
            raise InvalidInput(f"the {chosen['record_set']} record set holds no column for {', '.join(missing)}",
                               field="payload.confirmed_variables")
        result = segment(recs, column_names, min_size, max_size, payload.get("n_clusters"))
    except (PlatformError, ValueError) as error:
        reason = str(error)
        sessions.record_failure(session, "confirm", reason, caller)
        logger.info("clustering failed", extra={"session_id": session["session_id"], "reason": reason})
        if isinstance(error, PlatformError) and not isinstance(error, InvalidInput):
            raise
        # the clusterer names its own parameter (min_size, max_size, n_clusters): here it is in the payload
        field = str(getattr(error, "field", "") or "confirmed_variables").removeprefix("payload.")
        raise InvalidInput(reason, field=f"payload.{field}") from error
    audience_id = str(uuid.uuid4())
    variables = [{k: v for k, v in by_code[c].items()} for c in confirmed]
    clean_room = bool(chosen.get("clean_room"))
    audience = {"audience_id": audience_id, "session_id": session["session_id"], "query": session.get("query"),
                "data_type": chosen["data_type"], "subtype": chosen["subtype"], "record_set": chosen["record_set"],
                "upload_id": chosen.get("upload_id"), "clean_room": clean_room,
                "clean_room_minimum": records.CLEAN_ROOM_MINIMUM if clean_room else None,
                "variables": variables, "bounds": {"min_size": min_size, "max_size": max_size},
                "total_records": int(result["rows"].size), "record_set_size": recs.n, "k": result["k"],
                "objective": result["objective"], "segments": result["segments"], "created_at": _now(),
                "source": recs.source.get("title"), "created_by": caller}
    audience = plain(audience)
    store = ArtifactStore(settings.artifacts_bucket())
    store.put_bytes(f"{AUDIENCE_PREFIX}{audience_id}/assignment.json", json.dumps(
        {"rows": result["rows"].tolist(), "labels": result["labels"].tolist()}).encode(), "application/json")
    put = {"Put": {"TableName": settings.entities_table(), "ConditionExpression": "attribute_not_exists(pk)",
                   "Item": dynamodb.serialize({"pk": f"AUDIENCE#{audience_id}", "sk": "AUDIENCE",
                                               "entity": "audience", **audience})}}
    sessions.save(session, {"status": "complete", "confirmed_variables": confirmed, "audience_id": audience_id,
                            "last_error": None},
                  {"action": "confirm", "outcome": "complete", "audience_id": audience_id, "k": result["k"],
                   "seconds": result["seconds"]}, also=[put], caller=caller)
    return {"status": "complete", "segments": public_segments(audience), "audience_id": audience_id,
            "total_records": audience["total_records"], "data_type": chosen["data_type"],
            "record_set": chosen["record_set"], "session_id": session["session_id"],
            "projection": public_projection(audience, result["projection"])}


def public_projection(audience: dict[str, Any], picture: dict[str, Any]) -> dict[str, Any]:
    """The confirm answer's 2-D picture (not stored). A clean room shows no records: only the centres of
    the segments it does not suppress."""
    if not audience.get("clean_room"):
        return plain(picture)
    shown = {s["group_id"] for s in public_segments(audience) if not s.get("suppressed")}
    return plain({**picture, "sampled": 0, "points": None,
                  "centers": [c for c in picture["centers"] if c["group_id"] in shown]})


def public_segments(audience: dict[str, Any]) -> list[dict[str, Any]]:
    """Segments as callers see them; in a clean room, segments under the minimum are suppressed."""
    if not audience.get("clean_room"):
        return audience["segments"]
    minimum = audience.get("clean_room_minimum") or records.CLEAN_ROOM_MINIMUM
    return [s if s["size"] >= minimum else {"group_id": s["group_id"], "name": s["name"], "suppressed": True,
                                            "reason": f"fewer than {minimum} records"} for s in audience["segments"]]


def get_audience(audience_id: str) -> dict[str, Any]:
    audience = dynamodb.get(settings.entities_table(), f"AUDIENCE#{audience_id}", "AUDIENCE")
    if audience is None:
        raise NotFound(f"audience {audience_id} does not exist")
    return dynamodb.strip_keys(audience)


def public_audience(audience: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in audience.items() if k not in ("entity", "segments")}
    body["segments"] = public_segments(audience)
    return body


def assignment(audience_id: str) -> dict[str, Any]:
    return ArtifactStore(settings.artifacts_bucket()).get_json(f"{AUDIENCE_PREFIX}{audience_id}/assignment.json")
