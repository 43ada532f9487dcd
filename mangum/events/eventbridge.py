"""Amazon EventBridge events: any event a rule or a schedule delivers to a Lambda target.

``EventBridgeEvent`` is generic in its ``detail``: bare, the detail is kept as decoded JSON;
``EventBridgeEvent[OrderPlaced]`` validates it into a model (and a ``typed_handler`` annotated with
it takes only the events whose detail fits).
"""

from __future__ import annotations

from typing import Generic, Literal

from pydantic import Field
from typing_extensions import TypeVar  # a TypeVar with a default: typing has it from Python 3.13

from mangum.events._base import AwsModel, DecodedJson

DetailT = TypeVar("DetailT", default=DecodedJson)


class EventBridgeEvent(AwsModel, Generic[DetailT]):
    """An EventBridge event (also a CloudWatch Events rule's, the same envelope).

    ``time`` is kept as sent (ISO 8601, UTC, e.g. ``2017-12-22T18:43:48Z``); ``replay-name`` is set
    only on events replayed from an archive.
    """

    version: str
    id: str
    detail_type: str = Field(alias="detail-type")
    source: str
    account: str
    time: str
    region: str
    resources: list[str]
    detail: DetailT
    replay_name: str | None = Field(default=None, alias="replay-name")


class ScheduledEvent(EventBridgeEvent):
    """A schedule's invocation: an EventBridge rule with a schedule expression (``aws.events``,
    detail ``{}``) or an EventBridge Scheduler schedule without a custom input (``aws.scheduler``,
    detail ``"{}"``, a string). ``resources`` holds the rule's or the schedule's ARN."""

    detail_type: Literal["Scheduled Event"] = Field(alias="detail-type")
    source: Literal["aws.events", "aws.scheduler"]
