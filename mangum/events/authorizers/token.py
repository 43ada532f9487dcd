"""REST API ``TOKEN`` authorizer events."""

from __future__ import annotations

from typing import Literal

from mangum.events._base import AwsModel
from mangum.events.authorizers.arn import MethodArn


class RestTokenAuthorizerEvent(AwsModel):
    """A REST API ``TOKEN`` authorizer's event: the token from the configured header, and the ARN
    of the method called."""

    type: Literal["TOKEN"]
    authorization_token: str
    method_arn: str

    @property
    def arn(self) -> MethodArn:
        """``methodArn`` split into its parts; raises :class:`~mangum.exceptions.InvalidArn`."""
        return MethodArn.parse(self.method_arn)
