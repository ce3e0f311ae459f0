"""Job ads and their performance in DynamoDB (PynamoDB models). Keys and the access pattern each serves
are in docs/data-model.md.

EntitiesTable
  JOBAD#{id} / AD                      the ad (gsi1: by status, gsi2: all ads, newest first)
  COUNTER#JOBAD / COUNTER              the last id handed out (atomic ADD)
  JOBCLUSTER#{model version} / CLUSTER#{id}   performance totals per audience cluster
EventsTable
  JOBAD#{id} / PERF#{event id}         one delivery/performance report (gsi1: per ad by time)
"""

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from segmentation.platform.dynamodb import EntitiesTableName, EventsTableName, Region

STATUSES = ("draft", "scheduled", "segmented", "segmentation_failed", "published")


def ad_key(job_ad_id: int) -> str:
    return f"JOBAD#{job_ad_id}"


def status_partition(status: str) -> str:
    return f"JOBAD_STATUS#{status}"


ALL_ADS_PARTITION = "JOBADS"


class _Gsi1(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class _Gsi2(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class JobAd(Model):
    class Meta:
        table_name = EntitiesTableName()
        region = Region()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="AD")
    gsi1pk = UnicodeAttribute()  # JOBAD_STATUS#{status}
    gsi1sk = UnicodeAttribute()  # {updatedAt}#{id}
    gsi2pk = UnicodeAttribute(default=ALL_ADS_PARTITION)
    gsi2sk = UnicodeAttribute()  # {createdAt}#{id}
    by_status = _Gsi1()
    all_ads = _Gsi2()

    job_ad_id = NumberAttribute(attr_name="jobAdId")
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    company = UnicodeAttribute(null=True)
    locations = ListAttribute(of=UnicodeAttribute, default=list)
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    updated_at = UTCDateTimeAttribute(attr_name="updatedAt")
    version = VersionAttribute()

    derived_audience_primitives = ListAttribute(attr_name="derivedAudiencePrimitives", null=True)
    audience_cluster_id = UnicodeAttribute(attr_name="audienceClusterId", null=True)
    audience_confidence = NumberAttribute(attr_name="audienceConfidence", null=True)
    audience_cluster_profile_name = UnicodeAttribute(attr_name="audienceClusterProfileName", null=True)
    mapped_targeting = MapAttribute(attr_name="mappedTargeting", null=True)
    segmentation_processed_at = UTCDateTimeAttribute(attr_name="segmentationProcessedAt", null=True)
    model_version = UnicodeAttribute(attr_name="modelVersion", null=True)
    audience_source = UnicodeAttribute(attr_name="audienceSource", null=True)  # model | pinned
    model_choice = MapAttribute(attr_name="modelChoice", null=True)
    segmentation_error = UnicodeAttribute(attr_name="segmentationError", null=True)
    segmentation_requested_at = UTCDateTimeAttribute(attr_name="segmentationRequestedAt", null=True)
    segmentation_token = UnicodeAttribute(attr_name="segmentationToken", null=True)

    pinned_cluster_id = UnicodeAttribute(attr_name="pinnedClusterId", null=True)
    pinned_targeting = MapAttribute(attr_name="pinnedTargeting", null=True)
    # candidate segments (candidates service) the campaign targets; see docs/candidates.md
    target_candidate_segments = ListAttribute(of=UnicodeAttribute, attr_name="targetCandidateSegments", null=True)

    impressions = NumberAttribute(default=0)
    clicks = NumberAttribute(default=0)
    applies = NumberAttribute(default=0)


class JobAdCounter(Model):
    class Meta:
        table_name = EntitiesTableName()
        region = Region()

    pk = UnicodeAttribute(hash_key=True, default="COUNTER#JOBAD")
    sk = UnicodeAttribute(range_key=True, default="COUNTER")
    value = NumberAttribute(default=0)


class ClusterPerformance(Model):
    class Meta:
        table_name = EntitiesTableName()
        region = Region()

    pk = UnicodeAttribute(hash_key=True)  # JOBCLUSTER#{model version}
    sk = UnicodeAttribute(range_key=True)  # CLUSTER#{cluster id}
    cluster_id = UnicodeAttribute(attr_name="clusterId")
    profile_name = UnicodeAttribute(attr_name="profileName", null=True)
    impressions = NumberAttribute(default=0)
    clicks = NumberAttribute(default=0)
    applies = NumberAttribute(default=0)
    reports = NumberAttribute(default=0)
    ad_ids = UnicodeSetAttribute(attr_name="adIds", null=True)


class PerformanceEvent(Model):
    class Meta:
        table_name = EventsTableName()
        region = Region()

    pk = UnicodeAttribute(hash_key=True)  # JOBAD#{id}
    sk = UnicodeAttribute(range_key=True)  # PERF#{event id}
    gsi1pk = UnicodeAttribute()  # JOBPERF#{id}
    gsi1sk = UnicodeAttribute()  # {occurredAt}#{event id}
    event_id = UnicodeAttribute(attr_name="eventId")
    job_ad_id = NumberAttribute(attr_name="jobAdId")
    platform = UnicodeAttribute()
    impressions = NumberAttribute()
    clicks = NumberAttribute()
    applies = NumberAttribute()
    occurred_at = UTCDateTimeAttribute(attr_name="occurredAt")
    recorded_at = UTCDateTimeAttribute(attr_name="recordedAt")
    audience_cluster_id = UnicodeAttribute(attr_name="audienceClusterId")
    model_version = UnicodeAttribute(attr_name="modelVersion")
