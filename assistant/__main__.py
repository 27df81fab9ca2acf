"""`python -m assistant` is the same as the `regroup` command."""

from assistant.cli import main

raise SystemExit(main())
