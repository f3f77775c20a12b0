"""A unit's materialised path ("/1/7/42/": the ids from the root down to the unit)."""


def path_ids(path: str) -> list[int]:
    """Unit ids from the root down to the unit, from its materialised path."""
    return [int(p) for p in path.strip("/").split("/") if p]
