"""End-to-end tests share the web host tests' live server and Chromium helpers.

Why a path entry: the helpers live next to the web host's own browser tests
(``tests/kernel/web/live_server.py``), which pytest puts on the path only for
tests in that folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

WEB_TESTS = str(Path(__file__).resolve().parents[1] / "kernel" / "web")
if WEB_TESTS not in sys.path:
    sys.path.insert(0, WEB_TESTS)
