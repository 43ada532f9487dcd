"""WebSocket chat apps written in Starlette and FastAPI, served by the WebSocket cycle in the tests."""
