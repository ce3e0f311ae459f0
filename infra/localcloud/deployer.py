"""Deploys template.yaml through boto3 to whatever endpoint the environment names: the embedded
local cloud, moto inside `mock_aws`, or LocalStack (AWS_ENDPOINT_URL). On AWS itself use
`sam build && sam deploy`; this deployer covers the SAM subset the project uses and refuses anything
else with the resource's name and the reason.

IAM: roles are created so that ARNs are real, but policies are not expanded here (neither moto nor
LocalStack's free edition enforce IAM); cfn-lint validates them and AWS enforces them.
"""

import io
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any, ClassVar

import boto3
from botocore.exceptions import ClientError

from localcloud import lambda_runtime
from localcloud.template import Resolver, TemplateError, load_template, references

LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
STATES_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
_SKIPPED_FILES = ("__pycache__", ".pyc", ".DS_Store")


@dataclass
class Deployment:
    stack_name: str
    region: str
    account_id: str
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)  # logical id -> type, ref, attributes
    outputs: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)  # rule name -> logical id of its target
    routes: list[str] = field(default_factory=list)

    def ref(self, logical_id: str) -> Any:
        return self.resources[logical_id]["ref"]

    def http_api_id(self) -> str:
        apis = [r["ref"] for r in self.resources.values() if r["type"] == "AWS::Serverless::HttpApi"]
        if len(apis) != 1:
            raise TemplateError(f"expected one AWS::Serverless::HttpApi, found {len(apis)}")
        return apis[0]

    def to_json(self) -> dict[str, Any]:
        return {"stack_name": self.stack_name, "region": self.region, "account_id": self.account_id,
                "resources": self.resources, "outputs": self.outputs, "rules": self.rules, "routes": self.routes}


