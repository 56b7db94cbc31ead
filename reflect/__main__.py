"""Allow ``python -m reflect``."""

import sys

from reflect.cli import main

sys.exit(main())
