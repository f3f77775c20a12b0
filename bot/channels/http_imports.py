"""One failed import per HTTP request, made once.

httpcore asks which async library runs each request with `import sniffio` inside a
function; anyio 4.16 no longer brings sniffio, so each ask searched the whole import path
again and failed (about four times a request: a tenth of a broadcast's CPU through
python-telegram-bot). Marking the module absent makes that import fail at once, with the
same outcome (httpcore then assumes asyncio, which is what runs).
"""

from __future__ import annotations

import importlib.util
import sys


def settle_missing_sniffio() -> None:
    """Idempotent; does nothing when sniffio is installed."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]
