"""Benchmark: authorizer and queue/schedule event parsing, and ``typed_handler``, against Powertools'
parser models and ``event_parser`` on the same events.

Run from anywhere with the project's virtualenv::

    .venv/bin/python benchmarks/handler_events.py

Powertools runs in ``benchmarks/.venvs/powertools`` (created by ``benchmarks/parse_events.py``'s
setup, with the same pydantic), in a worker process whose batches alternate with ours. It prints:

1. which of the authorizer samples each side's model for that kind accepts;
2. per event, the median time to validate it (``parse_authorizer_event`` or the model's validator
   against the Powertools model's ``model_validate``), and the ratio;
3. per handler, the median time of a whole invocation: the dict in, the function's result out.
   Ours validates the event, calls the function and validates and serializes its result model;
   Powertools' ``event_parser`` validates the event and the function builds its result with
   Powertools' own response helper (``APIGatewayAuthorizerResponse``...), which validates nothing;
4. the cold start: importing, decorating and the first invocation in fresh interpreters.

It asserts nothing: the figures are for reading.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's mangum and benchmarks, run as a script from anywhere

from benchmarks.parse_events import (  # noqa: E402  # after the path is set
    POWERTOOLS_PYTHON,
    POWERTOOLS_REQUIREMENT,
    alternate_batches,
    ensure_powertools_venv,
    fresh_import_seconds,
    installed_python,
    serve_batches,
)

SAMPLES_DIR = ROOT / "tests" / "fixtures" / "events" / "handlers"
PT_PARSER = "aws_lambda_powertools.utilities.parser"
PT_AUTH = "aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event"

PARSES: list[tuple[str, str, str]] = [
    ("TOKEN", "restTokenAuthorizer.json", "ApiGatewayAuthorizerToken"),
    ("REQUEST 1.0", "apiGatewayAuthorizerRequestEvent.json", "ApiGatewayAuthorizerRequest"),
    ("REQUEST 2.0", "apiGatewayAuthorizerV2Event.json", "ApiGatewayAuthorizerRequestV2"),
    ("EventBridge", "eventBridgeEvent.json", "EventBridgeModel"),
    ("SQS", "sqsEvent.json", "SqsModel"),
]
"""(label, sample, the Powertools model for it); ours is the kind's model or parse_authorizer_event."""

HANDLERS: list[tuple[str, str]] = [
    ("TOKEN -> policy", "restTokenAuthorizer.json"),
    ("REQUEST 2.0 -> simple", "apiGatewayAuthorizerV2Event.json"),
    ("SQS -> batch response", "sqsEvent.json"),
    ("EventBridge -> None", "eventBridgeEvent.json"),
]
"""(label, sample) of each whole-handler comparison."""

ACCEPTS: list[tuple[str, str]] = [
    ("restTokenAuthorizer.json", "ApiGatewayAuthorizerToken"),
    ("restRequestAuthorizer.json", "ApiGatewayAuthorizerRequest"),
    ("restRequestAuthorizerMultiValue.json", "ApiGatewayAuthorizerRequest"),
    ("apiGatewayAuthorizerRequestEvent.json", "ApiGatewayAuthorizerRequest"),
    ("httpApiAuthorizerV1NoIdentitySource.json", "ApiGatewayAuthorizerRequest"),
    ("apiGatewayAuthorizerV2Event.json", "ApiGatewayAuthorizerRequestV2"),
    ("httpApiAuthorizerV2NoCookiesNoIdentitySource.json", "ApiGatewayAuthorizerRequestV2"),
    ("apiGatewayAuthorizerWebSocketEvent.json", "ApiGatewayAuthorizerRequest"),
    ("webSocketAuthorizerQuery.json", "ApiGatewayAuthorizerRequest"),
]
"""Authorizer samples, and the Powertools model a Powertools user would pick for their kind
(Powertools has no WebSocket authorizer model; its REST request model is the closest)."""

COLD_OURS = """\
from mangum.events import AuthorizerPolicyResponse, RestTokenAuthorizerEvent, typed_handler
@typed_handler
def handler(event: RestTokenAuthorizerEvent, context: object) -> AuthorizerPolicyResponse:
    return AuthorizerPolicyResponse.allow("user-7", event.arn.with_route(), context={"user": "user-7"})
handler(event, None)"""

