"""Tokens for demo users of the stack's Cognito user pool: `make token ROLE=write` on the local cloud.

A demo user per role (`demo-read`, `demo-write`, `demo-admin`) is created on first use in the pool the
stack deployed (AdminCreateUser, a permanent password, the role's group), then signed in with
USER_PASSWORD_AUTH, as a person would with `aws cognito-idp initiate-auth` on AWS. The access token is
what the HTTP API's JWT authorizer checks (its `client_id` is the app client, its `cognito:groups` the
role). The demo password is for the emulator only; on AWS, create users as docs/operations.md says.
"""

from typing import Any

from botocore.exceptions import ClientError

ROLES = ("read", "write", "admin")
DEMO_PASSWORD = "Local-demo-password-1"


def demo_username(role: str) -> str:
    return f"demo-{role}"


def demo_token(cognito: Any, user_pool_id: str, client_id: str, role: str = "admin",
               username: str | None = None) -> str:
    """An access token for the demo user of `role`, created (with its group) if it does not exist."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    username = username or demo_username(role)
    try:
        cognito.admin_create_user(UserPoolId=user_pool_id, Username=username, MessageAction="SUPPRESS")
    except ClientError as error:
        if error.response["Error"]["Code"] != "UsernameExistsException":
            raise
    cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=username, Password=DEMO_PASSWORD,
                                    Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=username, GroupName=role)
    answer = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": username, "PASSWORD": DEMO_PASSWORD})
    return answer["AuthenticationResult"]["AccessToken"]


def stack_token(outputs: dict[str, Any], cognito: Any, role: str = "admin") -> str:
    """A demo token for a deployed stack, from its UserPoolId/UserPoolClientId outputs."""
    missing = [name for name in ("UserPoolId", "UserPoolClientId") if name not in outputs]
    if missing:
        raise LookupError(f"the stack has no {', '.join(missing)} output: it was deployed with AuthIssuer "
                          "(an external identity provider); get a token from that provider")
    return demo_token(cognito, outputs["UserPoolId"], outputs["UserPoolClientId"], role)
