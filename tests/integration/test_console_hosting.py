"""The web console's hosting as template.yaml declares it: a private bucket only the CloudFront
distribution may read (origin access control), HTTPS for viewers, the API's CORS for that origin, and
`make publish-console` uploading the files with config.json."""

import json

from localcloud.template import load_template

from scripts.publish_console import config_for, console_files, publish
from tests.conftest import TEMPLATE


def test_the_console_bucket_is_private_and_only_its_distribution_reads_it(stack, aws):
    bucket = stack.ref("ConsoleBucket")
    block = aws("s3").get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    distribution_id = stack.ref("ConsoleDistribution")
    statements = json.loads(aws("s3").get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    [allow] = statements
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert allow["Condition"]["StringEquals"]["AWS:SourceArn"].endswith(f":distribution/{distribution_id}")

    config = aws("cloudfront").get_distribution_config(Id=distribution_id)["DistributionConfig"]
    [origin] = config["Origins"]["Items"]
    assert origin["DomainName"].startswith(f"{bucket}.s3.")
    # moto 5.2.5 does not keep an origin's OriginAccessControlId, so read the declaration for that
    [declared] = load_template(TEMPLATE)["Resources"]["ConsoleDistribution"]["Properties"]["DistributionConfig"][
        "Origins"]
    assert declared["OriginAccessControlId"] == {"Fn::GetAtt": ["ConsoleOriginAccessControl", "Id"]}
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultRootObject"] == "index.html"
    oac = aws("cloudfront").get_origin_access_control(Id=stack.ref("ConsoleOriginAccessControl"))
    assert oac["OriginAccessControl"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"


def test_the_api_allows_the_console_origin(stack, aws):
    domain = stack.resources["ConsoleDistribution"]["attributes"]["DomainName"]
    cors = aws("apigatewayv2").get_api(ApiId=stack.http_api_id())["CorsConfiguration"]
    assert cors["AllowOrigins"] == [f"https://{domain}"]
    assert {"authorization", "content-type"} <= set(cors["AllowHeaders"])
    assert stack.outputs["ConsoleUrl"] == f"https://{domain}/"


def test_publish_uploads_the_console_with_its_config_and_removes_stale_files(stack, aws):
    bucket = stack.ref("ConsoleBucket")
    aws("s3").put_object(Bucket=bucket, Key="js/old-page.js", Body=b"stale")
    config = config_for("https://abc.execute-api.us-east-1.amazonaws.com/", {"mode": "none"})
    result = publish(bucket, config, stack.ref("ConsoleDistribution"))
    files = console_files()
    assert result["uploaded"] == len(files) + 1 and result["deleted"] == 1 and result["invalidation"]
    keys = {o["Key"] for o in aws("s3").list_objects_v2(Bucket=bucket)["Contents"]}
    assert keys == set(files) | {"config.json"}
    assert {"index.html", "js/app.js", "vendor/preact/dist/preact.module.js", "vendor/chart.js/LICENSE.md"} <= keys
    stored = aws("s3").get_object(Bucket=bucket, Key="config.json")
    written = json.loads(stored["Body"].read())
    assert (written["apiUrl"], written["auth"]) == ("https://abc.execute-api.us-east-1.amazonaws.com", {"mode": "none"})
    assert set(written["routes"]) == set(stack.routes)  # the routes template.yaml declares, as deployed
    assert stored["CacheControl"] == "no-cache"
    script = aws("s3").get_object(Bucket=bucket, Key="js/app.js")
    assert script["ContentType"].startswith("text/javascript")  # ES modules need a JavaScript MIME type
