"""CloudFront Lambda@Edge request events (viewer-request and origin-request)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal, cast

from pydantic import Field

from mangum._sources import cloudfront
from mangum.events._base import AwsModel, DecodedJson, RequestEvent

if TYPE_CHECKING:
    from mangum._http.request import HeaderPairs, Request
    from mangum._validation.generated.cloudfront import CloudFrontEventDict


class CloudFrontHeader(AwsModel):
    """One header value; CloudFront keys its header map by lower-cased name and keeps the original
    spelling in ``key``."""

    key: str | None = None
    value: str


class CloudFrontBody(AwsModel):
    """The request body, present when the trigger is configured to include it."""

    input_truncated: bool = False
    action: str | None = None
    encoding: Literal["base64", "text"] = "base64"
    data: str = ""


class CloudFrontRequest(AwsModel):
    """``cf.request``: the viewer's request."""

    client_ip: str | None = None
    headers: dict[str, list[CloudFrontHeader]] = Field(default_factory=dict)
    method: str
    querystring: str = ""
    uri: str
    body: CloudFrontBody | None = None
    origin: dict[str, DecodedJson] | None = None


class CloudFrontConfig(AwsModel):
    """``cf.config``: the distribution and trigger."""

    distribution_domain_name: str | None = None
    distribution_id: str | None = None
    event_type: str | None = None
    request_id: str | None = None


class CloudFrontPayload(AwsModel):
    """``Records[].cf``."""

    config: CloudFrontConfig
    request: CloudFrontRequest


class CloudFrontRecord(AwsModel):
    """One entry of ``Records``."""

    cf: CloudFrontPayload


class CloudFrontEvent(RequestEvent):
    """A Lambda@Edge request event. CloudFront always sends exactly one record."""

    SOURCE: ClassVar[Literal["cloudfront"]] = "cloudfront"

    records: list[CloudFrontRecord] = Field(alias="Records", min_length=1, max_length=1)

    @property
    def request(self) -> CloudFrontRequest:
        """The viewer's request."""
        return self.records[0].cf.request

    @property
    def config(self) -> CloudFrontConfig:
        """The distribution and trigger."""
        return self.records[0].cf.config

    @property
    def _data(self) -> CloudFrontEventDict:
        return cast("CloudFrontEventDict", self._fields)

    def _read_request(self) -> Request:
        return cloudfront.request(self._data)

    def query_items(self) -> HeaderPairs:
        """Query parameters decoded from ``querystring``."""
        return cloudfront.query_items(self._data)
