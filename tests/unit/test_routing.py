from localcloud.gateway import match_route

ROUTES = [("GET /items/{id}", "i/1"), ("GET /items/special", "i/2"), ("ANY /items/{id}", "i/3"),
          ("ANY /files/{proxy+}", "i/4"), ("$default", "i/5"), ("GET /", "i/6")]


def route(method, path):
    found = match_route(ROUTES, method, path)
    return found.route_key if found else None


def test_most_specific_route_wins():
    assert route("GET", "/items/special") == "GET /items/special"
    assert route("GET", "/items/7") == "GET /items/{id}"
    assert route("PUT", "/items/7") == "ANY /items/{id}"
    assert route("GET", "/files/a/b") == "ANY /files/{proxy+}"
    assert route("GET", "/") == "GET /"


def test_unmatched_requests_fall_to_default_or_nothing():
    assert route("GET", "/other") == "$default"
    assert match_route(ROUTES[:2], "GET", "/other") is None
    assert match_route(ROUTES[:2], "GET", "/items/7/extra") is None


def test_path_parameters():
    assert match_route(ROUTES, "GET", "/items/42").path_parameters == {"id": "42"}
    assert match_route(ROUTES, "POST", "/files/x/y.txt").path_parameters == {"proxy": "x/y.txt"}
