"""Modules that load on first attribute use, so a process pays for matplotlib, openpyxl or
dateparser only when a turn needs them (issue 20 item 6: start time and idle memory).

    if TYPE_CHECKING:
        from bot.reports import charts
    else:
        charts = lazy("bot.reports.charts")

`warm(...)` loads them ahead of need, off the event loop (`chihoi run` after it is ready).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """`name` as a module whose code runs at its first attribute access (already loaded: as is)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


def is_loaded(name: str) -> bool:
    """Has `name`'s code run (not just a lazy stand-in been made)?"""
    module = sys.modules.get(name)
    return module is not None and type(module).__name__ != "_LazyModule"


def warm(*names: str) -> None:
    """Run the code of each module now (touching an attribute ends a lazy stand-in)."""
    for name in names:
        getattr(importlib.import_module(name), "__name__", None)
