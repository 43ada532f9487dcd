"""``python -m mangum``: see :mod:`mangum._cli`."""

from mangum._cli import main

raise SystemExit(main())
