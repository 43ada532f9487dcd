"""Models whose subclass parses the body as it validates (``body: Json[Order]``): the request
lookups, ``body_bytes()`` included, keep working."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, Field, Json

from mangum._sources.samples import sample_event
from mangum.events import AlbEvent, ApiGatewayV1Event, ApiGatewayV2Event, FunctionUrlEvent, RequestEvent


class Order(BaseModel):
    item_id: int = Field(alias="itemId")
    qty: int


class RestOrder(ApiGatewayV1Event):
    body: Json[Order]  # type: ignore[assignment]  # narrower than the base field: pydantic allows it


class HttpOrder(ApiGatewayV2Event):
    body: Json[Order]  # type: ignore[assignment]  # narrower than the base field: pydantic allows it


class UrlOrder(FunctionUrlEvent):
    body: Json[Order]  # type: ignore[assignment]  # narrower than the base field: pydantic allows it


class AlbOrder(AlbEvent):
    body: Json[Order]  # type: ignore[assignment]  # narrower than the base field: pydantic allows it


class HttpNumbers(ApiGatewayV2Event):
    body: Json[list[int]]  # type: ignore[assignment]  # as above


SENT = '{"itemId": 3, "qty": 2}'


@pytest.mark.parametrize(
    ("model", "source"),
    [
        (RestOrder, "api_gateway_v1"),
        (HttpOrder, "api_gateway_v2"),
        (UrlOrder, "function_url"),
        (AlbOrder, "alb"),
    ],
    ids=["rest", "http", "function-url", "alb"],
)
def test_the_parsed_body_and_the_lookups(model: type[RequestEvent], source: str) -> None:
    event = model.model_validate(sample_event(source, method="POST", path="/orders?x=1", body=SENT))
    assert event.body == Order(itemId=3, qty=2)  # type: ignore[attr-defined]  # the subclass's field
    # The body as JSON text again, by alias: the same JSON as received, compactly written.
    assert event.body_bytes() == b'{"itemId":3,"qty":2}'
    assert json.loads(event.body_bytes()) == json.loads(SENT)
    assert event.json_body() == {"itemId": 3, "qty": 2}
    assert event.parse_body(Order) == Order(itemId=3, qty=2)
    assert event.get_header("content-type") == "application/json"
    assert event.get_query("x") == "1"


def test_a_body_parsed_into_a_list() -> None:
    event = HttpNumbers.model_validate(sample_event("api_gateway_v2", method="POST", body="[1, 2, 3]"))
    assert event.body == [1, 2, 3]
    assert event.body_bytes() == b"[1,2,3]"


def test_the_unparsed_model_keeps_the_body_byte_for_byte() -> None:
    event = ApiGatewayV2Event.model_validate(sample_event("api_gateway_v2", method="POST", body=SENT))
    assert event.body_bytes() == SENT.encode()
