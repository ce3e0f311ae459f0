"""template.yaml deployed into the in-process emulator: every declared resource exists as declared."""

import textwrap

import pytest
from localcloud.deployer import deploy
from localcloud.template import TemplateError, load_template

from tests.conftest import TEMPLATE
from tests.integration.conftest import STACK


def test_tables_have_keys_indexes_ttl_and_point_in_time_recovery(stack, aws):
    dynamodb = aws("dynamodb")
    for logical_id, indexes in (("EntitiesTable", {"gsi1", "gsi2"}), ("EventsTable", {"gsi1"})):
        name = stack.ref(logical_id)
        table = dynamodb.describe_table(TableName=name)["Table"]
        assert {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]} == {"pk": "HASH", "sk": "RANGE"}
        assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == indexes
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")
        backups = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def test_bucket_is_versioned_and_notifies_the_triggers_on_their_prefixes(stack, aws):
    s3 = aws("s3")
    bucket = stack.ref("ArtifactsBucket")
    assert bucket == f"{STACK}-artifacts-123456789012-us-east-1"
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    notifications = s3.get_bucket_notification_configuration(Bucket=bucket)["LambdaFunctionConfigurations"]
    prefixes = {n["LambdaFunctionArn"]: n["Filter"]["Key"]["FilterRules"] for n in notifications}
    assert prefixes == {
        stack.resources["StartTrainingFromUploadFunction"]["attributes"]["Arn"]: [{"Name": "prefix", "Value": "corpus/"}],
        stack.resources["CandidatesStartImportFunction"]["attributes"]["Arn"]: [
            {"Name": "prefix", "Value": "candidates/import/"}],
        stack.resources["StartBatchSegmentationFunction"]["attributes"]["Arn"]: [{"Name": "prefix",
                                                                                  "Value": "batch/ads/"}]}


def test_functions_share_the_layer_and_get_their_environment(stack, aws):
    config = aws("lambda").get_function_configuration(FunctionName=stack.ref("HealthFunction"))
    assert config["Runtime"] == "python3.12"
    # Globals' MlLayer first, then its own (health runs the audiences checks: a catalog search)
    assert [layer["Arn"] for layer in config["Layers"]] == [stack.ref(n) for n in ("MlLayer", "EncoderLayer",
                                                                                     "AudiencesLayer")]
    variables = config["Environment"]["Variables"]
    assert variables["ENTITIES_TABLE"] == stack.ref("EntitiesTable")
    assert variables["ARTIFACTS_BUCKET"] == stack.ref("ArtifactsBucket")
    assert variables["TRAINING_STATE_MACHINE_ARN"] == stack.ref("TrainingStateMachine")
    assert variables["POWERTOOLS_SERVICE_NAME"] == "platform"  # function value merged over Globals


def declared(resource_type: str) -> dict:
    return {name: r for name, r in load_template(TEMPLATE)["Resources"].items() if r["Type"] == resource_type}


def test_routes_schedule_and_state_machine(stack, aws):
    routes = aws("apigatewayv2").get_routes(ApiId=stack.http_api_id())["Items"]
    expected = {f"{e['Properties']['Method'].upper()} {e['Properties']['Path']}"
                for function in declared("AWS::Serverless::Function").values()
                for e in function["Properties"].get("Events", {}).values() if e["Type"] == "HttpApi"}
    assert {"GET /api/health", "POST /segment", "POST /api/jobs", "GET /api/jobs/{jobAdId}"} <= expected
    assert sorted(r["RouteKey"] for r in routes) == sorted(expected)
    rule = aws("events").describe_rule(Name=f"{STACK}-nightly-retrain")
    assert rule["ScheduleExpression"] == "cron(0 3 * * ? *)"
    [target] = aws("events").list_targets_by_rule(Rule=rule["Name"])["Targets"]
    assert target["Arn"].endswith(f"function:{STACK}-ScheduledRetrainFunction")
    machine = aws("stepfunctions").describe_state_machine(stateMachineArn=stack.ref("TrainingStateMachine"))
    assert "${" not in machine["definition"]  # every DefinitionSubstitution was applied
    assert stack.outputs["HttpApiUrl"] == f"https://{stack.http_api_id()}.execute-api.us-east-1.amazonaws.com"


def test_deploying_twice_updates_in_place(stack, aws):
    again = deploy(TEMPLATE, STACK)
    assert again.ref("TrainingStateMachine") == stack.ref("TrainingStateMachine")
    assert len(aws("lambda").list_functions()["Functions"]) == len(declared("AWS::Serverless::Function"))


def _template(tmp_path, body: str):
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(body))
    return path


@pytest.mark.parametrize("body, message", [
    ("""
        Resources:
          Jobs:
            Type: AWS::SQS::Queue
        """, r"Jobs: resource type AWS::SQS::Queue is not supported"),
    ("""
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              TableName: !Join ["-", [a, b]]
              BillingMode: PAY_PER_REQUEST
              AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
              KeySchema: [{AttributeName: pk, KeyType: HASH}]
        """, r"Table.TableName: Fn::Join is not supported"),
    ("""
        Resources:
          Bucket:
            Type: AWS::S3::Bucket
            Properties:
              WebsiteConfiguration: {IndexDocument: index.html}
        """, r"Bucket \(AWS::S3::Bucket\).*WebsiteConfiguration"),
], ids=["resource type", "intrinsic", "property"])
def test_refuses_what_it_cannot_honour_naming_where(emulator, tmp_path, body, message):
    with pytest.raises(TemplateError, match=message):
        deploy(_template(tmp_path, body), "bad")


def test_refuses_unknown_references_and_cycles(emulator, tmp_path):
    unknown = _template(tmp_path, """
        Resources:
          Bucket:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !Ref Missing
        """)
    with pytest.raises(TemplateError, match="Bucket: refers to unknown Missing"):
        deploy(unknown, "bad")
    cycle = _template(tmp_path, """
        Resources:
          A:
            Type: AWS::S3::Bucket
            Properties: {BucketName: !Ref B}
          B:
            Type: AWS::S3::Bucket
            Properties: {BucketName: !Ref A}
        """)
    with pytest.raises(TemplateError, match="circular dependency"):
        deploy(cycle, "bad")
