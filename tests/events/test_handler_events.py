"""EventBridge, schedule, SQS and warm-up events: every sample validates and dumps back to itself,
fits its schema, and the generic detail and body parameters validate what they promise."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, Json, ValidationError

from mangum.events import (
    EventBridgeEvent,
    ScheduledEvent,
    SqsBatchResponse,
    SqsEvent,
    WarmUpEvent,
)
from mangum.exceptions import InvalidBody
from tests.support.handler_samples import SERVICE_SAMPLES, read_handler_sample
from tests.support.json_schemas import validator


class Order(BaseModel):
    order: int
    qty: int


class InstanceState(BaseModel):
    instance_id: str
    state: str


@pytest.mark.parametrize("name", sorted(SERVICE_SAMPLES))
def test_sample_validates_into_its_model_and_round_trips(name: str) -> None:
    raw = read_handler_sample(name)
    model = SERVICE_SAMPLES[name].model_validate(raw)
    assert model.model_dump(by_alias=True, exclude_unset=True) == raw
    validator("events", SERVICE_SAMPLES[name].__name__).validate(raw)


@pytest.mark.parametrize("name", ["scheduledEvent.json", "eventBridgeSchedulerEvent.json"])
def test_schedules_are_eventbridge_events_too(name: str) -> None:
    raw = read_handler_sample(name)
    scheduled = ScheduledEvent.model_validate(raw)
    assert scheduled.detail_type == "Scheduled Event"
    assert EventBridgeEvent.model_validate(raw).model_dump(by_alias=True, exclude_unset=True) == raw


def test_an_event_of_another_service_is_no_schedule() -> None:
    with pytest.raises(ValidationError) as caught:
        ScheduledEvent.model_validate(read_handler_sample("eventBridgeEvent.json"))
    assert {tuple(error["loc"]) for error in caught.value.errors()} == {("detail-type",), ("source",)}


def test_the_scheduler_sends_its_detail_as_a_string() -> None:
    assert ScheduledEvent.model_validate(read_handler_sample("eventBridgeSchedulerEvent.json")).detail == "{}"
    assert ScheduledEvent.model_validate(read_handler_sample("scheduledEvent.json")).detail == {}


def test_a_typed_detail_is_validated_into_its_model() -> None:
    raw = read_handler_sample("eventBridgeEvent.json")
    event = EventBridgeEvent[InstanceState].model_validate(raw)
    assert event.detail == InstanceState(instance_id="i-1234567890abcdef0", state="terminated")
    assert event.replay_name == "replay_archive"
    with pytest.raises(ValidationError) as caught:
        EventBridgeEvent[Order].model_validate(raw)
    assert {error["loc"][0] for error in caught.value.errors()} == {"detail"}


def test_eventbridge_events_take_python_names_too() -> None:
    event = EventBridgeEvent(
        version="0",
        id="1",
        detail_type="Order Placed",
        source="shop",
        account="210987654321",
        time="2025-03-03T02:00:00Z",
        region="eu-west-1",
        resources=[],
        detail={"order": 7},
    )
    assert event.model_dump(by_alias=True)["detail-type"] == "Order Placed"


def test_sqs_records_keep_fifo_attributes_and_message_attributes() -> None:
    event = SqsEvent.model_validate(read_handler_sample("sqsFifoEvent.json"))
    [record] = event.records
    assert record.attributes.message_group_id == "orders-acme"
    assert record.attributes.aws_trace_header is not None
    assert record.message_attributes["total"].string_value == "19.99"
    assert record.event_source_arn.endswith(":orders.fifo")
    assert record.parse_body(Order) == Order(order=7, qty=2)


def test_a_json_body_parameter_parses_every_message() -> None:
    event = SqsEvent[Json[Order]].model_validate(read_handler_sample("sqsFifoEvent.json"))
    assert event.records[0].body == Order(order=7, qty=2)
    with pytest.raises(ValidationError) as caught:
        SqsEvent[Json[Order]].model_validate(read_handler_sample("sqsEvent.json"))
    assert {error["loc"][:3] for error in caught.value.errors()} == {
        ("Records", 0, "body"),
        ("Records", 1, "body"),
    }


def test_parse_body_names_the_failing_fields_and_hides_the_body() -> None:
    raw = read_handler_sample("sqsEvent.json")
    raw["Records"][0]["body"] = '{"order": "SECRET", "qty": 1}'
    record = SqsEvent.model_validate(raw).records[0]
    with pytest.raises(InvalidBody) as caught:
        record.parse_body(Order)
    assert [error.path for error in caught.value.errors] == ["order"]
    assert "SECRET" not in str(caught.value)


def test_parse_body_on_an_already_parsed_body_is_a_typed_error() -> None:
    record = SqsEvent[Json[Order]].model_validate(read_handler_sample("sqsFifoEvent.json")).records[0]
    with pytest.raises(InvalidBody, match="already parsed"):
        record.parse_body(Order)


@pytest.mark.parametrize(
    "event",
    [{"Records": []}, {"Records": [{"eventSource": "aws:sns"}]}, {}],
    ids=["empty-batch", "not-sqs", "no-records"],
)
def test_what_is_not_an_sqs_batch_is_refused(event: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        SqsEvent.model_validate(event)


def test_a_batch_response_lists_the_messages_to_retry() -> None:
    response = SqsBatchResponse.failed(["a", "b"])
    assert response.to_lambda() == {"batchItemFailures": [{"itemIdentifier": "a"}, {"itemIdentifier": "b"}]}
    assert SqsBatchResponse().to_lambda() == {"batchItemFailures": []}
    validator("responses", "SqsBatchResponse").validate(response.to_lambda())


@pytest.mark.parametrize(
    "event",
    [{}, {"source": "aws.events"}, {"warmer": False}, {"warmup": True}, {"concurrency": 3}],
    ids=["empty", "other-source", "warmer-false", "other-flag", "concurrency-alone"],
)
def test_what_is_no_warm_up_ping_is_refused_by_model_and_schema(event: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        WarmUpEvent.model_validate(event)
    assert list(validator("events", "WarmUpEvent").iter_errors(event))


def test_a_lambda_warmer_fan_out_keeps_its_counters() -> None:
    event = WarmUpEvent.model_validate(read_handler_sample("warmUpLambdaWarmerFanOutEvent.json"))
    assert (event.warmer, event.concurrency, event.source) == (True, 3, None)
    assert event.model_extra is not None
    assert event.model_extra["__WARMER_INVOCATION__"] == 2
