"""The API function: a FastAPI app that reads the caller the authorizer passed on, and answers the
keep-warm schedule without starting the app."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request

from mangum import Mangum
from mangum.events import ApiGatewayV2Event, ScheduledEvent, typed_handler
from mangum.types import LambdaContext

from .callers import Caller

app = FastAPI(title="mangum behind a Lambda authorizer")


def current_caller(request: Request) -> Caller:
    """The caller from the authorizer's context in the Lambda event."""
    event = ApiGatewayV2Event.model_validate(request.scope["aws.event"])
    authorizer = event.request_context.authorizer
    if authorizer is None or authorizer.lambda_context is None:
        raise HTTPException(status_code=401, detail="no authorizer context")
    return Caller.model_validate(authorizer.lambda_context)


@app.get("/me")
def me(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
    """The caller, as the authorizer saw them."""
    return caller


@app.get("/reports")
def reports(caller: Annotated[Caller, Depends(current_caller)]) -> dict[str, list[str]]:
    """Gold callers only."""
    if caller.tier != "gold":
        raise HTTPException(status_code=403, detail="gold tier only")
    return {"reports": ["2025-q1"]}


@typed_handler
def keep_warm(event: ScheduledEvent, context: LambdaContext) -> None:
    """The KeepWarm schedule: the container is warm, nothing else to do."""


handler = Mangum(app, event_handlers=[keep_warm])
