"""Allow ``python -m sinojp``."""

from sinojp.cli import main

raise SystemExit(main())
