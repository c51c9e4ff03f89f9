"""Progress of long commands, on stderr; the library only calls plain callbacks.

In a terminal, a live Rich display: one bar per counted step, one line per stage. Anywhere
else (a pipe, a file, CI) a live display draws nothing, so each stage and counted step
prints one plain line instead, with the seconds since the command began; a long ``run``
is never silent.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from taxgate.cli.console import stderr

__all__ = ["StageProgress", "stage_progress"]


class CountColumn(ProgressColumn):
    """``done/total`` for a counted task; nothing for a stage, whose total is unknown."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        return Text(f"{task.completed:>10,.0f}/{task.total:<10,.0f}")


class StageProgress:
    """Adapts ``progress(label, done, total)`` and ``progress(stage)`` callbacks.

    With ``progress`` (a live Rich display) the callbacks move bars; without it each new
    stage or counted step prints one line on ``console``.
    """

    def __init__(self, progress: Progress | None, console: Console) -> None:
        self._progress = progress
        self._console = console
        self._tasks: dict[str, TaskID] = {}
        self._seen: set[str] = set()
        self._start = time.perf_counter()

    def counts(self, label: str, done: int, total: int) -> None:
        """A counted step: ``done`` of ``total`` items of ``label``."""
        if self._progress is None:
            if label not in self._seen:
                self._seen.add(label)
                self._line(f"{label}: {total:,}")
            return
        task = self._tasks.get(label)
        if task is None:
            task = self._progress.add_task(label, total=total)
            self._tasks[label] = task
        self._progress.update(task, completed=done, total=total)

    def stage(self, name: str) -> None:
        """A new stage begins (the previous one is finished)."""
        if self._progress is None:
            self._line(name)
            return
        self.finish_stages()
        self._tasks[f"stage:{name}"] = self._progress.add_task(name, total=None)

    def finish_stages(self) -> None:
        """Mark every stage shown so far as complete."""
        if self._progress is None:
            return
        for label, task in self._tasks.items():
            if label.startswith("stage:"):
                self._progress.update(task, completed=1, total=1)

    def _line(self, text: str) -> None:
        elapsed = time.perf_counter() - self._start
        self._console.print(f"{elapsed:7.1f}s  {text}", markup=False, soft_wrap=True)


@contextmanager
def stage_progress(console: Console = stderr) -> Iterator[StageProgress]:
    """A live display in a terminal; one plain line per stage anywhere else."""
    if not console.is_terminal:
        yield StageProgress(None, console)
        return
    progress = Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        CountColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    with progress:
        stages = StageProgress(progress, console)
        yield stages
        stages.finish_stages()
