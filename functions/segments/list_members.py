"""GET /api/v1/segments/{segment_id}/members: the segment's members by user id; cursor pages."""

from uuid import UUID

from segmentation.platform.api import create_app, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import Cursor, Member, MemberPage, PageLimit

app = create_app()


@app.get("/api/v1/segments/<segment_id>/members")
def list_members(segment_id: UUID, limit: PageLimit = 20,
                 cursor: Cursor = None) -> MemberPage:
    items, next_cursor = service.list_members(str(segment_id), limit, cursor)
    return MemberPage(items=[Member(**item) for item in items], next_cursor=next_cursor)


handler = http_handler(app)
