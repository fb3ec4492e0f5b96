from __future__ import annotations

import sys

from guidekit.cli.entry import main

sys.exit(main())
