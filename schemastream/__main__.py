"""``python -m schemastream``: the same as the ``schemastream`` command."""

from .cli import main

raise SystemExit(main())
