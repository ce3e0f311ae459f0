"""The local cloud's DynamoDB patch: concurrent writes and transactions stay isolated, as on DynamoDB."""

from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.exceptions import ClientError
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


def test_transactions_are_all_or_nothing_with_cancellation_reasons():
    moto_patches.apply()
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                  {"AttributeName": "sk", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                       {"AttributeName": "sk", "KeyType": "RANGE"}])
        client.put_item(TableName="t", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "name": {"S": "text"}})

        def transact(*items):
            try:
                client.transact_write_items(TransactItems=list(items))
            except client.exceptions.TransactionCanceledException as error:
                return error.response["CancellationReasons"]
            return None

        new = {"Put": {"TableName": "t", "Item": {"pk": {"S": "b"}, "sk": {"S": "1"}}}}
        reasons = transact(new, {"ConditionCheck": {
            "TableName": "t", "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}}, "ConditionExpression": "attribute_not_exists(pk)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}})
        assert [r["Code"] for r in reasons] == ["None", "ConditionalCheckFailed"]
        assert reasons[1]["Item"]["name"] == {"S": "text"}
        # the second write fails (ADD to a string): the first is undone
        with pytest.raises(ClientError, match="ValidationException"):
            transact(new, {"Update": {"TableName": "t", "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}},
                                      "UpdateExpression": "ADD #n :one", "ExpressionAttributeNames": {"#n": "name"},
                                      "ExpressionAttributeValues": {":one": {"N": "1"}}}})
        assert "Item" not in client.get_item(TableName="t", Key={"pk": {"S": "b"}, "sk": {"S": "1"}})
        assert transact(new, {"Delete": {"TableName": "t", "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}}}}) is None
        keys = {(i["pk"]["S"], i["sk"]["S"]) for i in client.scan(TableName="t")["Items"]}
        assert keys == {("b", "1")}
