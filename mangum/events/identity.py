"""Caller identity and authorizer blocks shared by the API Gateway event models."""

from __future__ import annotations

from pydantic import Field, JsonValue

from mangum.events._base import AwsModel, DecodedJson


class ClientCertValidity(AwsModel):
    """Validity window of a mutual-TLS client certificate."""

    not_before: str | None = None
    not_after: str | None = None


class ClientCert(AwsModel):
    """The mutual-TLS client certificate presented by the caller."""

    client_cert_pem: str | None = None
    subject_dn: str | None = Field(default=None, alias="subjectDN")
    issuer_dn: str | None = Field(default=None, alias="issuerDN")
    serial_number: str | None = None
    validity: ClientCertValidity | None = None


class RestIdentity(AwsModel):
    """``requestContext.identity`` of REST API and WebSocket events.

    ``source_ip`` is a plain string: AWS sends ``"test-invoke-source-ip"`` from the console,
    CIDR notation in samples, and sometimes a port.
    """

    source_ip: str | None = None
    user_agent: str | None = None
    access_key: str | None = None
    account_id: str | None = None
    api_key: str | None = None
    api_key_id: str | None = None
    caller: str | None = None
    cognito_authentication_provider: str | None = None
    cognito_authentication_type: str | None = None
    cognito_identity_id: str | None = None
    cognito_identity_pool_id: str | None = None
    principal_org_id: str | None = None
    user: str | None = None
    user_arn: str | None = None
    client_cert: ClientCert | None = None


class RestAuthorizer(AwsModel):
    """``requestContext.authorizer`` of REST API events.

    Cognito user pools fill ``claims`` (and ``scopes``); a Lambda authorizer fills ``principal_id``,
    ``integration_latency`` and any context keys it returned, which are kept as extra fields and
    available through :meth:`context`.
    """

    claims: dict[str, DecodedJson] | None = None
    scopes: list[str] | None = None
    principal_id: str | None = None
    integration_latency: int | None = None

    def context(self) -> dict[str, JsonValue]:
        """The Lambda authorizer's context: every key that is not a modelled field."""
        return dict(self.model_extra or {})


class JwtAuthorizer(AwsModel):
    """A JWT (or Cognito) authorizer's result on an HTTP API."""

    claims: dict[str, DecodedJson] | None = None
    scopes: list[str] | None = None


class IamAuthorizer(AwsModel):
    """The IAM caller of an HTTP API or a Function URL with IAM auth."""

    access_key: str | None = None
    account_id: str | None = None
    caller_id: str | None = None
    cognito_identity: DecodedJson = None
    principal_org_id: str | None = None
    user_arn: str | None = None
    user_id: str | None = None


class HttpAuthorizer(AwsModel):
    """``requestContext.authorizer`` of HTTP API (v2) and Function URL events."""

    jwt: JwtAuthorizer | None = None
    iam: IamAuthorizer | None = None
    lambda_context: dict[str, DecodedJson] | None = Field(default=None, alias="lambda")
