"""Keep-warm pings: scheduled invocations whose only purpose is to keep a container alive.

``WarmUpEvent`` takes the two payloads in common use: serverless-plugin-warmup's default
``{"source": "serverless-plugin-warmup"}``, and ``{"warmer": true, "concurrency": 3}`` as sent
by lambda-warmer (Node.js) and lambda-warmer-py. A plain EventBridge schedule used as a warmer is a
:class:`~mangum.events.ScheduledEvent`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import ConfigDict, model_validator

from mangum.events._base import AwsModel

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self is Python 3.11+

WARMUP_PLUGIN_SOURCE = "serverless-plugin-warmup"


class WarmUpEvent(AwsModel):
    """A warm-up ping: ``source`` is ``"serverless-plugin-warmup"``, or ``warmer`` is true (with
    the number of containers to keep warm in ``concurrency``)."""

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": ["source"]}, {"required": ["warmer"]}]}
    )

    source: Literal["serverless-plugin-warmup"] | None = None
    warmer: Literal[True] | None = None
    concurrency: int | None = None

    @model_validator(mode="after")
    def _is_a_ping(self) -> Self:
        if self.source is None and self.warmer is None:
            raise ValueError(f'a warm-up event has "source": "{WARMUP_PLUGIN_SOURCE}" or "warmer": true')
        return self
