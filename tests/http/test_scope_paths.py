"""root_path, path and raw_path on every source: stage prefixes, base paths, percent-encoding."""

from __future__ import annotations

import pytest

from mangum._http.scope import split_base_path
from mangum.types import HTTPScope
from tests.support.http_events import (
    EVENT_BUILDERS,
    alb_event,
    cloudfront_event,
    rest_event,
    scope_of,
    v2_event,
)

SOURCES = sorted(EVENT_BUILDERS)


def route_path(scope: HTTPScope) -> str:
    """The path an app routes on (what PyPI mangum put in ``path``): ``path`` minus ``root_path``."""
    path: str = scope["path"]
    root: str = scope["root_path"]
    assert path.startswith(root)
    return path[len(root) :]


def paths(scope: HTTPScope) -> tuple[str, str, bytes]:
    return scope["root_path"], scope["path"], scope["raw_path"]


# --- base path, every source ---------------------------------------------------------------------


@pytest.mark.parametrize("source", SOURCES)
def test_base_path_moves_into_root_path(source: str) -> None:
    scope = scope_of(EVENT_BUILDERS[source]("/api/items/1"), base_path="/api")
    assert paths(scope) == ("/api", "/api/items/1", b"/api/items/1")
    assert route_path(scope) == "/items/1"


@pytest.mark.parametrize("source", SOURCES)
def test_path_equal_to_base_path_routes_to_slash(source: str) -> None:
    scope = scope_of(EVENT_BUILDERS[source]("/api"), base_path="/api")
    assert paths(scope) == ("/api", "/api/", b"/api/")
    assert route_path(scope) == "/"


@pytest.mark.parametrize("source", SOURCES)
def test_base_path_matches_whole_segments_only(source: str) -> None:
    scope = scope_of(EVENT_BUILDERS[source]("/apix/items"), base_path="/api")
    assert paths(scope) == ("", "/apix/items", b"/apix/items")


@pytest.mark.parametrize("source", SOURCES)
def test_multi_segment_base_path(source: str) -> None:
    scope = scope_of(EVENT_BUILDERS[source]("/v1/api/items"), base_path="/v1/api")
    assert paths(scope) == ("/v1/api", "/v1/api/items", b"/v1/api/items")
    assert paths(scope_of(EVENT_BUILDERS[source]("/v1/apiary"), base_path="/v1/api"))[0] == ""


@pytest.mark.parametrize("source", SOURCES)
def test_without_base_path_root_path_is_empty(source: str) -> None:
    scope = scope_of(EVENT_BUILDERS[source]("/items/1"))
    assert paths(scope) == ("", "/items/1", b"/items/1")


def test_http_api_named_stage_is_stripped_with_the_base_path() -> None:
    scope = scope_of(v2_event("/prod/items"), base_path="/prod")
    assert paths(scope) == ("/prod", "/prod/items", b"/prod/items")
    assert route_path(scope) == "/items"


def test_http_api_named_stage_stays_in_the_route_without_base_path() -> None:
    scope = scope_of(v2_event("/prod/items"))
    assert route_path(scope) == "/prod/items"
    assert scope["root_path"] == ""


# --- REST stage and custom-domain prefix ---------------------------------------------------------


def test_rest_stage_on_default_domain_is_root_path() -> None:
    scope = scope_of(rest_event("/items/42", context_path="/prod/items/42"))
    assert paths(scope) == ("/prod", "/prod/items/42", b"/prod/items/42")
    assert route_path(scope) == "/items/42"


def test_rest_custom_domain_base_path_mapping_is_root_path() -> None:
    scope = scope_of(rest_event("/items", context_path="/shop/v1/items"))
    assert paths(scope) == ("/shop/v1", "/shop/v1/items", b"/shop/v1/items")


def test_rest_stage_and_base_path_together() -> None:
    scope = scope_of(rest_event("/api/items", context_path="/prod/api/items"), base_path="/api")
    assert paths(scope) == ("/prod/api", "/prod/api/items", b"/prod/api/items")
    assert route_path(scope) == "/items"


def test_rest_request_for_the_bare_stage() -> None:
    scope = scope_of(rest_event("/", context_path="/prod"))
    assert paths(scope) == ("/prod", "/prod/", b"/prod/")
    assert route_path(scope) == "/"


