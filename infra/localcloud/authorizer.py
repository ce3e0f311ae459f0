"""API Gateway's JWT authorizer for the local HTTP API data plane (HTTP APIs, `AuthorizerType: JWT`).

What API Gateway checks, and so what this checks: a bearer token in the identity source (the
Authorization header), signed (RS256) by a key in the issuer's JWKS, `iss` equal to the configured
issuer, `exp` in the future (and `nbf`, `iat` not in the future), and `aud` or, for Cognito access
tokens, `client_id` among the configured audiences. Any failure: 401 `{"message": "Unauthorized"}` and
the handler is not invoked. On success the claims reach the handler as API Gateway passes them
(`requestContext.authorizer.jwt.claims`, every value a string, arrays as "[a b]"), with `scopes`.

Roles (403) are not the authorizer's job here: Cognito user tokens carry groups, not custom scopes, so
the handlers check `cognito:groups` (segmentation/platform/auth.py), on AWS and locally alike.

JWKS: for a Cognito issuer whose user pool is in this emulator, moto's signing key (moto signs every pool's
tokens with one fixed key); for any other issuer, `{issuer}/.well-known/openid-configuration` ->
`jwks_uri`, fetched once and cached.
"""

import json
import re
import threading
import time
import urllib.request
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

_COGNITO_ISSUER = re.compile(r"^https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([\w-]+)$")
_CLOCK_SKEW_S = 0  # API Gateway allows none documented; tests rely on an expired token failing at once
_jwks_cache: dict[str, KeySet] = {}
_jwks_lock = threading.Lock()


class Unauthorized(Exception):
    """The request carries no acceptable token; the message says why (logged, not returned)."""


def _moto_cognito_jwks(region: str, pool_id: str, account_id: str) -> KeySet | None:
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.utilities.utils import load_resource

    if pool_id not in cognitoidp_backends[account_id][region].user_pools:
        return None
    return KeySet.import_key_set(load_resource("cognitoidp/resources/jwks-public.json"))


def jwks_for(issuer: str, account_id: str) -> KeySet:
    with _jwks_lock:
        if issuer in _jwks_cache:
            return _jwks_cache[issuer]
    found = _COGNITO_ISSUER.match(issuer)
    keys = _moto_cognito_jwks(found.group(1), found.group(2), account_id) if found else None
    if keys is None:
        with urllib.request.urlopen(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=5) as answer:
            jwks_uri = json.load(answer)["jwks_uri"]
        with urllib.request.urlopen(jwks_uri, timeout=5) as answer:
            keys = KeySet.import_key_set(json.load(answer))
    with _jwks_lock:
        _jwks_cache[issuer] = keys
    return keys


def _api_gateway_claim(value: Any) -> str:
    """How API Gateway hands a claim to the integration: strings as they are, arrays as "[a b]"."""
    if isinstance(value, list):
        return "[" + " ".join(str(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def authorize(headers: dict[str, str], jwt_configuration: dict[str, Any], account_id: str) -> dict[str, Any]:
    """The `requestContext.authorizer` of an accepted request; raises Unauthorized otherwise.
    `headers` are lower-cased; `jwt_configuration` is the authorizer's {Issuer, Audience}."""
    header = headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else header.strip()
    if not token:
        raise Unauthorized("no token in the Authorization header")
    if token.count(".") != 2:
        raise Unauthorized("the token is not a JWT")
    issuer = jwt_configuration.get("Issuer") or jwt_configuration.get("issuer")
    audiences = jwt_configuration.get("Audience") or jwt_configuration.get("audience") or []
    try:
        decoded = jwt.decode(token, jwks_for(issuer, account_id), algorithms=["RS256"])
    except (JoseError, ValueError) as error:
        raise Unauthorized(f"the token's signature does not verify: {error}") from error
    claims = decoded.claims
    now = time.time()
    if claims.get("iss") != issuer:
        raise Unauthorized(f"issuer {claims.get('iss')!r} is not {issuer!r}")
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= now - _CLOCK_SKEW_S:
        raise Unauthorized("the token has expired")
    if isinstance(claims.get("nbf"), int | float) and claims["nbf"] > now + _CLOCK_SKEW_S:
        raise Unauthorized("the token is not valid yet")
    audience = claims.get("aud", claims.get("client_id"))
    token_audiences = audience if isinstance(audience, list) else [audience]
    if audiences and not set(token_audiences) & set(audiences):
        raise Unauthorized(f"audience {audience!r} is not among {audiences}")
    scopes = claims.get("scope", "").split() if isinstance(claims.get("scope"), str) else None
    return {"jwt": {"claims": {k: _api_gateway_claim(v) for k, v in claims.items()}, "scopes": scopes}}
