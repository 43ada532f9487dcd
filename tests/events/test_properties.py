"""Property tests: whatever AWS (or anyone) sends, parsing and the helpers fail only with typed errors."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from hypothesis import given, settings, strategies as st
from pydantic import BaseModel

from mangum.events import EVENT_MODELS, LambdaEventModel, parse_event
from mangum.exceptions import InvalidBody, InvalidEvent, UnsupportedEvent
from tests.support.samples import SAMPLE_MODELS, read_sample

# Any code point, lone surrogates included (JSON can carry "\ud800" and json.loads keeps it), with
# the characters that matter to query strings, cookies and base64 made frequent.
TEXT = st.text(st.characters(exclude_categories=()) | st.sampled_from("\ud800\udfff&=%+;, é/"), max_size=12)

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
    | st.sampled_from(["2.0", "1.0", "GET", "CONNECT", "MESSAGE", "base64", "text", "QUJD", "!!"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)

Container = dict[str, Any] | list[Any]


class Payload(BaseModel):
    name: str
    count: int


def containers(value: object) -> list[Container]:
    """Every dict and list in a decoded JSON tree, the root first."""
    found: list[Container] = []
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            found.append(node)
            pending.extend(node.values())
        elif isinstance(node, list):
            found.append(node)
            pending.extend(node)
    return found


def mutated_samples() -> st.SearchStrategy[dict[str, Any]]:
    """A sample event with a few random changes (see :func:`mutated`)."""
    return st.sampled_from(sorted(SAMPLE_MODELS)).flatmap(lambda name: mutated(read_sample(name)))


@st.composite
def mutated(draw: st.DrawFn, event: dict[str, Any]) -> dict[str, Any]:
    """``event`` (changed in place) with a few random changes at random depths: keys dropped,
    values replaced by other types or null, keys and items inserted."""
    for _ in range(draw(st.integers(1, 4))):
        container = draw(st.sampled_from(containers(event)))
        action = draw(st.sampled_from(["drop", "replace", "null", "insert"]))
        if isinstance(container, dict):
            if action == "insert" or not container:
                container[draw(TEXT)] = draw(JSON_VALUES)
                continue
            key = draw(st.sampled_from(sorted(container)))
            if action == "drop":
                del container[key]
            else:
                container[key] = None if action == "null" else draw(JSON_VALUES)
        else:
            if action == "insert" or not container:
                container.insert(draw(st.integers(0, len(container))), draw(JSON_VALUES))
                continue
            index = draw(st.integers(0, len(container) - 1))
            if action == "drop":
                del container[index]
            else:
                container[index] = None if action == "null" else draw(JSON_VALUES)
    return event


def exercise(model: LambdaEventModel) -> None:
    """Every helper: the lookups must not fail; the body ones may fail only with InvalidBody."""
    model.header_items()
    model.query_items()
    model.encoded_query()
    model.get_header("Content-Type")
    model.get_header_values("cookie")
    model.get_query("a")
    for body_helper in (model.body_bytes, model.json_body, lambda: model.parse_body(Payload)):
        with suppress(InvalidBody):
            body_helper()


def check(event: object) -> None:
    try:
        model = parse_event(event)
    except (UnsupportedEvent, InvalidEvent):
        return
    assert type(model) in EVENT_MODELS
    exercise(model)


@settings(max_examples=400, deadline=None)
@given(mutated_samples())
def test_mutated_samples_parse_or_fail_with_typed_errors(event: dict[str, Any]) -> None:
    check(event)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_arbitrary_json_parses_or_fails_with_typed_errors(event: object) -> None:
    check(event)


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(sorted(SAMPLE_MODELS)), body=TEXT | JSON_VALUES.map(str), flag=st.booleans())
def test_any_body_fails_only_with_invalid_body(name: str, body: str, flag: bool) -> None:
    event = read_sample(name)
    if "Records" in event:
        request = event["Records"][0]["cf"]["request"]
        request["body"] = {"data": body, "encoding": "base64" if flag else "text"}
    else:
        event["body"], event["isBase64Encoded"] = body, flag
    model = parse_event(event)
    exercise(model)


def place_query(event: dict[str, Any], pairs: list[tuple[str, str]]) -> None:
    """Put decoded query pairs into an event in its source's own layout."""
    raw = "&".join(f"{name}={value}" for name, value in pairs)
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        multi.setdefault(name, []).append(value)
    if "Records" in event:
        event["Records"][0]["cf"]["request"]["querystring"] = raw
    elif event.get("version") == "2.0":
        event["rawQueryString"] = raw
        event["queryStringParameters"] = {name: ",".join(values) for name, values in multi.items()}
    else:
        event["multiValueQueryStringParameters"] = multi
        event["queryStringParameters"] = {name: values[-1] for name, values in multi.items()}


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(sorted(SAMPLE_MODELS)), pairs=st.lists(st.tuples(TEXT, TEXT), max_size=4))
def test_any_query_parameters_are_handled(name: str, pairs: list[tuple[str, str]]) -> None:
    event = read_sample(name)
    place_query(event, pairs)
    exercise(parse_event(event))


def test_a_lone_surrogate_in_a_decoded_query_value_is_encoded_not_fatal() -> None:
    event = read_sample("powertools/apiGatewayProxyEvent.json")
    place_query(event, [("q", "\ud800")])
    assert parse_event(event).encoded_query() == "q=%3F"  # "?", as in every source and in headers
