"""Parse a Lambda event file with mangum's models and print what was found."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mangum.events import parse_event


def main(path: str) -> None:
    """Print the detected source, a few request facts and the model as JSON."""
    event = parse_event(json.loads(Path(path).read_text()))
    print(f"source: {type(event).__name__}")
    print(f"content-type: {event.get_header('content-type')}")
    print(json.dumps(event.model_dump(mode="json", by_alias=True, exclude_unset=True), indent=2))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(
            "usage: python examples/parse_event.py EVENT_FILE  (e.g. examples/events/api_gateway_v2.json)"
        )
    main(sys.argv[1])