def test_rest_stage_root_with_trailing_slash() -> None:
    assert paths(scope_of(rest_event("/", context_path="/prod/"))) == ("/prod", "/prod/", b"/prod/")


@pytest.mark.parametrize(
    "context_path",
    [
        "/items",  # custom domain without base path, or $default stage: the request is the route
        "/other/place",  # unrelated (a mapping API Gateway rewrote)
        "/items/x",  # does not end with the event path
        None,  # partial events carry no requestContext.path
    ],
)
def test_rest_without_a_stage_prefix(context_path: str | None) -> None:
    raw = rest_event("/items")
    raw["requestContext"]["path"] = context_path
    assert paths(scope_of(raw)) == ("", "/items", b"/items")


def test_rest_trailing_slash_mismatch_gives_no_prefix() -> None:
    assert paths(scope_of(rest_event("/my/path/", context_path="/my/path"))) == (
        "",
        "/my/path/",
        b"/my/path/",
    )


def test_rest_prefix_found_when_one_field_is_encoded_and_the_other_is_not() -> None:
    scope = scope_of(rest_event("/café", context_path="/prod/caf%C3%A9"))
    assert paths(scope) == ("/prod", "/prod/café", b"/prod/caf%C3%A9")


# --- percent-encoding ----------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["http-api", "function-url", "alb", "cloudfront"])
def test_raw_sources_are_decoded_for_path_and_kept_for_raw_path(source: str) -> None:
    scope = scope_of(EVENT_BUILDERS[source]("/caf%C3%A9/a%2Fb"))
    assert paths(scope) == ("", "/café/a/b", b"/caf%C3%A9/a%2Fb")


def test_rest_decoded_path_is_encoded_for_raw_path() -> None:
    assert paths(scope_of(rest_event("/café/a b"))) == ("", "/café/a b", b"/caf%C3%A9/a%20b")


def test_rest_encoded_path_is_decoded_like_pypi_mangum() -> None:
    assert paths(scope_of(rest_event("/caf%C3%A9"))) == ("", "/café", b"/caf%C3%A9")


def test_url_safe_characters_stay_unencoded_in_raw_path() -> None:
    safe = "/a:b@c!$&'()*+,;=~-._/"
    assert scope_of(v2_event(safe))["raw_path"] == safe.encode()
    assert scope_of(rest_event(safe))["raw_path"] == safe.encode()


def test_encoded_base_path_segments_match_decoded_config() -> None:
    scope = scope_of(alb_event("/caf%C3%A9/items"), base_path="/café")
    assert paths(scope) == ("/café", "/café/items", b"/caf%C3%A9/items")


def test_encoded_route_under_base_path() -> None:
    scope = scope_of(cloudfront_event("/api/na%C3%AFve"), base_path="/api")
    assert paths(scope) == ("/api", "/api/naïve", b"/api/na%C3%AFve")
    assert route_path(scope) == "/naïve"


@pytest.mark.parametrize("source", ["alb", "cloudfront"])
def test_empty_path_is_slash(source: str) -> None:
    assert paths(scope_of(EVENT_BUILDERS[source](""))) == ("", "/", b"/")


@pytest.mark.parametrize(
    ("route", "base", "expected"),
    [
        ("/api", "/api", ("/api", "")),
        ("/api/", "/api", ("/api", "/")),
        ("/api/x/y", "/api", ("/api", "/x/y")),
        ("/apix", "/api", ("", "/apix")),
        ("/a", "/a/b", ("", "/a")),
        ("/x/api", "/api", ("", "/x/api")),
        ("/api/x", "", ("", "/api/x")),
    ],
)
def test_split_base_path(route: str, base: str, expected: tuple[str, str]) -> None:
    assert split_base_path(route, base) == expected


@pytest.mark.parametrize(
    "path",
    ["/my/pa th", "/a b/c d ", "/a  b", "/a b/caf%C3%A9", "/a b/é", "/a b/<x>", "/a%20b c"],
)
def test_a_path_with_spaces_is_encoded_as_quote_encodes_it(path: str) -> None:
    # Spaces alone take a shortcut past quote(); the answer is quote()'s either way.
    from urllib.parse import quote, unquote

    from mangum._http.scope import SAFE_PATH_CHARS

    scope = scope_of(v2_event(path))
    assert scope["raw_path"] == quote(path, safe=SAFE_PATH_CHARS).encode("ascii")
    assert scope["path"] == unquote(path)
