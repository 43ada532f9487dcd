"""Load held under faults (tests/faults/load.py): four containers in four processes serve 200
clients (connect, echo, speak to a room spanning containers, disconnect) while dynalite is stalled
briefly, stalled past the deadline, and killed and restarted. Every invocation answers before its
deadline; nothing answered 200 is lost, nothing is ever delivered twice, and once the faults are
over the table is left empty."""

from __future__ import annotations

from collections import Counter

from mangum.websocket.stores.dynamodb import ConnectionStore
from tests.faults.conftest import table_settings
from tests.faults.load import CONTAINERS, delivered_once, run_load
from tests.faults.load_worker import echo_frame
from tests.support.servers.dynalite import DynaliteProcess
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.tables import table_items


def test_four_containers_under_stalls_and_a_kill_lose_nothing(
    dynalite: DynaliteProcess, management_api: ManagementApiServer
) -> None:
    settings = table_settings(dynalite.url, management_api)

    outcome = run_load(dynalite, management_api, settings)

    assert outcome.exit_codes == [0] * CONTAINERS
    statuses = Counter((invocation.kind, invocation.status) for invocation in outcome.invocations)
    assert outcome.faults == ["pause 0.4s", "pause 2.0s", "kill 1.0s"]
    assert all(invocation.left_ms > 0 for invocation in outcome.invocations)  # every answer in time
    assert {status for kind, status in statuses if kind != "sweep"} <= {200, 500}
    assert statuses[("connect", 500)] + statuses[("echo", 500)] > 0  # the faults did hit the load
    received = outcome.received
    assert all(count == 1 for counts in received.values() for count in counts.values())
    assert delivered_once(outcome.invocations, received, outcome.rooms) == []
    assert [report.unfinished for report in outcome.reports] == [0] * CONTAINERS
    assert table_items(ConnectionStore.from_settings(settings)) == {}
    echoed = sum(received[client][echo_frame(client).encode()] for client in received)
    assert echoed >= statuses[("echo", 200)]
