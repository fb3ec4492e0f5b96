from __future__ import annotations

import sys

from guidekit.cli.app import main

sys.exit(main())
