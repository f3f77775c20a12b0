"""Storage: the only place that knows SQL (models, repositories, migrations, crypto)."""

from pathlib import Path

# The embedded default's folder: the SQLite file and the demo's data key.
VAR_DIR = Path("var")
