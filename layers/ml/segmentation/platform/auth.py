"""Who may call which route: the ONE place a route's role is declared (ROUTE_ROLES), and the check.

Authentication is API Gateway's: the HTTP API's JWT authorizer (template.yaml, HttpApi Auth) rejects a
missing, malformed, expired or wrongly signed token with 401 before any handler runs, and passes the
token's claims in `requestContext.authorizer.jwt.claims`. Authorization is here, because Cognito user
tokens (InitiateAuth) carry no custom OAuth scopes: a user's Cognito groups arrive in the
`cognito:groups` claim (API Gateway hands arrays over as the string "[admin write]"), and
`http_handler` (platform/api.py) answers 403 before the resolver runs when they lack the route's role.
The local cloud's gateway does the same (infra/localcloud/authorizer.py), so the path is one.

Roles, each including the ones below it: read < write < admin.
  read   every GET, and POSTs that compute and store nothing (segment a text, preview, evaluate a profile)
  write  creating and changing: job ads, segments, members (add and remove), content, performance, learning
  admin  training, deleting resources, and distribution (pushing audiences to ad platforms)

A new route: add its route key ("METHOD /path" exactly as in template.yaml) here with its role.
tests/unit/test_auth.py fails for any template route missing from this table, and a route missing at run
time is refused (403), never open. Public routes (no token at all) say None here AND
`Auth: {Authorizer: NONE}` on their template event.
"""

from typing import Any

READ, WRITE, ADMIN = "read", "write", "admin"
ROLE_ORDER = (READ, WRITE, ADMIN)

ROUTE_ROLES: dict[str, str | None] = {
    # platform
    "GET /api/health": None,
    # jobs (seed 000)
    "POST /segment": READ,
    "POST /api/jobs": WRITE,
    "GET /api/jobs": READ,
    "GET /api/jobs/{jobAdId}": READ,
    "PUT /api/jobs/{jobAdId}": WRITE,
    "DELETE /api/jobs/{jobAdId}": ADMIN,
    "POST /api/jobs/{jobAdId}/schedule": WRITE,
    "POST /api/jobs/test-segmentation": READ,
    "GET /api/jobs/{jobAdId}/targeting/{platform}": READ,
    "POST /api/jobs/{jobAdId}/performance": WRITE,
    "GET /api/jobs/cluster-performance": READ,
    # segments (seed 001)
    "POST /api/v1/segments": WRITE,
    "GET /api/v1/segments": READ,
    "GET /api/v1/segments/health": READ,
    # the trailing-slash companions (seed 001's "/api/v1/segments/"): they reach the create and list functions
    "POST /api/v1/segments/{proxy+}": WRITE,
    "GET /api/v1/segments/{proxy+}": READ,
    "GET /api/v1/segments/{segment_id}": READ,
    "PUT /api/v1/segments/{segment_id}": WRITE,
    "DELETE /api/v1/segments/{segment_id}": ADMIN,
    "GET /api/v1/segments/{segment_id}/members": READ,
    "POST /api/v1/segments/{segment_id}/members/{user_id}": WRITE,
    "DELETE /api/v1/segments/{segment_id}/members/{user_id}": WRITE,
    "POST /api/v1/segments/{segment_id}/evaluate": READ,
    "GET /api/v1/segments/{segment_id}/analytics": READ,
    "POST /api/v1/segments/{segment_id}/analyze": WRITE,
    "POST /api/v1/segments/personalized": WRITE,
    "POST /api/v1/segments/personalized/{personalized_id}/performance": WRITE,
    "GET /api/v1/segments/personalized/{personalized_id}/performance": READ,
    # learning (seed 004)
    "POST /api/extension/learning/sync": WRITE,
    "GET /api/extension/learning/profile": READ,
    "GET /api/extension/learning/profiles": READ,
    "GET /api/extension/learning/runs/latest": READ,
    # candidates (seed 002): training is admin, deleting a candidate too
    "POST /api/candidates": WRITE,
    "GET /api/candidates": READ,
    "GET /api/candidates/{candidate_id}": READ,
    "PATCH /api/candidates/{candidate_id}": WRITE,
    "PUT /api/candidates/{candidate_id}": WRITE,
    "DELETE /api/candidates/{candidate_id}": ADMIN,
    "GET /api/candidates/segments": READ,
    "GET /api/candidates/segments/{segment_id}": READ,
    "POST /api/candidates/segmentation/train": ADMIN,
    "GET /api/candidates/segmentation/runs/{run_id}": READ,
    "POST /api/candidates/segmentation/predict": WRITE,
    "GET /api/jobs/{jobAdId}/candidate-segments": READ,
    # audiences (seed 003): distribution is admin
    "GET /api/variables/search": READ,
    "GET /api/variables/{code}": READ,
    "POST /api/nl/start_session": WRITE,
    "GET /api/nl/start_session": WRITE,  # starts a session too (the seed's form)
    "POST /api/nl/process": WRITE,
    "GET /api/audiences/{audience_id}": READ,
    "POST /api/audiences/uploads": WRITE,
    "GET /api/audiences/uploads/{upload_id}": READ,
    "GET /api/export/{audience_id}": READ,
    "POST /api/distribute": ADMIN,
}


class Forbidden(Exception):
    """The caller is authenticated but lacks the route's role; the message says which role is needed."""


def claims(event: dict[str, Any]) -> dict[str, Any]:
    """The verified token claims API Gateway passed with the request ({} on a public route)."""
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    return (authorizer.get("jwt") or {}).get("claims") or {}


def groups(token_claims: dict[str, Any]) -> set[str]:
    """Cognito groups from `cognito:groups`: a list, or API Gateway's "[a b]" string form."""
    value = token_claims.get("cognito:groups", [])
    if isinstance(value, str):
        value = value.strip().removeprefix("[").removesuffix("]").replace(",", " ").split()
    return {str(group) for group in value}


def has_role(token_claims: dict[str, Any], role: str) -> bool:
    needed = ROLE_ORDER.index(role)
    return any(group in ROLE_ORDER and ROLE_ORDER.index(group) >= needed for group in groups(token_claims))


def caller(event: dict[str, Any]) -> str | None:
    """Who made the request: the token's username (Cognito access tokens), else its subject."""
    token_claims = claims(event)
    return token_claims.get("username") or token_claims.get("cognito:username") or token_claims.get("sub")


def check(event: dict[str, Any]) -> None:
    """Raise Forbidden unless the caller's groups include the role ROUTE_ROLES declares for this route."""
    route_key = event.get("routeKey") or (event.get("requestContext") or {}).get("routeKey", "")
    if route_key not in ROUTE_ROLES:
        raise Forbidden(f"route {route_key} declares no role (segmentation/platform/auth.py ROUTE_ROLES)")
    role = ROUTE_ROLES[route_key]
    if role is None:
        return
    if not has_role(claims(event), role):
        raise Forbidden(f"{route_key} needs the {role} role (a Cognito group: {', '.join(ROLE_ORDER)}); "
                        f"the token has {sorted(groups(claims(event))) or 'none'}")
