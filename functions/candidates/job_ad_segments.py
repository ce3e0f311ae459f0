"""GET /api/jobs/{jobAdId}/candidate-segments: the promoted candidate model's segments ranked by fit to the
ad (its skills and seniority; the rule is in segmentation/candidates/targeting.py), with the ones the ad
targets (targetCandidateSegments) marked."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from segmentation.candidates import service
from segmentation.candidates.schemas import JobAdCandidateSegments
from segmentation.candidates.targeting import rank_segments
from segmentation.jobs.ads import get_ad
from segmentation.platform.api import create_app, http_handler
from segmentation.text.seniority import seniority_of

app = create_app()


@app.get("/api/jobs/<jobAdId>/candidate-segments")
def candidate_segments(jobAdId: Annotated[int, Path(ge=1)]) -> JobAdCandidateSegments:
    ad = get_ad(jobAdId)
    ranking = rank_segments(service.promoted_model(), ad.title, ad.description,
                            seniority_of(ad.title, ad.description), list(ad.target_candidate_segments or []))
    return JobAdCandidateSegments(jobAdId=jobAdId, **ranking)


handler = http_handler(app)
