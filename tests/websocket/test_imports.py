"""boto3 is imported only by the modules that talk to AWS, never by the package or the HTTP path."""

from __future__ import annotations

import subprocess
import sys


def imported_after(statement: str) -> set[str]:
    """The top-level modules loaded after running ``statement`` in a fresh interpreter."""
    probe = (
        f"{statement}\nimport sys\nprint(' '.join(sorted({{name.split('.')[0] for name in sys.modules}})))"
    )
    output = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return set(output.split())


def test_the_package_the_models_and_websocket_settings_do_not_import_boto3() -> None:
    modules = imported_after(
        "import mangum, mangum.events, mangum.config, mangum.websocket, mangum.websocket.cli\n"
        "from mangum.websocket import websocket_settings, ConnectionRecord, ConnectionGone"
    )

    assert "boto3" not in modules
    assert "botocore" not in modules


def test_the_aws_names_import_boto3_on_first_use() -> None:
    modules = imported_after("from mangum.websocket import connections, ConnectionStore, create_table")

    assert "boto3" in modules


def test_the_type_stubs_are_not_needed_at_run_time() -> None:
    # A None entry in sys.modules makes importing that module fail, as if it were not installed.
    modules = imported_after(
        "import sys\n"
        "sys.modules.update(dict.fromkeys(['mypy_boto3_dynamodb', 'mypy_boto3_apigatewaymanagementapi']))\n"
        "import mangum.websocket.api, mangum.websocket.stores.dynamodb_table\n"
        "import mangum.websocket.stores.dynamodb\n"
        "import mangum.websocket.stores.dynamodb_items as items\n"
        "assert items.membership_key('g', 'c')['pk'] == {'S': 'group#g'}"
    )

    assert "boto3" in modules


def test_serving_http_events_does_not_import_boto3() -> None:
    modules = imported_after(
        "from mangum.adapter import Mangum\n"
        "from mangum.local_context import LocalContext\n"
        "from tests.support.event_files import load_event\n"
        "async def app(scope, receive, send):\n"
        "    await send({'type': 'http.response.start', 'status': 204})\n"
        "    await send({'type': 'http.response.body'})\n"
        "result = Mangum(app, lifespan='off')(load_event('apiGatewayProxyV2Event.json'), LocalContext())\n"
        "assert result['statusCode'] == 204, result"
    )

    assert "boto3" not in modules
    assert "botocore" not in modules


def test_serving_a_websocket_event_imports_boto3() -> None:
    modules = imported_after(
        "import os\n"
        "os.environ.pop('MANGUM_WEBSOCKET_TABLE', None)\n"
        "from mangum.adapter import Mangum\n"
        "from mangum.exceptions import ConfigurationError\n"
        "from mangum.local_context import LocalContext\n"
        "from tests.support.event_files import load_event\n"
        "async def app(scope, receive, send): pass\n"
        "try:\n"
        "    Mangum(app)(load_event('apiGatewayWebSocketApiConnect.json'), LocalContext())\n"
        "except ConfigurationError:\n"
        "    pass"
    )

    assert "boto3" in modules
