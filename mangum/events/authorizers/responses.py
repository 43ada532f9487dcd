"""What a Lambda authorizer returns: an IAM policy (REST APIs, WebSocket APIs, HTTP APIs) or, for
HTTP API authorizers with simple responses enabled, a yes or no.

Both are validated when built and serialize (``to_lambda()``, or a ``typed_handler``'s return
annotation) to exactly the dict API Gateway expects, leaving out what is unset.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal, TypeAlias

from pydantic import ConfigDict, JsonValue, model_validator
from pydantic.alias_generators import to_pascal

from mangum.events._result import HandlerResult
from mangum.events.authorizers import MethodArn
from mangum.exceptions import MangumError

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self is Python 3.11+

INVOKE_ACTION = "execute-api:Invoke"
"""The IAM action that calls an API Gateway method or route."""

ConditionValue: TypeAlias = str | bool | int | float | list[str | bool | int | float]
"""A value in an IAM condition block: one value, or a list of them."""

PolicyCondition: TypeAlias = dict[str, dict[str, ConditionValue]]
"""An IAM ``Condition`` block: operator (``IpAddress``, ``StringEquals``...) -> key -> value(s)."""

AuthorizerContext: TypeAlias = dict[str, JsonValue]
"""The ``context`` an authorizer hands to the integration (``requestContext.authorizer``).

REST and WebSocket APIs accept only string, number and boolean values there, and API Gateway
stringifies them; HTTP APIs also pass on lists and objects.
"""


class Unauthorized(MangumError):
    """Raise it from a REST or WebSocket API authorizer to have API Gateway answer ``401
    Unauthorized``: Lambda reports the error's message, and ``"Unauthorized"`` is the one API Gateway
    maps to 401 (a deny policy gives 403 instead)."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


class PolicyStatement(HandlerResult):
    """One IAM policy statement. ``Action`` and ``Resource`` (or ``NotAction`` / ``NotResource``)
    are one string or a list; exactly one of each pair is set."""

    model_config = ConfigDict(
        alias_generator=to_pascal,
        validate_by_name=True,
        json_schema_extra={
            "allOf": [
                {"oneOf": [{"required": ["Action"]}, {"required": ["NotAction"]}]},
                {"oneOf": [{"required": ["Resource"]}, {"required": ["NotResource"]}]},
            ]
        },
    )

    effect: Literal["Allow", "Deny"]
    action: str | list[str] | None = None
    not_action: str | list[str] | None = None
    resource: str | list[str] | None = None
    not_resource: str | list[str] | None = None
    condition: PolicyCondition | None = None
    sid: str | None = None

    @model_validator(mode="after")
    def _one_of_each_pair(self) -> Self:
        if (self.action is None) == (self.not_action is None):
            raise ValueError("a statement needs exactly one of Action and NotAction")
        if (self.resource is None) == (self.not_resource is None):
            raise ValueError("a statement needs exactly one of Resource and NotResource")
        return self


class PolicyDocument(HandlerResult):
    """An IAM policy document: its ``Version`` and ``Statement`` list."""

    model_config = ConfigDict(alias_generator=to_pascal, validate_by_name=True)

    version: Literal["2012-10-17", "2008-10-17"] = "2012-10-17"
    statement: list[PolicyStatement]


class AuthorizerPolicyResponse(HandlerResult):
    """An IAM-policy authorizer result: who the caller is (``principalId``), what they may invoke
    (``policyDocument``), the ``context`` passed to the integration, and, for APIs whose usage plans
    take the API key from the authorizer, ``usageIdentifierKey``."""

    principal_id: str
    policy_document: PolicyDocument
    context: AuthorizerContext | None = None
    usage_identifier_key: str | None = None

    @classmethod
    def allow(
        cls,
        principal_id: str,
        resource: str | MethodArn | Sequence[str | MethodArn],
        *,
        context: Mapping[str, JsonValue] | None = None,
        usage_identifier_key: str | None = None,
        condition: PolicyCondition | None = None,
    ) -> Self:
        """A policy that lets ``principal_id`` invoke ``resource``: the event's method ARN, or
        ``event.arn.with_route()`` for every route of the API when the result is cached."""
        return cls._single_statement(
            "Allow", principal_id, resource, context, usage_identifier_key, condition
        )

    @classmethod
    def deny(
        cls,
        principal_id: str,
        resource: str | MethodArn | Sequence[str | MethodArn],
        *,
        context: Mapping[str, JsonValue] | None = None,
        condition: PolicyCondition | None = None,
    ) -> Self:
        """A policy that refuses ``principal_id`` the ``resource`` (API Gateway answers 403)."""
        return cls._single_statement("Deny", principal_id, resource, context, None, condition)

    @classmethod
    def _single_statement(
        cls,
        effect: Literal["Allow", "Deny"],
        principal_id: str,
        resource: str | MethodArn | Sequence[str | MethodArn],
        context: Mapping[str, JsonValue] | None,
        usage_identifier_key: str | None,
        condition: PolicyCondition | None,
    ) -> Self:
        resources: str | list[str] = (
            str(resource) if isinstance(resource, str | MethodArn) else [str(arn) for arn in resource]
        )
        statement: dict[str, object] = {"effect": effect, "action": INVOKE_ACTION, "resource": resources}
        if condition is not None:
            statement["condition"] = condition
        fields: dict[str, object] = {
            "principal_id": principal_id,
            "policy_document": {"statement": [statement]},
        }
        if context is not None:
            fields["context"] = context
        if usage_identifier_key is not None:
            fields["usage_identifier_key"] = usage_identifier_key
        # One validation of the whole tree: cheaper than building each nested model on its own.
        return cls.model_validate(fields)


class AuthorizerSimpleResponse(HandlerResult):
    """An HTTP API authorizer's simple response (payload 2.0 with simple responses enabled):
    ``isAuthorized``, and the ``context`` passed to the integration."""

    is_authorized: bool
    context: AuthorizerContext | None = None