def zip_directory(directory: Path, exclude: tuple[str, ...] = ()) -> bytes:
    """A deterministic zip of a directory (sorted, fixed timestamps): same code, same CodeSha256.
    Large files (model weights) are stored, not deflated: they barely compress and deflating costs seconds."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(directory.rglob("*")):
            relative = str(path.relative_to(directory))
            if (path.is_file() and not any(part in str(path) for part in _SKIPPED_FILES)
                    and not relative.startswith(exclude)):
                info = zipfile.ZipInfo(relative, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                data = path.read_bytes()
                archive.writestr(info, data, zipfile.ZIP_STORED if len(data) > 1 << 20 else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _allow_only(logical_id: str, kind: str, props: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(props) - allowed)
    if unknown:
        raise TemplateError(f"{logical_id} ({kind}): the local deployer does not support "
                            f"{', '.join(unknown)} (supported: {', '.join(sorted(allowed))})")


class Deployer:
    def __init__(self, template_path: str | Path, stack_name: str, session: boto3.session.Session | None = None,
                 parameters: dict[str, str] | None = None):
        self.template_path = Path(template_path).resolve()
        self.root = self.template_path.parent
        self.template = load_template(self.template_path)
        self.stack_name = stack_name
        self.session = session or boto3.session.Session()
        self.parameter_overrides = parameters or {}
        self._clients: dict[str, Any] = {}
        self._api_auth: dict[str, dict[str, Any]] = {}  # HTTP API id -> its authorizers (see _authorizers)

    def client(self, service: str):
        if service not in self._clients:
            self._clients[service] = self.session.client(service)
        return self._clients[service]

    # ------------------------------------------------------------------ planning
    def _parameters(self) -> dict[str, Any]:
        values = {}
        for name, spec in self.template.get("Parameters", {}).items():
            if name in self.parameter_overrides:
                values[name] = self.parameter_overrides[name]
            elif "Default" in spec:
                values[name] = spec["Default"]
            else:
                raise TemplateError(f"parameter {name} has no Default and no value was given")
        return values

    def _conditions(self) -> dict[str, bool]:
        """The template's Conditions (Fn::Equals, Fn::Not, Condition), evaluated against the parameters."""
        if not hasattr(self, "_evaluated_conditions"):
            names: dict[str, Any] = {"AWS::Region": self.session.region_name, **self._parameters()}
            resolver = Resolver(names)
            for name, expression in self.template.get("Conditions", {}).items():
                names[f"Condition::{name}"] = bool(resolver.resolve(expression, f"Conditions.{name}"))
            self._evaluated_conditions = {k.split("::", 1)[1]: v for k, v in names.items()
                                          if k.startswith("Condition::")}
        return self._evaluated_conditions

    def _condition_holds(self, resource: dict[str, Any]) -> bool:
        name = resource.get("Condition")
        if name is None:
            return True
        if name not in self._conditions():
            raise TemplateError(f"a resource names Condition {name}, which Conditions does not declare")
        return self._conditions()[name]

    def plan(self) -> list[str]:
        """Logical ids in dependency order; refuses unknown references and cycles."""
        resources = self.template["Resources"]
        known = set(resources) | set(self.template.get("Parameters", {}))
        graph: dict[str, set[str]] = {}
        for logical_id, resource in resources.items():
            kind = resource.get("Type", "")
            if kind not in self.HANDLERS:
                raise TemplateError(f"{logical_id}: resource type {kind or '(missing)'} is not supported by the "
                                    f"local deployer (supported: {', '.join(sorted(self.HANDLERS))})")
            if not self._condition_holds(resource):
                continue
            deps = {ref for ref in references(resource.get("Properties", {})) if not ref.startswith("AWS::")}
            depends_on = resource.get("DependsOn", [])
            deps |= set([depends_on] if isinstance(depends_on, str) else depends_on)
            missing = deps - known
            if missing:
                raise TemplateError(f"{logical_id}: refers to unknown {', '.join(sorted(missing))}")
            graph[logical_id] = deps & {r for r in resources if self._condition_holds(resources[r])}
        try:
            return list(TopologicalSorter(graph).static_order())
        except CycleError as error:
            raise TemplateError(f"circular dependency between resources: {' -> '.join(error.args[1])}") from error

    # ------------------------------------------------------------------ deploying
    def deploy(self) -> Deployment:
        order = self.plan()
        identity = self.client("sts").get_caller_identity()
        region = self.session.region_name or self.client("sts").meta.region_name
        deployment = Deployment(self.stack_name, region, identity["Account"])
        names: dict[str, Any] = {
            "AWS::Region": region, "AWS::AccountId": identity["Account"], "AWS::StackName": self.stack_name,
            "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", **self._parameters(),
        }
        names.update({f"Condition::{name}": value for name, value in self._conditions().items()})
        self.resolver = Resolver(names)
        self.deployment = deployment
        for logical_id in order:
            resource = self.template["Resources"][logical_id]
            kind = resource["Type"]
            props = self._with_globals(kind, resource.get("Properties", {}))
            ref, attributes = self.HANDLERS[kind](self, logical_id, props, resource.get("Metadata", {}))
            names[logical_id] = ref
            names.update({f"{logical_id}.{name}": value for name, value in attributes.items()})
            deployment.resources[logical_id] = {"type": kind, "ref": ref, "attributes": attributes}
        for name, output in self.template.get("Outputs", {}).items():
            if not self._condition_holds(output):
                continue
            deployment.outputs[name] = self.resolver.resolve(output["Value"], f"Outputs.{name}")
        return deployment

    def _with_globals(self, kind: str, props: dict[str, Any]) -> dict[str, Any]:
        section = {"AWS::Serverless::Function": "Function", "AWS::Serverless::HttpApi": "HttpApi",
                   "AWS::Serverless::StateMachine": "StateMachine"}.get(kind)
        defaults = self.template.get("Globals", {}).get(section, {}) if section else {}
        merged = {**defaults, **props}
        if "Layers" in defaults and "Layers" in props:  # SAM puts the global layers first
            merged["Layers"] = [*defaults["Layers"], *props["Layers"]]
        if "Environment" in defaults and "Environment" in props:  # SAM merges environment variables
            merged["Environment"] = {"Variables": {**defaults["Environment"].get("Variables", {}),
                                                   **props["Environment"].get("Variables", {})}}
        return merged

    def _resolve(self, logical_id: str, value: Any) -> Any:
        return self.resolver.resolve(value, logical_id)

    def _role(self, logical_id: str, trust: dict[str, Any]) -> str:
        name = f"{self.stack_name}-{logical_id}"[:64]
        iam = self.client("iam")
        try:
            return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "EntityAlreadyExists":
                raise
            return iam.get_role(RoleName=name)["Role"]["Arn"]

    def _code_path(self, logical_id: str, relative: Any) -> Path:
        if not isinstance(relative, str):
            raise TemplateError(f"{logical_id}: CodeUri/ContentUri must be a local path for the local deployer")
        path = (self.root / relative).resolve()
        if not path.is_dir():
            raise TemplateError(f"{logical_id}: code directory {relative} does not exist")
        return path

    # ---- AWS::Serverless::LayerVersion
    def _layer(self, logical_id: str, props: dict[str, Any], metadata: dict[str, Any]):
        _allow_only(logical_id, "AWS::Serverless::LayerVersion", props,
                    {"LayerName", "Description", "ContentUri", "CompatibleRuntimes", "RetentionPolicy",
                     "LicenseInfo", "CompatibleArchitectures"})
        props = self._resolve(logical_id, props)
        content = self._code_path(logical_id, props["ContentUri"])
        # Lambda layers unpack under /opt/python: package the source the same way.
        buffer = io.BytesIO()
        # Metadata.LocalCloudExclude: paths the in-process runtime reads from the working tree instead
        # (large model files), so local deploys do not upload them.
        exclude = tuple(metadata.get("LocalCloudExclude", ()))
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, zipfile.ZipFile(
                io.BytesIO(zip_directory(content, exclude))) as source:
            for info in source.infolist():
                archive.writestr(f"python/{info.filename}", source.read(info))
        published = self.client("lambda").publish_layer_version(
            LayerName=props.get("LayerName", f"{self.stack_name}-{logical_id}"),
            Description=props.get("Description", ""), Content={"ZipFile": buffer.getvalue()},
            CompatibleRuntimes=props.get("CompatibleRuntimes", []))
        arn = published["LayerVersionArn"]
        host_build = os.environ.get("LOCALCLOUD_LAYER_BUILD")  # `make package --host`'s output (lambda_runtime)
        if host_build:
            built = Path(host_build) / logical_id / "python"
            if not built.is_dir():
                raise TemplateError(f"{logical_id}: LOCALCLOUD_LAYER_BUILD={host_build} has no {logical_id}/python "
                                    "(run scripts/package.py --host --build-dir it)")
            lambda_runtime.layer_paths[arn] = built.resolve()
        return arn, {"Arn": arn}

    # ---- AWS::DynamoDB::Table
    def _table(self, logical_id: str, props: dict[str, Any], _metadata: dict[str, Any]):
        _allow_only(logical_id, "AWS::DynamoDB::Table", props,
                    {"TableName", "BillingMode", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes",
                     "LocalSecondaryIndexes", "TimeToLiveSpecification", "PointInTimeRecoverySpecification",
                     "SSESpecification", "StreamSpecification", "Tags", "DeletionProtectionEnabled"})
        props = self._resolve(logical_id, props)
        name = props.get("TableName", f"{self.stack_name}-{logical_id}")
        dynamodb = self.client("dynamodb")
        request = {key: props[key] for key in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes",
                                                "LocalSecondaryIndexes", "StreamSpecification", "Tags")
                   if key in props}
        if "SSESpecification" in props:
            request["SSESpecification"] = {"Enabled": bool(props["SSESpecification"].get("SSEEnabled"))}
        try:
            dynamodb.create_table(TableName=name, BillingMode=props.get("BillingMode", "PROVISIONED"), **request)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceInUseException":
                raise
        dynamodb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            current = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
            if current.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
                dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification={
                    "Enabled": True, "AttributeName": ttl["AttributeName"]})
        pitr = props.get("PointInTimeRecoverySpecification", {})
        if pitr.get("PointInTimeRecoveryEnabled"):
            dynamodb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={
                "PointInTimeRecoveryEnabled": True})
        table = dynamodb.describe_table(TableName=name)["Table"]
        return name, {"Arn": table["TableArn"], "StreamArn": table.get("LatestStreamArn")}

    # ---- AWS::S3::Bucket
    def _bucket(self, logical_id: str, props: dict[str, Any], _metadata: dict[str, Any]):
        _allow_only(logical_id, "AWS::S3::Bucket", props,
                    {"BucketName", "VersioningConfiguration", "BucketEncryption", "PublicAccessBlockConfiguration",
                     "Tags", "LifecycleConfiguration", "CorsConfiguration"})
        props = self._resolve(logical_id, props)
        name = props.get("BucketName", f"{self.stack_name}-{logical_id}".lower())
        s3 = self.client("s3")
        region = self.deployment.region
        try:
            if region == "us-east-1":
                s3.create_bucket(Bucket=name)
            else:
                s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        except ClientError as error:
            if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
                raise
        if "VersioningConfiguration" in props:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={
                "Status": props["VersioningConfiguration"]["Status"]})
        if "BucketEncryption" in props:
            rules = [{"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"],
                      **({"BucketKeyEnabled": rule["BucketKeyEnabled"]} if "BucketKeyEnabled" in rule else {})}
                     for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        if "PublicAccessBlockConfiguration" in props:
            s3.put_public_access_block(Bucket=name,
                                       PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
        if "LifecycleConfiguration" in props:  # CloudFormation's shape -> the S3 API's
            rules = []
            for rule in props["LifecycleConfiguration"]["Rules"]:
                api_rule: dict[str, Any] = {"ID": rule.get("Id", ""), "Status": rule["Status"],
                                            "Filter": {"Prefix": rule.get("Prefix", "")}}
                if "ExpirationInDays" in rule:
                    api_rule["Expiration"] = {"Days": rule["ExpirationInDays"]}
                if "NoncurrentVersionExpiration" in rule:
                    api_rule["NoncurrentVersionExpiration"] = {
                        "NoncurrentDays": rule["NoncurrentVersionExpiration"]["NoncurrentDays"]}
                rules.append(api_rule)
            s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
        if "CorsConfiguration" in props:
            renamed = {"ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds"}
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [
                {renamed.get(k, k): v for k, v in rule.items() if k != "Id"}
                for rule in props["CorsConfiguration"]["CorsRules"]]})
        return name, {"Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com",
                      "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com"}

    # ---- AWS::Cognito::UserPool, UserPoolClient, UserPoolGroup (the HTTP API's token issuer)
    def _user_pool(self, logical_id: str, props: dict[str, Any], _metadata: dict[str, Any]):
        _allow_only(logical_id, "AWS::Cognito::UserPool", props,
                    {"UserPoolName", "Policies", "AdminCreateUserConfig", "UsernameConfiguration",
                     "AutoVerifiedAttributes", "AccountRecoverySetting", "MfaConfiguration", "UserPoolTags"})
        props = self._resolve(logical_id, props)
        name = props.get("UserPoolName", f"{self.stack_name}-{logical_id}")
        cognito = self.client("cognito-idp")
        existing = [p for p in cognito.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == name]
        request = {key: props[key] for key in ("Policies", "AdminCreateUserConfig", "UsernameConfiguration",
                                                "AutoVerifiedAttributes", "AccountRecoverySetting",
                                                "MfaConfiguration") if key in props}
        pool = existing[0] if existing else cognito.create_user_pool(PoolName=name, **request)["UserPool"]
        arn = f"arn:aws:cognito-idp:{self.deployment.region}:{self.deployment.account_id}:userpool/{pool['Id']}"
        return pool["Id"], {"Arn": arn, "ProviderName": f"cognito-idp.{self.deployment.region}.amazonaws.com/"
                                                        f"{pool['Id']}",
                            "ProviderURL": f"https://cognito-idp.{self.deployment.region}.amazonaws.com/"
                                           f"{pool['Id']}"}

    def _user_pool_client(self, logical_id: str, props: dict[str, Any], _metadata: dict[str, Any]):
        _allow_only(logical_id, "AWS::Cognito::UserPoolClient", props,
                    {"UserPoolId", "ClientName", "GenerateSecret", "ExplicitAuthFlows", "AccessTokenValidity",
                     "IdTokenValidity", "RefreshTokenValidity", "TokenValidityUnits", "PreventUserExistenceErrors",
                     "EnableTokenRevocation"})
        props = self._resolve(logical_id, props)
        cognito = self.client("cognito-idp")
        name = props.get("ClientName", f"{self.stack_name}-{logical_id}")
        clients = cognito.list_user_pool_clients(UserPoolId=props["UserPoolId"], MaxResults=60)["UserPoolClients"]
        existing = [c for c in clients if c["ClientName"] == name]
        if existing:
            return existing[0]["ClientId"], {}
        request = {key: props[key] for key in ("GenerateSecret", "ExplicitAuthFlows", "AccessTokenValidity",
                                                "IdTokenValidity", "RefreshTokenValidity", "TokenValidityUnits",
                                                "PreventUserExistenceErrors", "EnableTokenRevocation") if key in props}
        created = cognito.create_user_pool_client(UserPoolId=props["UserPoolId"], ClientName=name, **request)
        return created["UserPoolClient"]["ClientId"], {}

    def _user_pool_group(self, logical_id: str, props: dict[str, Any], _metadata: dict[str, Any]):
        _allow_only(logical_id, "AWS::Cognito::UserPoolGroup", props,
                    {"UserPoolId", "GroupName", "Description", "Precedence"})
        props = self._resolve(logical_id, props)
        cognito = self.client("cognito-idp")
        try:
            cognito.create_group(UserPoolId=props["UserPoolId"], GroupName=props["GroupName"],
                                 Description=props.get("Description", ""), Precedence=int(props.get("Precedence", 0)))
        except ClientError as error:
            if error.response["Error"]["Code"] != "GroupExistsException":
                raise
        return props["GroupName"], {}

    # ---- AWS::Serverless::HttpApi
    def _http_api(self, logical_id: str, props: dict[str, Any], _metadata: dict[str, Any]):
        _allow_only(logical_id, "AWS::Serverless::HttpApi", props,
                    {"Description", "StageName", "CorsConfiguration", "FailOnWarnings", "Tags", "Auth"})
        props = self._resolve(logical_id, props)
        apigw = self.client("apigatewayv2")
        name = f"{self.stack_name}-{logical_id}"
        existing = [api for api in apigw.get_apis()["Items"] if api["Name"] == name]
        if existing:
            api_id = existing[0]["ApiId"]
        else:
            request: dict[str, Any] = {"Name": name, "ProtocolType": "HTTP",
                                       "Description": props.get("Description", "")}
            cors = props.get("CorsConfiguration")
            if isinstance(cors, dict):
                request["CorsConfiguration"] = cors
            api_id = apigw.create_api(**request)["ApiId"]
            apigw.create_stage(ApiId=api_id, StageName=props.get("StageName", "$default"), AutoDeploy=True)
        self._api_auth[api_id] = self._authorizers(logical_id, api_id, props.get("Auth", {}), bool(existing))
        return api_id, {"ApiEndpoint": f"https://{api_id}.execute-api.{self.deployment.region}.amazonaws.com"}

    def _authorizers(self, logical_id: str, api_id: str, auth: dict[str, Any], reused: bool) -> dict[str, Any]:
        """SAM HttpApi Auth: JWT authorizers (created in API Gateway v2, enforced by the local gateway) and the
        default one every route gets unless its event says `Auth: {Authorizer: NONE}`."""
        _allow_only(f"{logical_id}.Auth", "HttpApi Auth", auth, {"Authorizers", "DefaultAuthorizer"})
        apigw = self.client("apigatewayv2")
        existing: dict[str, str] = {}
        if reused:  # moto has no GetAuthorizers: a fresh API has none anyway, only a redeploy asks
            try:
                existing = {a["Name"]: a["AuthorizerId"] for a in apigw.get_authorizers(ApiId=api_id)["Items"]}
            except (ClientError, NotImplementedError):
                existing = {}
        ids = {}
        for name, spec in auth.get("Authorizers", {}).items():
            where = f"{logical_id}.Auth.Authorizers.{name}"
            _allow_only(where, "JWT authorizer", spec, {"IdentitySource", "JwtConfiguration", "AuthorizationScopes"})
            if "JwtConfiguration" not in spec:
                raise TemplateError(f"{where}: only JWT authorizers are supported by the local deployer")
            jwt = spec["JwtConfiguration"]
            audience = jwt.get("audience", [])
            config = {"Issuer": jwt["issuer"], "Audience": audience if isinstance(audience, list) else [audience]}
            source = spec.get("IdentitySource", "$request.header.Authorization")
            if name in existing:
                apigw.update_authorizer(ApiId=api_id, AuthorizerId=existing[name], JwtConfiguration=config,
                                        IdentitySource=[source])
                ids[name] = existing[name]
            else:
                ids[name] = apigw.create_authorizer(ApiId=api_id, Name=name, AuthorizerType="JWT",
                                                    IdentitySource=[source], JwtConfiguration=config)["AuthorizerId"]
        default = auth.get("DefaultAuthorizer")
        if default is not None and default not in ids:
            raise TemplateError(f"{logical_id}.Auth.DefaultAuthorizer: {default} is not in Authorizers")
        return {"ids": ids, "default": default}

    # ---- AWS::Serverless::Function
    def _function(self, logical_id: str, props: dict[str, Any], _metadata: dict[str, Any]):
        _allow_only(logical_id, "AWS::Serverless::Function", props,
                    {"FunctionName", "Description", "CodeUri", "Handler", "Runtime", "Architectures",
                     "MemorySize", "Timeout", "Tracing", "Layers", "Environment", "Policies", "Events",
                     "ReservedConcurrentExecutions", "Tags", "EventInvokeConfig"})
        events = props.pop("Events", {})
        invoke_config = props.pop("EventInvokeConfig", None)
        props.pop("Policies", None)  # see the module docstring: IAM is enforced on AWS only
        props = self._resolve(logical_id, props)
        name = props.get("FunctionName", f"{self.stack_name}-{logical_id}")[:64]
        code = zip_directory(self._code_path(logical_id, props["CodeUri"]))
        config: dict[str, Any] = {
            "Runtime": props.get("Runtime", "python3.12"), "Handler": props["Handler"],
            "Role": self._role(logical_id, LAMBDA_TRUST), "Description": props.get("Description", ""),
            "Timeout": int(props.get("Timeout", 3)), "MemorySize": int(props.get("MemorySize", 128)),
            "Environment": {"Variables": {k: str(v) for k, v in
                                          props.get("Environment", {}).get("Variables", {}).items()}},
            "Layers": props.get("Layers", []),
            "TracingConfig": {"Mode": "Active" if props.get("Tracing") == "Active" else "PassThrough"},
        }
        lambda_client = self.client("lambda")
        try:
            arn = lambda_client.create_function(FunctionName=name, Code={"ZipFile": code},
                                                Architectures=props.get("Architectures", ["x86_64"]),
                                                **config)["FunctionArn"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceConflictException":
                raise
            arn = lambda_client.update_function_code(FunctionName=name, ZipFile=code)["FunctionArn"]
            lambda_client.get_waiter("function_updated_v2").wait(FunctionName=name)
            lambda_client.update_function_configuration(FunctionName=name, **config)
        if invoke_config is not None:
            self._event_invoke_config(logical_id, name, self._resolve(logical_id, invoke_config))
        for event_id, event in events.items():
            self._function_event(logical_id, name, arn, event_id, event)
        return name, {"Arn": arn}

    def _event_invoke_config(self, logical_id: str, function_name: str, config: dict[str, Any]) -> None:
        """SAM's EventInvokeConfig: asynchronous retries and destinations (the local cloud honours them,
        localcloud/moto_patches.py: invoke_async)."""
        where = f"{logical_id}.EventInvokeConfig"
        _allow_only(where, "EventInvokeConfig", config, {"MaximumRetryAttempts", "MaximumEventAgeInSeconds",
                                                         "DestinationConfig"})
        request: dict[str, Any] = {"FunctionName": function_name}
        for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
            if key in config:
                request[key] = int(config[key])
        destinations = {}
        for condition, target in (config.get("DestinationConfig") or {}).items():
            if condition not in ("OnSuccess", "OnFailure"):
                raise TemplateError(f"{where}.DestinationConfig: {condition} is not OnSuccess or OnFailure")
            _allow_only(f"{where}.DestinationConfig.{condition}", "destination", target, {"Type", "Destination"})
            destinations[condition] = {"Destination": target["Destination"]}
        if destinations:
            request["DestinationConfig"] = destinations
        self.client("lambda").put_function_event_invoke_config(**request)

    def _permission(self, function_name: str, statement_id: str, principal: str, source_arn: str) -> None:
        try:
            self.client("lambda").add_permission(FunctionName=function_name, StatementId=statement_id,
                                                 Action="lambda:InvokeFunction", Principal=principal,
                                                 SourceArn=source_arn)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceConflictException":
                raise

    def _function_event(self, logical_id: str, function_name: str, function_arn: str, event_id: str,
                        event: dict[str, Any]) -> None:
        where = f"{logical_id}.Events.{event_id}"
        kind = event.get("Type")
        props = self._resolve(where, event.get("Properties", {}))
        if kind == "HttpApi":
            _allow_only(where, "HttpApi event", props, {"ApiId", "Path", "Method", "TimeoutInMillis", "Auth"})
            if "ApiId" not in props:
                raise TemplateError(f"{where}: HttpApi events need ApiId (declare an AWS::Serverless::HttpApi)")
            route_key = "$default" if props["Path"] == "$default" else f"{props['Method'].upper()} {props['Path']}"
            auth = self._api_auth.get(props["ApiId"], {"ids": {}, "default": None})
            authorizer = props.get("Auth", {}).get("Authorizer", auth["default"])
            if authorizer not in (None, "NONE") and authorizer not in auth["ids"]:
                raise TemplateError(f"{where}: Auth.Authorizer {authorizer} is not declared in the HttpApi's Auth")
            self._route(props["ApiId"], route_key, function_arn, int(props.get("TimeoutInMillis", 30000)),
                        None if authorizer in (None, "NONE") else auth["ids"][authorizer])
            self._permission(function_name, f"{event_id}Permission", "apigateway.amazonaws.com",
                             f"arn:aws:execute-api:{self.deployment.region}:{self.deployment.account_id}:"
                             f"{props['ApiId']}/*")
        elif kind == "Schedule":
            rule_arn = self._schedule(where, props, function_arn, logical_id, target_role=None)
            self._permission(function_name, f"{event_id}Permission", "events.amazonaws.com", rule_arn)
        elif kind == "S3":
            _allow_only(where, "S3 event", props, {"Bucket", "Events", "Filter"})
            self._permission(function_name, f"{event_id}Permission", "s3.amazonaws.com",
                             f"arn:aws:s3:::{props['Bucket']}")
            self._bucket_notification(props, function_arn, f"{logical_id}-{event_id}")
        elif kind == "EventBridgeRule":
            rule_arn = self._event_rule(where, props, function_arn, logical_id)
            self._permission(function_name, f"{event_id}Permission", "events.amazonaws.com", rule_arn)
        else:
            raise TemplateError(f"{where}: event type {kind} is not supported by the local deployer "
                                f"(supported: HttpApi, Schedule, S3, EventBridgeRule)")

    def _route(self, api_id: str, route_key: str, function_arn: str, timeout_ms: int,
               authorizer_id: str | None = None) -> None:
        apigw = self.client("apigatewayv2")
        for route in apigw.get_routes(ApiId=api_id)["Items"]:
            if route["RouteKey"] == route_key:
                apigw.delete_route(ApiId=api_id, RouteId=route["RouteId"])
        integration = apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY",
                                               IntegrationUri=function_arn, PayloadFormatVersion="2.0",
                                               TimeoutInMillis=timeout_ms)
        auth = {"AuthorizationType": "JWT", "AuthorizerId": authorizer_id} if authorizer_id else {
            "AuthorizationType": "NONE"}
        apigw.create_route(ApiId=api_id, RouteKey=route_key, Target=f"integrations/{integration['IntegrationId']}",
                           **auth)
        self.deployment.routes.append(route_key)

    def _schedule(self, where: str, props: dict[str, Any], target_arn: str, target_logical_id: str,
                  target_role: str | None) -> str:
        _allow_only(where, "Schedule event", props, {"Name", "Description", "Schedule", "Input", "Enabled", "State"})
        name = props.get("Name", f"{self.stack_name}-{where.replace('.Events.', '-')}")[:64]
        enabled = props.get("Enabled", True) and props.get("State", "ENABLED") == "ENABLED"
        events = self.client("events")
        rule_arn = events.put_rule(Name=name, ScheduleExpression=props["Schedule"],
                                   State="ENABLED" if enabled else "DISABLED",
                                   Description=props.get("Description", ""))["RuleArn"]
        target: dict[str, Any] = {"Id": target_logical_id, "Arn": target_arn}
        if "Input" in props:
            target["Input"] = props["Input"]
        if target_role:
            target["RoleArn"] = target_role
        events.put_targets(Rule=name, Targets=[target])
        self.deployment.rules[name] = target_logical_id
        return rule_arn

    def _event_rule(self, where: str, props: dict[str, Any], target_arn: str, target_logical_id: str) -> str:
        """An event-pattern rule on the default bus delivering to the function."""
        _allow_only(where, "EventBridgeRule event", props, {"Pattern", "RuleName", "State"})
        name = props.get("RuleName", f"{self.stack_name}-{where.replace('.Events.', '-')}")[:64]
        events = self.client("events")
        rule_arn = events.put_rule(Name=name, EventPattern=json.dumps(props["Pattern"]),
                                   State=props.get("State", "ENABLED"))["RuleArn"]
        events.put_targets(Rule=name, Targets=[{"Id": target_logical_id, "Arn": target_arn}])
        return rule_arn

    def _bucket_notification(self, props: dict[str, Any], function_arn: str, notification_id: str) -> None:
        s3 = self.client("s3")
        bucket = props["Bucket"]
        configuration = s3.get_bucket_notification_configuration(Bucket=bucket)
        configuration.pop("ResponseMetadata", None)
        functions = [c for c in configuration.get("LambdaFunctionConfigurations", []) if c.get("Id") != notification_id]
        entry: dict[str, Any] = {"Id": notification_id, "LambdaFunctionArn": function_arn,
                                 "Events": props["Events"] if isinstance(props["Events"], list) else [props["Events"]]}
        if "Filter" in props:
            entry["Filter"] = {"Key": {"FilterRules": props["Filter"]["S3Key"]["Rules"]}}
        configuration["LambdaFunctionConfigurations"] = [*functions, entry]
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=configuration)

    # ---- AWS::Serverless::StateMachine
    def _state_machine(self, logical_id: str, props: dict[str, Any], _metadata: dict[str, Any]):
        _allow_only(logical_id, "AWS::Serverless::StateMachine", props,
                    {"Name", "Type", "Definition", "DefinitionUri", "DefinitionSubstitutions", "Policies", "Role",
                     "Tracing", "Events", "Logging", "Tags"})
        events = props.pop("Events", {})
        props.pop("Policies", None)
        props = self._resolve(logical_id, props)
        if "DefinitionUri" in props:
            definition = (self.root / props["DefinitionUri"]).read_text(encoding="utf-8")
        elif "Definition" in props:
            definition = json.dumps(props["Definition"])
        else:
            raise TemplateError(f"{logical_id}: a state machine needs Definition or DefinitionUri")
        for key, value in props.get("DefinitionSubstitutions", {}).items():
            definition = definition.replace("${" + key + "}", str(value))
        name = props.get("Name", f"{self.stack_name}-{logical_id}")
        role = props.get("Role") or self._role(logical_id, STATES_TRUST)
        sfn = self.client("stepfunctions")
        arn = f"arn:aws:states:{self.deployment.region}:{self.deployment.account_id}:stateMachine:{name}"
        try:
            arn = sfn.create_state_machine(name=name, definition=definition, roleArn=role,
                                           type=props.get("Type", "STANDARD"))["stateMachineArn"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "StateMachineAlreadyExists":
                raise
            sfn.update_state_machine(stateMachineArn=arn, definition=definition, roleArn=role)
        for event_id, event in events.items():
            where = f"{logical_id}.Events.{event_id}"
            if event.get("Type") != "Schedule":
                raise TemplateError(f"{where}: state machine event type {event.get('Type')} is not supported "
                                    "by the local deployer (supported: Schedule)")
            self._schedule(where, self._resolve(where, event.get("Properties", {})), arn, logical_id,
                           target_role=self._role(f"{logical_id}-{event_id}", {
                               **STATES_TRUST, "Statement": [{**STATES_TRUST["Statement"][0],
                                                              "Principal": {"Service": "events.amazonaws.com"}}]}))
        return arn, {"Arn": arn, "Name": name}

    # ---- the web console's hosting: AWS::S3::BucketPolicy, AWS::CloudFront::OriginAccessControl and
    # AWS::CloudFront::Distribution are created in moto too (locally the console is served on the API port)
    def _bucket_policy(self, logical_id: str, props: dict[str, Any], _metadata: dict[str, Any]):
        _allow_only(logical_id, "AWS::S3::BucketPolicy", props, {"Bucket", "PolicyDocument"})
        props = self._resolve(logical_id, props)
        self.client("s3").put_bucket_policy(Bucket=props["Bucket"], Policy=json.dumps(props["PolicyDocument"]))
        return props["Bucket"], {}

    def _origin_access_control(self, logical_id: str, props: dict[str, Any], _metadata: dict[str, Any]):
        _allow_only(logical_id, "AWS::CloudFront::OriginAccessControl", props, {"OriginAccessControlConfig"})
        config = self._resolve(logical_id, props)["OriginAccessControlConfig"]
        cloudfront = self.client("cloudfront")
        existing = [item["Id"] for item in cloudfront.list_origin_access_controls()["OriginAccessControlList"]
                    .get("Items", []) if item["Name"] == config["Name"]]
        oac_id = existing[0] if existing else cloudfront.create_origin_access_control(
            OriginAccessControlConfig=config)["OriginAccessControl"]["Id"]
        return oac_id, {"Id": oac_id}

    def _distribution(self, logical_id: str, props: dict[str, Any], _metadata: dict[str, Any]):
        _allow_only(logical_id, "AWS::CloudFront::Distribution", props, {"DistributionConfig", "Tags"})
        config = self._resolve(logical_id, props)["DistributionConfig"]
        supported = {"Comment", "Enabled", "DefaultRootObject", "HttpVersion", "PriceClass", "Origins",
                     "DefaultCacheBehavior"}
        _allow_only(logical_id, "AWS::CloudFront::Distribution DistributionConfig", config, supported)

        def counted(items: list[Any]) -> dict[str, Any]:  # CloudFormation lists -> CloudFront's {Quantity, Items}
            return {"Quantity": len(items), "Items": items}

        behaviour = dict(config["DefaultCacheBehavior"])
        methods = counted(behaviour.pop("AllowedMethods", ["GET", "HEAD"]))
        methods["CachedMethods"] = counted(behaviour.pop("CachedMethods", ["GET", "HEAD"]))
        request = {**{k: v for k, v in config.items() if k not in ("Origins", "DefaultCacheBehavior")},
                   "CallerReference": f"{self.stack_name}-{logical_id}",
                   "Origins": counted(config["Origins"]),
                   "DefaultCacheBehavior": {**behaviour, "AllowedMethods": methods}}
        cloudfront = self.client("cloudfront")
        for item in cloudfront.list_distributions()["DistributionList"].get("Items", []):
            if cloudfront.get_distribution_config(Id=item["Id"])["DistributionConfig"]["CallerReference"] == \
                    request["CallerReference"]:  # deployed before: keep it
                return item["Id"], {"Id": item["Id"], "DomainName": item["DomainName"]}
        created = cloudfront.create_distribution(DistributionConfig=request)["Distribution"]
        return created["Id"], {"Id": created["Id"], "DomainName": created["DomainName"]}

    HANDLERS: ClassVar[dict[str, Callable]] = {
        "AWS::Serverless::LayerVersion": _layer,
        "AWS::DynamoDB::Table": _table,
        "AWS::S3::Bucket": _bucket,
        "AWS::Serverless::HttpApi": _http_api,
        "AWS::Cognito::UserPool": _user_pool,
        "AWS::Cognito::UserPoolClient": _user_pool_client,
        "AWS::Cognito::UserPoolGroup": _user_pool_group,
        "AWS::Serverless::Function": _function,
        "AWS::Serverless::StateMachine": _state_machine,
        "AWS::S3::BucketPolicy": _bucket_policy,
        "AWS::CloudFront::OriginAccessControl": _origin_access_control,
        "AWS::CloudFront::Distribution": _distribution,
    }


def deploy(template_path: str | Path, stack_name: str, **kwargs: Any) -> Deployment:
    return Deployer(template_path, stack_name, **kwargs).deploy()
