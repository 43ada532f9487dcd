"""Amazon SQS events (a batch of messages from a queue's event source mapping) and the partial
batch response that reports which messages failed.

``SqsEvent`` is generic in the message body: bare, each ``body`` is the string SQS carried;
``SqsEvent[Json[Order]]`` (``pydantic.Json``) parses every body as JSON into ``Order``.
"""

from __future__ import annotations

from typing import Generic, Literal

from pydantic import ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_pascal
from typing_extensions import TypeVar  # a TypeVar with a default: typing has it from Python 3.13

from mangum._validation.validators import field_errors
from mangum.events._base import AwsModel, ModelT
from mangum.events._result import HandlerResult
from mangum.exceptions import InvalidBody

BodyT = TypeVar("BodyT", default=str)


class SqsAttributes(AwsModel):
    """A message's system attributes (``ApproximateReceiveCount``...: SQS names them in PascalCase,
    every value a string). FIFO queues add ``SequenceNumber``, ``MessageGroupId`` and
    ``MessageDeduplicationId``."""

    model_config = ConfigDict(alias_generator=to_pascal, validate_by_name=True)

    approximate_receive_count: str
    sent_timestamp: str
    sender_id: str
    approximate_first_receive_timestamp: str
    sequence_number: str | None = None
    message_group_id: str | None = None
    message_deduplication_id: str | None = None
    dead_letter_queue_source_arn: str | None = None
    aws_trace_header: str | None = Field(default=None, alias="AWSTraceHeader")


class SqsMessageAttribute(AwsModel):
    """One message attribute set by the sender: its ``dataType`` and its value (binary values are
    base64 text)."""

    data_type: str
    string_value: str | None = None
    binary_value: str | None = None
    string_list_values: list[str] | None = None
    binary_list_values: list[str] | None = None


class SqsRecord(AwsModel, Generic[BodyT]):
    """One message of the batch."""

    message_id: str
    receipt_handle: str
    body: BodyT
    attributes: SqsAttributes
    message_attributes: dict[str, SqsMessageAttribute]
    md5_of_body: str
    md5_of_message_attributes: str | None = None
    event_source: Literal["aws:sqs"]
    event_source_arn: str = Field(alias="eventSourceARN")
    aws_region: str

    def parse_body(self, model: type[ModelT]) -> ModelT:
        """The body, as JSON, validated into ``model``; raises :class:`InvalidBody` naming the
        failing fields."""
        if not isinstance(self.body, str | bytes):
            raise InvalidBody("the message body was already parsed by the event model")
        try:
            return model.model_validate_json(self.body)
        except ValidationError as error:
            raise InvalidBody(
                f"the message body does not match {model.__name__}", field_errors(error)
            ) from None


class SqsEvent(AwsModel, Generic[BodyT]):
    """A batch of SQS messages (``Records``, one to the mapping's batch size)."""

    records: list[SqsRecord[BodyT]] = Field(alias="Records", min_length=1)


class SqsBatchItemFailure(HandlerResult):
    """A message to retry: its ``messageId`` as ``itemIdentifier``."""

    item_identifier: str


class SqsBatchResponse(HandlerResult):
    """The partial batch response (the mapping needs ``ReportBatchItemFailures``): the messages
    listed are retried, the others deleted. An empty list means the whole batch succeeded."""

    batch_item_failures: list[SqsBatchItemFailure] = Field(default_factory=list)

    @classmethod
    def failed(cls, message_ids: list[str]) -> SqsBatchResponse:
        """A response that retries the messages with these ids."""
        return cls(batch_item_failures=[SqsBatchItemFailure(item_identifier=item) for item in message_ids])
