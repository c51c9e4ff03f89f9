"""Rich progress for long commands, on stderr; the library only calls plain callbacks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

stderr = Console(stderr=True)


class StageProgress:
    """Adapts ``progress(label, done, total)`` and ``progress(stage)`` callbacks to Rich."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def counts(self, label: str, done: int, total: int) -> None:
        task = self._tasks.get(label)
        if task is None:
            task = self._progress.add_task(label, total=total)
            self._tasks[label] = task
        self._progress.update(task, completed=done, total=total)

    def stage(self, name: str) -> None:
        for label, task in self._tasks.items():
            if label.startswith("stage:"):
                self._progress.update(task, completed=1, total=1)
        self._tasks[f"stage:{name}"] = self._progress.add_task(name, total=None)


@contextmanager
def stage_progress(enabled: bool = True) -> Iterator[StageProgress]:
    """A live progress display (disabled when stderr is not a terminal)."""
    progress = Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        TextColumn("{task.completed:>10,.0f}/{task.total:<10,.0f}"),
        TimeElapsedColumn(),
        console=stderr,
        disable=not enabled or not stderr.is_terminal,
        transient=False,
    )
    with progress:
        yield StageProgress(progress)
