"""The function of ``template.yaml``: a FastAPI app, every route behind the HTTP API."""

from __future__ import annotations

from fastapi import FastAPI, Request

from mangum import Mangum

app = FastAPI(title="mangum on an HTTP API")


@app.get("/")
def hello(request: Request) -> dict[str, str]:
    """A greeting, and the path the app saw."""
    return {"message": "Hello from mangum", "path": request.url.path}


handler = Mangum(app)
