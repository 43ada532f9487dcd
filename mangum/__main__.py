"""``python -m mangum``: see :mod:`mangum.cli`."""

from mangum.cli import main

raise SystemExit(main())
