"""The local cloud's DynamoDB patch: concurrent writes and transactions stay isolated, as on DynamoDB."""

from concurrent.futures import ThreadPoolExecutor

import boto3
from localcloud import moto_patches
from moto import mock_aws


def test_concurrent_counters_and_cancelled_transactions_lose_no_write():
    moto_patches.apply()
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        client.put_item(TableName="t", Item={"pk": {"S": "taken"}})

        def work(index: int) -> None:
            if index % 2:
                client.update_item(TableName="t", Key={"pk": {"S": "counter"}}, UpdateExpression="ADD n :one",
                                   ExpressionAttributeValues={":one": {"N": "1"}})
                return
            try:  # always cancelled; on moto 5.2.5 the cancellation restored the whole table
                client.transact_write_items(TransactItems=[
                    {"Put": {"TableName": "t", "Item": {"pk": {"S": "taken"}},
                             "ConditionExpression": "attribute_not_exists(pk)"}}])
            except client.exceptions.TransactionCanceledException:
                pass

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(work, range(400)))
        item = client.get_item(TableName="t", Key={"pk": {"S": "counter"}})["Item"]
        assert item["n"]["N"] == "200"
