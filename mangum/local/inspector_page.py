"""The inspector's page (see :mod:`mangum.local.inspector`): one HTML document, :data:`PAGE`, and
its script, :data:`SCRIPT`, served apart as ``/_mangum/inspector.js`` (the page's
Content-Security-Policy allows scripts from its own origin only, none inline). The script builds
every cell with ``textContent``: what the events hold is never parsed as HTML."""

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mangum serve: inspector</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; color: #1d232a; background: #f6f7f9; }
  header { background: #232f3e; color: #fff; padding: 10px 18px; display: flex; gap: 18px;
           align-items: baseline; }
  header h1 { font-size: 17px; margin: 0; }
  header .live { font-size: 12px; color: #9ad29a; }
  header .live.down { color: #f0a0a0; }
  main { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 4fr); gap: 14px; padding: 14px 18px; }
  section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 10px 12px;
            min-width: 0; overflow-x: auto; }
  h2 { font-size: 15px; margin: 2px 0 10px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eef0f2; white-space: nowrap; }
  td.path { max-width: 220px; overflow: hidden; text-overflow: ellipsis; }
  tbody tr.invocation { cursor: pointer; }
  tbody tr.invocation:hover, tbody tr.selected { background: #eef4fb; }
  .s2 { color: #1a7f37; } .s4 { color: #9a6700; } .s5 { color: #cf222e; }
  pre { background: #f6f8fa; border: 1px solid #eef0f2; padding: 8px; overflow: auto; max-height: 300px;
        font-size: 12px; }
  .empty { color: #6e7781; font-style: italic; }
  form { display: flex; gap: 6px; margin-top: 4px; }
  form input { flex: 1 1 6em; width: 6em; min-width: 4em; font: inherit; padding: 3px 6px; }
  td.id { font-family: ui-monospace, monospace; font-size: 12px; }
  button { font: inherit; padding: 3px 10px; }
  #detail h3 { font-size: 13px; margin: 10px 0 4px; }
  #result-note { font-size: 12px; color: #6e7781; }
</style>
</head>
<body>
<header><h1>mangum serve &middot; inspector</h1>
<span id="live" class="live">connecting&hellip;</span></header>
<main>
  <section>
    <h2>Recent invocations</h2>
    <table id="invocations">
      <thead><tr><th>time</th><th>source</th><th>method</th><th>path</th><th>status</th>
      <th>ms</th><th>request id</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="no-invocations" class="empty">No invocation yet: send a request to the API.</p>
  </section>
  <section>
    <h2>WebSocket connections</h2>
    <div id="connections"><p class="empty">No open connection.</p></div>
    <p id="result-note"></p>
  </section>
  <section id="detail" style="grid-column: 1 / -1" hidden>
    <h2 id="detail-title"></h2>
    <h3>Authorizer</h3><pre id="detail-authorizer"></pre>
    <h3>Event</h3><pre id="detail-event"></pre>
    <h3>Result</h3><pre id="detail-result"></pre>
    <h3>Log lines</h3><pre id="detail-logs"></pre>
  </section>
</main>
<script src="/_mangum/inspector.js"></script>
</body>
</html>
"""

SCRIPT = r"""
"use strict";
const api = "/_mangum/api";
// The management key, when serve asks for one: in the page's address after #key=, never sent to
// the server in a URL except the event stream's (an EventSource cannot send headers).
const key = new URLSearchParams(location.hash.slice(1)).get("key");
const keyed = key ? {"x-mangum-management-key": key} : {};
const rows = document.querySelector("#invocations tbody");

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (className) td.className = className;
  row.appendChild(td);
}

function addInvocation(item, atTop) {
  const row = document.createElement("tr");
  row.className = "invocation";
  row.dataset.id = item.id;
  cell(row, item.time.slice(11, 23));
  cell(row, item.source);
  cell(row, item.method);
  cell(row, item.path, "path");
  cell(row, item.status, item.status ? "s" + String(item.status)[0] : "");
  cell(row, item.durationMs);
  cell(row, item.requestId ? item.requestId.slice(0, 8) : "", "id");
  row.lastChild.title = item.requestId;
  row.addEventListener("click", () => openInvocation(item.id, row));
  if (atTop) rows.prepend(row); else rows.appendChild(row);
  document.querySelector("#no-invocations").hidden = true;
}

function pretty(value) {
  if (value === null || value === undefined) return "(none)";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

async function openInvocation(id, row) {
  const answer = await fetch(`${api}/invocations/${id}`, {headers: keyed});
  if (!answer.ok) return;
  const item = await answer.json();
  for (const other of rows.querySelectorAll("tr.selected")) other.classList.remove("selected");
  row.classList.add("selected");
  document.querySelector("#detail").hidden = false;
  document.querySelector("#detail-title").textContent =
    `${item.method} ${item.path} \u2192 ${item.status ?? "no answer"} ` +
    `(${item.source}, ${item.requestId || "not invoked"})`;
  document.querySelector("#detail-authorizer").textContent = pretty(item.authorizer);
  document.querySelector("#detail-event").textContent = pretty(item.event);
  const result = pretty(item.result);
  document.querySelector("#detail-result").textContent = item.error ? `${item.error}\n${result}` : result;
  document.querySelector("#detail-logs").textContent = item.logs.length ? item.logs.join("\n") : "(none)";
}

async function act(id, action, body) {
  const answer = await fetch(`${api}/connections/${encodeURIComponent(id)}/${action}`, {
    method: "POST", headers: {"content-type": "text/plain", ...keyed}, body,
  });
  document.querySelector("#result-note").textContent =
    `${action === "messages" ? "post" : "disconnect"} ${id}: ${answer.status} ` +
    (answer.ok ? "OK" : await answer.text());
}

function showConnections(list) {
  const box = document.querySelector("#connections");
  box.replaceChildren();
  if (!list.length) {
    const none = document.createElement("p");
    none.className = "empty";
    none.textContent = "No open connection.";
    box.appendChild(none);
    return;
  }
  const table = document.createElement("table");
  table.id = "connection-table";
  for (const connection of list) {
    const row = table.insertRow();
    row.className = "connection";
    row.dataset.id = connection.connectionId;
    cell(row, connection.connectionId, "id");
    cell(row, connection.sourceIp);
    cell(row, connection.principalId || "");
    const actions = row.insertCell();
    const form = document.createElement("form");
    const input = document.createElement("input");
    input.name = "message";
    input.placeholder = "message";
    const send = document.createElement("button");
    send.textContent = "Post";
    send.className = "post";
    const drop = document.createElement("button");
    drop.type = "button";
    drop.textContent = "Disconnect";
    drop.className = "disconnect";
    form.append(input, send, drop);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act(connection.connectionId, "messages", input.value);
    });
    drop.addEventListener("click", () => act(connection.connectionId, "disconnect", ""));
    actions.appendChild(form);
  }
  box.appendChild(table);
}

async function start() {
  const answer = await fetch(`${api}/invocations`, {headers: keyed});
  for (const item of await answer.json()) addInvocation(item, false);
  const live = document.querySelector("#live");
  const stream = new EventSource(`${api}/stream` + (key ? `?key=${encodeURIComponent(key)}` : ""));
  stream.addEventListener("open", () => { live.textContent = "live"; live.classList.remove("down"); });
  stream.addEventListener("error", () => {
    live.textContent = "reconnecting\u2026";
    live.classList.add("down");
  });
  stream.addEventListener("invocation", (event) => addInvocation(JSON.parse(event.data), true));
  stream.addEventListener("connections", (event) => showConnections(JSON.parse(event.data)));
}

start();
"""
