"""Storage: the only place that knows SQL (models, repositories, migrations, crypto)."""
