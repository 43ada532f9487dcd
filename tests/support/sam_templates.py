"""The AWS SAM templates under ``examples/sam``: linted by cfn-lint, and read with its YAML decoder
(which understands CloudFormation's ``!Ref`` / ``!Sub`` / ``!GetAtt`` tags)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfnlint.api import lint  # type: ignore[import-untyped]  # cfn-lint ships no type information
from cfnlint.decode.decode import decode_str  # type: ignore[import-untyped]  # as above

SAM_DIR = Path(__file__).resolve().parents[2] / "examples" / "sam"
HTTP_TEMPLATE = SAM_DIR / "http_api" / "template.yaml"
WEBSOCKET_TEMPLATE = SAM_DIR / "websocket_api" / "template.yaml"
SNAPSTART_TEMPLATE = SAM_DIR / "snapstart" / "template.yaml"


def lint_problems(text: str) -> list[str]:
    """Every finding of cfn-lint's rules for a template's text (errors, warnings and informational)."""
    return [str(match) for match in lint(text)]


def load_template(path: Path) -> dict[str, Any]:
    """The template as plain data: ``!Ref X`` reads ``{"Ref": "X"}``, ``!Sub s`` ``{"Fn::Sub": s}``."""
    template, problems = decode_str(path.read_text())
    assert not problems, [str(problem) for problem in problems]
    assert isinstance(template, dict)
    return template


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """The template's resources of one type, by logical id."""
    return {name: resource for name, resource in template["Resources"].items() if resource["Type"] == kind}


def policy_statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    """Every inline policy statement of a ``AWS::Serverless::Function``."""
    return [
        statement
        for policy in function["Properties"].get("Policies", [])
        if isinstance(policy, dict) and "Statement" in policy
        for statement in policy["Statement"]
    ]


def actions(statement: dict[str, Any]) -> set[str]:
    """A statement's actions as a set (``Action`` may be one string or a list)."""
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)
