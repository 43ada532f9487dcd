"""The SAM example's chat, end to end through ``Mangum``; its IAM policy grants exactly the
requests the chat makes."""

from __future__ import annotations

import json
from functools import partial

from mangum.adapter import Mangum
from mangum.local_context import LocalContext
from mangum.websocket.settings import WebSocketSettings
from mangum.websocket.stores.dynamodb import ConnectionStore
from tests.support.sam_templates import (
    WEBSOCKET_TEMPLATE,
    actions,
    load_template,
    policy_statements,
    resources_of_type,
)
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.client import Client
from tests.websocket.counting import DynamoDbRequests
from tests.websocket.tables import table_items


def test_the_example_chat_uses_exactly_what_its_template_allows(
    settings: WebSocketSettings, management_api: ManagementApiServer
) -> None:
    from examples.sam.websocket_api import app as example

    handler = partial(Mangum(example.app, websocket=settings), context=LocalContext())
    store = ConnectionStore.from_settings(settings)
    ann, bob, cy = (Client(handler, management_api) for _ in range(3))
    before = len(management_api.state.requests())

    with DynamoDbRequests(store.client) as requests:
        for client, name in ((ann, "ann"), (bob, "bob"), (cy, "cy")):
            assert client.connect(query={"name": name}) == {"statusCode": 200}
        cy.leave_silently()
        assert ann.send("hello") == {"statusCode": 200}
        assert bob.send(example.QUIT) == {"statusCode": 200}
        assert ann.disconnect() == {"statusCode": 200}
        assert bob.disconnect() == {"statusCode": 200}

    hello = json.dumps({"from": "ann", "text": "hello"}).encode()
    assert ann.received == [hello]
    assert bob.received == [hello]
    assert table_items(store) == {}
    used_methods = {request.method for request in management_api.state.requests()[before:]}

    (function,) = resources_of_type(load_template(WEBSOCKET_TEMPLATE), "AWS::Serverless::Function").values()
    statements = policy_statements(function)
    (table_statement,) = [s for s in statements if any(a.startswith("dynamodb:") for a in actions(s))]
    (api_statement,) = [s for s in statements if actions(s) == {"execute-api:ManageConnections"}]
    assert actions(table_statement) == {f"dynamodb:{operation}" for operation in requests.counts}
    granted_methods = {arn["Fn::Sub"].split("/")[2] for arn in api_statement["Resource"]}
    assert granted_methods == used_methods == {"POST", "DELETE"}