COLD_POWERTOOLS = f"""\
from {PT_PARSER} import event_parser
from {PT_PARSER}.models import ApiGatewayAuthorizerToken
from {PT_AUTH} import APIGatewayAuthorizerResponse, parse_api_gateway_arn
@event_parser(model=ApiGatewayAuthorizerToken)
def handler(event, context):
    arn = parse_api_gateway_arn(event.methodArn)
    policy = APIGatewayAuthorizerResponse("user-7", arn.region, arn.aws_account_id, arn.api_id, arn.stage,
                                          context={{"user": "user-7"}})
    policy.allow_all_routes()
    return policy.asdict()
handler(event, None)"""


def load(name: str) -> dict[str, object]:
    """A sample event as Lambda hands it to the handler."""
    event: dict[str, object] = json.loads((SAMPLES_DIR / name).read_text())
    return event


def mangum_calls() -> dict[str, Callable[[], object]]:
    """Every timed call of ours, by label."""
    from mangum.events import (
        AuthorizerPolicyResponse,
        AuthorizerSimpleResponse,
        EventBridgeEvent,
        HttpApiAuthorizerEventV2,
        RestTokenAuthorizerEvent,
        SqsBatchResponse,
        SqsEvent,
        parse_authorizer_event,
        typed_handler,
    )
    from mangum.local_context import LocalContext
    from mangum.types import LambdaContext

    @typed_handler
    def token(event: RestTokenAuthorizerEvent, context: object) -> AuthorizerPolicyResponse:
        return AuthorizerPolicyResponse.allow("user-7", event.arn.with_route(), context={"user": "user-7"})

    @typed_handler
    def simple(event: HttpApiAuthorizerEventV2, context: object) -> AuthorizerSimpleResponse:
        return AuthorizerSimpleResponse(is_authorized=bool(event.identity_source), context={"user": "user-7"})

    @typed_handler
    def queue(event: SqsEvent, context: object) -> SqsBatchResponse:
        return SqsBatchResponse()

    @typed_handler
    def bus(event: EventBridgeEvent, context: object) -> None:
        return None

    validators: dict[str, Callable[[object], object]] = {
        "EventBridge": EventBridgeEvent.__pydantic_validator__.validate_python,
        "SQS": SqsEvent.__pydantic_validator__.validate_python,
    }
    calls: dict[str, Callable[[], object]] = {
        label: partial(validators.get(label, parse_authorizer_event), load(sample))
        for label, sample, _ in PARSES
    }
    handlers: list[Callable[[object, LambdaContext], object]] = [token, simple, queue, bus]
    for (label, sample), handler in zip(HANDLERS, handlers, strict=True):
        calls[label] = partial(handler, load(sample), LocalContext())
    return calls


def powertools_calls() -> dict[str, Callable[[], object]]:
    """Every timed call of Powertools', by the same labels (run in the Powertools venv)."""
    parser = importlib.import_module(PT_PARSER)
    models = importlib.import_module(f"{PT_PARSER}.models")
    auth = importlib.import_module(PT_AUTH)
    event_parser: Callable[..., Callable[[Callable[..., object]], Callable[..., object]]] = (
        parser.event_parser
    )

    @event_parser(model=models.ApiGatewayAuthorizerToken)
    def token(event: object, context: object) -> object:
        arn = auth.parse_api_gateway_arn(getattr(event, "methodArn"))  # noqa: B009  # untyped here
        policy = auth.APIGatewayAuthorizerResponse(
            "user-7", arn.region, arn.aws_account_id, arn.api_id, arn.stage, context={"user": "user-7"}
        )
        policy.allow_all_routes()
        return policy.asdict()

    @event_parser(model=models.ApiGatewayAuthorizerRequestV2)
    def simple(event: object, context: object) -> object:
        authorized = bool(getattr(event, "identitySource"))  # noqa: B009  # untyped here
        return auth.APIGatewayAuthorizerResponseV2(authorize=authorized, context={"user": "user-7"}).asdict()

    @event_parser(model=models.SqsModel)
    def queue(event: object, context: object) -> object:
        return {"batchItemFailures": []}

    @event_parser(model=models.EventBridgeModel)
    def bus(event: object, context: object) -> object:
        return None

    calls: dict[str, Callable[[], object]] = {
        label: partial(getattr(models, model).model_validate, load(sample)) for label, sample, model in PARSES
    }
    for (label, sample), handler in zip(HANDLERS, (token, simple, queue, bus), strict=True):
        calls[label] = partial(handler, load(sample), None)
    return calls


