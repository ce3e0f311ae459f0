"""DELETE /api/v1/segments/{segment_id}/members/{user_id}: remove a member (idempotent)."""

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler.openapi.params import Path
from segmentation.platform.api import create_app, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import USER_ID_PATTERN, MemberRemoved

app = create_app()


@app.delete("/api/v1/segments/<segment_id>/members/<user_id>")
def remove_member(segment_id: UUID, user_id: Annotated[str, Path(pattern=USER_ID_PATTERN)]) -> MemberRemoved:
    removed, count = service.remove_member(str(segment_id), user_id)
    return MemberRemoved(segment_id=segment_id, user_id=user_id, removed=removed, member_count=count)


handler = http_handler(app)
