"""``python -m mangum.runtime``: see :mod:`mangum.runtime`."""

from mangum.runtime import main

raise SystemExit(main())
