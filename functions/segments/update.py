"""PUT /api/v1/segments/{segment_id}: partial update (only the fields sent change)."""

from uuid import UUID

from segmentation.platform.api import create_app, current_caller, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import Segment, SegmentUpdate

app = create_app()


@app.put("/api/v1/segments/<segment_id>")
def update(segment_id: UUID, request: SegmentUpdate) -> Segment:
    changes = request.model_dump(include=request.model_fields_set)
    if not changes:
        return Segment(**service.update_segment(str(segment_id), changes))  # the 422 for an empty update
    return Segment(**service.update_segment(str(segment_id), {**changes, "updated_by": current_caller(app)}))


handler = http_handler(app)
