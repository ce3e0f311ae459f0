"""PynamoDB plumbing shared by the services' models: table names and region come from the function's
environment at call time (not at import), so one model class serves every stack and the tests."""

import functools
import os

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from segmentation.platform import settings


class EntitiesTableName:
    """Meta.table_name for items of EntitiesTable (ENTITIES_TABLE)."""

    def __get__(self, instance, owner) -> str:
        return settings.entities_table()


class EventsTableName:
    """Meta.table_name for items of EventsTable (EVENTS_TABLE)."""

    def __get__(self, instance, owner) -> str:
        return settings.events_table()


def region() -> str | None:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")


class Region:
    """Meta.region: AWS_REGION, as boto3 reads it."""

    def __get__(self, instance, owner) -> str | None:
        return region()


@functools.lru_cache(maxsize=4)
def _connection(region_name: str | None) -> Connection:
    return Connection(region=region_name)


def transaction() -> TransactWrite:
    """A PynamoDB write transaction (across tables) on this region's connection."""
    return TransactWrite(connection=_connection(region()))
