"""examples/sam/managed_instances: the template passes cfn-lint (its capacity provider and function
types are in cfn-lint's pinned schemas) and wires the function as the docs say; the example app,
run by mangum's exec wrapper with ``AWS_LAMBDA_MAX_CONCURRENCY``, answers many invocations at once."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from mangum._sources.samples import sample_event
from mangum.local.runtime_api import RuntimeApiServer
from tests.runtime.support import REPO_ROOT, WAIT, runtime_process
from tests.support.sam_templates import SAM_DIR, lint_problems, load_template, resources_of_type

EXAMPLE = SAM_DIR / "managed_instances"
TEMPLATE = EXAMPLE / "template.yaml"


def _function() -> dict[str, Any]:
    (function,) = resources_of_type(load_template(TEMPLATE), "AWS::Serverless::Function").values()
    properties: dict[str, Any] = function["Properties"]
    return properties


def test_cfn_lint_finds_nothing() -> None:
    assert lint_problems(TEMPLATE.read_text()) == []


def test_cfn_lint_does_find_a_capacity_provider_without_its_vpc() -> None:
    text = TEMPLATE.read_text()
    start = text.index("      VpcConfig:\n        SubnetIds")
    broken = text[:start] + text[text.index("      InstanceRequirements:") :]

    assert any("E3003" in problem for problem in lint_problems(broken))


def test_the_function_runs_on_the_capacity_provider_with_mangums_runtime() -> None:
    template = load_template(TEMPLATE)
    (provider_id,) = resources_of_type(template, "AWS::Lambda::CapacityProvider")
    function = _function()
    wrapper = str(function["Environment"]["Variables"]["AWS_LAMBDA_EXEC_WRAPPER"])

    assert function["CapacityProviderConfig"]["Arn"] == {"Fn::GetAtt": [provider_id, "Arn"]}
    assert function["CapacityProviderConfig"]["PerExecutionEnvironmentMaxConcurrency"] > 1
    assert function["Runtime"] == "python3.13"  # Managed Instances need 3.13 or later
    assert function["LoggingConfig"]["LogFormat"] == "JSON"
    assert wrapper.startswith("/var/task/mangum/")
    assert os.access(REPO_ROOT / wrapper.removeprefix("/var/task/"), os.X_OK)


def test_the_example_app_answers_invocations_in_flight_together() -> None:
    wrapper = REPO_ROOT / "mangum" / "runtime" / "exec-wrapper"
    env = {
        "LAMBDA_TASK_ROOT": str(EXAMPLE),
        "MANGUM_PYTHON": sys.executable,
        "AWS_LAMBDA_LOG_FORMAT": "JSON",
    }
    with (
        RuntimeApiServer(max_concurrency=4) as server,
        runtime_process(server, "app.handler", env=env, command=(str(wrapper),)),
    ):
        invocations = [server.invoke(sample_event("api_gateway_v2", path="/report")) for _ in range(8)]
        results = [invocation.result(timeout=WAIT) for invocation in invocations]

    for result in results:
        assert result.ok, result.error
        payload = result.json()
        assert payload["statusCode"] == 200
        assert json.loads(payload["body"])["seconds"] >= 0.2
    assert 1 < server.peak_in_flight <= 4
