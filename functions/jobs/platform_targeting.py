"""GET /api/jobs/{jobAdId}/targeting/{platform}: one platform's targeting payload for a segmented ad."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from segmentation.jobs.ads import get_ad
from segmentation.jobs.schemas import Platform, PlatformTargeting
from segmentation.platform.api import create_app, http_handler
from segmentation.platform.errors import Conflict

app = create_app()


@app.get("/api/jobs/<jobAdId>/targeting/<platform>")
def targeting(jobAdId: Annotated[int, Path(ge=1)], platform: Annotated[Platform, Path()]) -> PlatformTargeting:
    ad = get_ad(jobAdId)
    if ad.mapped_targeting is None:
        raise Conflict(f"job ad {jobAdId} is {ad.status} and has no targeting yet; schedule it first")
    mapped = ad.mapped_targeting.as_dict()["platforms"][platform]
    return PlatformTargeting(jobAdId=jobAdId, platform=platform, **mapped)


handler = http_handler(app)
