"""Every background task of a process (pollers, scheduler) runs under a supervisor: a crash
is logged by its type only and the task restarted with back-off; /health reports each one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.channels.retry import Backoff

log = logging.getLogger("chihoi.supervise")
Task = Callable[[], Awaitable[None]]

UP, DOWN, DONE = "up", "down", "done"


class GaveUp(Exception):
    """A task stopped for a reason a restart cannot mend (a refused token): it stays down."""


@dataclass
class Health:
    """Each task's state by name: up, down (crashed or gave up) or done (finished its job,
    e.g. a webhook set); and how many times each was restarted."""

    state: dict[str, str] = field(default_factory=dict)
    restarts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return DOWN not in self.state.values()

    def report(self) -> dict[str, object]:
        return {"ok": self.ok, "tasks": dict(self.state), "restarts": dict(self.restarts)}


async def supervise(name: str, task: Task, health: Health, backoff: Backoff) -> None:
    """Run `task` until it returns or gives up, restarting it after any other exception."""
    failures = 0
    health.restarts.setdefault(name, 0)
    while True:
        health.state[name] = UP
        try:
            await task()
        except GaveUp as exc:
            health.state[name] = DOWN
            log.error("task_gave_up", extra={"task": name, "reason": str(exc)})
            return
        except Exception as exc:
            failures += 1
            health.state[name] = DOWN
            health.restarts[name] += 1
            log.error("task_failed", extra={"task": name, "error": type(exc).__name__})
            await backoff.sleep(backoff.delay(min(failures, 6)))
            continue
        health.state[name] = DONE
        return


def start_all(
    tasks: list[Task], names: list[str], health: Health, backoff: Backoff | None = None
) -> list[asyncio.Task[None]]:
    backoff = backoff or Backoff()
    return [
        asyncio.create_task(supervise(name, task, health, backoff))
        for task, name in zip(tasks, names, strict=True)
    ]