def as_lists(value: object) -> object:
    """``value`` with every policy ``Action`` and ``Resource`` given as a list (one string and a
    list of it are the same policy to API Gateway)."""
    if isinstance(value, dict):
        return {
            key: [item] if key in {"Action", "Resource"} and isinstance(item, str) else as_lists(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [as_lists(item) for item in value]
    return value


def check_same_results() -> None:
    """Both sides' handlers return the same result on each sample."""
    ours = mangum_calls()
    found = subprocess.run(
        [str(POWERTOOLS_PYTHON), __file__, "--powertools-results"], check=True, capture_output=True, text=True
    )
    theirs: dict[str, object] = json.loads(found.stdout)
    for label, _ in HANDLERS:
        if as_lists(ours[label]()) != as_lists(theirs[label]):
            raise SystemExit(f"{label}: the two handlers disagree: {ours[label]()} != {theirs[label]}")


def print_accepts() -> None:
    """Which authorizer samples each side takes with its model for the sample's kind."""
    from mangum.events import parse_authorizer_event
    from mangum.exceptions import EventError

    found = subprocess.run(
        [str(POWERTOOLS_PYTHON), __file__, "--powertools-accepts"], check=True, capture_output=True, text=True
    )
    theirs: dict[str, bool] = json.loads(found.stdout)
    print("authorizer samples accepted by the model for their kind")
    print(f"{'sample':<52}{'mangum':>8}{'Powertools':>12}")
    for sample, model in ACCEPTS:
        try:
            kind = type(parse_authorizer_event(load(sample))).__name__
        except EventError:
            kind = "rejects"
        verdict = "ok" if theirs[sample] else "rejects"
        print(f"{sample:<52}{'ok' if kind != 'rejects' else kind:>8}{verdict:>12}  ({kind} / {model})")


def powertools_accepts() -> dict[str, bool]:
    """Powertools' side of :func:`print_accepts` (run in the Powertools venv)."""
    models = importlib.import_module(f"{PT_PARSER}.models")
    accepted: dict[str, bool] = {}
    for sample, model in ACCEPTS:
        try:
            getattr(models, model).model_validate(load(sample))
        except ValueError:  # pydantic's ValidationError
            accepted[sample] = False
        else:
            accepted[sample] = True
    return accepted


def print_table(title: str, labels: list[str], ours: dict[str, float], theirs: dict[str, float]) -> None:
    """Medians in µs and ratios."""
    print(f"\n{title}: median µs per call (ratio = mangum / Powertools)")
    print(f"{'':<24}{'mangum':>10}{'Powertools':>12}{'ratio':>8}")
    for label in labels:
        ratio = ours[label] / theirs[label]
        print(f"{label:<24}{ours[label] * 1e6:>10.2f}{theirs[label] * 1e6:>12.2f}{ratio:>8.2f}")


def print_cold_start() -> None:
    """Import, decorate and first call of a TOKEN authorizer, in fresh interpreters."""
    ours = installed_python()
    sample = SAMPLES_DIR / "restTokenAuthorizer.json"
    rows = [
        ("import pydantic", ours, "import pydantic"),
        ("mangum typed_handler, first call", ours, COLD_OURS),
        ("Powertools event_parser, first call", POWERTOOLS_PYTHON, COLD_POWERTOOLS),
    ]
    results = [(label, fresh_import_seconds(python, code, sample)) for label, python, code in rows]
    baseline = results[0][1]
    print("\ncold start: median ms in fresh interpreters (ratio = / import pydantic)")
    for label, seconds in results:
        print(f"{label:<40}{seconds * 1e3:>9.1f}{seconds / baseline:>8.2f}")
    print(f"{'ratio mangum / Powertools':<40}{results[1][1] / results[2][1]:>17.2f}")


def main() -> None:
    """Run the benchmark, or serve Powertools' side of it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--powertools", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--powertools-results", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--powertools-accepts", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.powertools:
        serve_batches(powertools_calls())
        return
    if args.powertools_results:
        print(json.dumps({label: powertools_calls()[label]() for label, _ in HANDLERS}))
        return
    if args.powertools_accepts:
        print(json.dumps(powertools_accepts()))
        return
    ensure_powertools_venv()
    print(f"Python {sys.version.split()[0]}, pydantic {version('pydantic')}, {POWERTOOLS_REQUIREMENT}\n")
    check_same_results()
    print_accepts()
    ours, theirs, left_out = alternate_batches(
        mangum_calls(), [str(POWERTOOLS_PYTHON), __file__, "--powertools"]
    )
    for label, reason in left_out.items():
        print(f"left out {label}: {reason}")
    print_table("validate one event", [label for label, _, _ in PARSES], ours, theirs)
    print_table("whole invocation", [label for label, _ in HANDLERS], ours, theirs)
    print_cold_start()


if __name__ == "__main__":
    main()
