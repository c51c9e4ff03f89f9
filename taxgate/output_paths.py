"""Where taxgate writes: check a user's output path before any work, and name what is wrong.

A command that writes into a folder (``run --out``, ``screen --out``, a new workspace) or
to a file (``report --out``) checks the path first, so a path of the wrong kind is refused
with a ``PathError`` before anything is read, decided or written, never with a traceback
after the work is done.

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> check_output_folder(folder / "new", what="the output folder")
    >>> check_output_file(folder, what="the report")
    Traceback (most recent call last):
    ...
    taxgate.errors.PathError: ... is a folder, but the report is written to a file
    ...
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from taxgate.errors import PathError

__all__ = ["check_output_file", "check_output_folder", "creating"]


def check_output_folder(path: Path, *, what: str) -> None:
    """Refuse ``path`` unless it is a folder or can be created as one.

    Args:
        path: The folder the command will write into.
        what: What the folder is for, in words (``"--out, the folder for response.csv"``).

    Raises:
        PathError: ``path`` is a file, or a file stands where one of its parents should be.
    """
    if path.exists() and not path.is_dir():
        raise PathError(
            f"{path} is a file, but {what} must be a folder",
            path=path,
            hint="name a folder that does not exist yet (taxgate creates it) or an existing one",
        )
    _refuse_file_in_the_way(path)


def check_output_file(path: Path, *, what: str) -> None:
    """Refuse ``path`` unless it is a file (replaced) or can be created as one.

    Args:
        path: The file the command will write.
        what: What the file is, in words (``"the report"``).

    Raises:
        PathError: ``path`` is a folder, or a file stands where one of its parents should be.
    """
    if path.is_dir():
        raise PathError(
            f"{path} is a folder, but {what} is written to a file",
            path=path,
            hint=f"name the file to write, for example {path / 'report.html'}",
        )
    _refuse_file_in_the_way(path.parent)


@contextmanager
def creating(path: Path, *, what: str) -> Iterator[None]:
    """Translate an ``OSError`` raised while creating ``path`` into a ``PathError``."""
    try:
        yield
    except OSError as e:
        reason = e.strerror or str(e)
        raise PathError(
            f"cannot create {what} {path}: {reason}",
            path=path,
            hint="choose a path you may write to, under a folder that exists",
        ) from e


def _refuse_file_in_the_way(path: Path) -> None:
    """The nearest existing ancestor of ``path`` (itself included) must be a folder."""
    for ancestor in (path, *path.parents):
        if ancestor.exists():
            if not ancestor.is_dir():
                raise PathError(
                    f"cannot create {path}: {ancestor} is a file, not a folder",
                    path=path,
                    hint="name a path whose parent folders are folders",
                )
            return
