"""The context object handed to the handler, built from the environment and ``/next``'s headers."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    """What stays the same for every invocation of the function (Lambda's environment variables)."""

    function_name: str = ""
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 128
    log_group_name: str = ""
    log_stream_name: str = ""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> FunctionInfo:
        """Read ``AWS_LAMBDA_FUNCTION_NAME``, ``_VERSION``, ``_MEMORY_SIZE`` and the log names."""
        memory = environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "")
        return cls(
            function_name=environ.get("AWS_LAMBDA_FUNCTION_NAME", ""),
            function_version=environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
            memory_limit_in_mb=int(memory) if memory.isdigit() else 128,
            log_group_name=environ.get("AWS_LAMBDA_LOG_GROUP_NAME", ""),
            log_stream_name=environ.get("AWS_LAMBDA_LOG_STREAM_NAME", ""),
        )


@dataclass(frozen=True, slots=True)
class CognitoIdentity:
    """``context.identity``: the Cognito identity of an AWS Mobile SDK caller."""

    cognito_identity_id: str
    cognito_identity_pool_id: str


@dataclass(frozen=True, slots=True)
class MobileClient:
    """``context.client_context.client``."""

    installation_id: str
    app_title: str
    app_version_name: str
    app_version_code: str
    app_package_name: str


@dataclass(frozen=True, slots=True)
class ClientContext:
    """``context.client_context``: what the AWS Mobile SDK sent about the calling app."""

    client: MobileClient
    custom: dict[str, Any] = field(default_factory=dict)
    env: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RuntimeContext:
    """A :class:`~mangum.types.LambdaContext` whose deadline is the invocation's real one."""

    function_name: str
    function_version: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    log_group_name: str
    log_stream_name: str
    deadline_ms: int
    """The deadline, in milliseconds since the Unix epoch (``Lambda-Runtime-Deadline-Ms``)."""
    identity: CognitoIdentity | None = None
    client_context: ClientContext | None = None
    tenant_id: str | None = None

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before Lambda stops the invocation (never negative)."""
        return max(0, self.deadline_ms - int(time.time() * 1000))


def _json_object(text: str | None, name: str) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError as error:
        raise ValueError(f"the {name} header is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise ValueError(f"the {name} header is not a JSON object")
    return value


def _identity(text: str | None) -> CognitoIdentity | None:
    value = _json_object(text, "Lambda-Runtime-Cognito-Identity")
    if value is None:
        return None
    return CognitoIdentity(
        cognito_identity_id=str(value.get("cognitoIdentityId") or ""),
        cognito_identity_pool_id=str(value.get("cognitoIdentityPoolId") or ""),
    )


def _client_context(text: str | None) -> ClientContext | None:
    value = _json_object(text, "Lambda-Runtime-Client-Context")
    if value is None:
        return None
    found = value.get("client")
    client: dict[str, Any] = found if isinstance(found, dict) else {}
    names = ("installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name")
    custom, env = value.get("custom"), value.get("env")
    return ClientContext(
        client=MobileClient(*(str(client.get(name) or "") for name in names)),
        custom=custom if isinstance(custom, dict) else {},
        env=env if isinstance(env, dict) else {},
    )


def build_context(function: FunctionInfo, request_id: str, headers: Mapping[str, str]) -> RuntimeContext:
    """The context of one invocation, from ``/next``'s headers (by lower-cased name); raises
    :class:`ValueError` for an unreadable header."""
    deadline = headers.get("lambda-runtime-deadline-ms", "")
    return RuntimeContext(
        function_name=function.function_name,
        function_version=function.function_version,
        invoked_function_arn=headers.get("lambda-runtime-invoked-function-arn", ""),
        memory_limit_in_mb=function.memory_limit_in_mb,
        aws_request_id=request_id,
        log_group_name=function.log_group_name,
        log_stream_name=function.log_stream_name,
        deadline_ms=int(deadline) if deadline.isdigit() else 0,
        identity=_identity(headers.get("lambda-runtime-cognito-identity")),
        client_context=_client_context(headers.get("lambda-runtime-client-context")),
        tenant_id=headers.get("lambda-runtime-aws-tenant-id"),
    )
