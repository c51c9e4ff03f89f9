"""How taxgate touches the file system at its edges: bounded reads of regular files only, and
files and folders that only their owner can read.

A path given to taxgate may name a FIFO (whose ``open`` waits for a writer that never comes),
a device, a socket, a folder, or a file that grows while it is read. Every read here opens
without blocking, checks on the *opened* descriptor that it is a regular file, and stops one
byte past its limit. Every file or folder created here is owner-only (0600 / 0700) whatever
the process's umask: a workspace holds every taxpayer's names and addresses (§6103(p)(4)
safeguards; NIST SP 800-53 AC-3).

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> path = folder / "note.txt"
    >>> _ = path.write_bytes(b"abc")
    >>> read_regular(path, limit=10)
    b'abc'
    >>> read_regular(path, limit=2)
    Traceback (most recent call last):
    ...
    taxgate.files.FileTooLargeError: ... larger than 2 bytes...
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "OWNER_ONLY_DIR",
    "OWNER_ONLY_FILE",
    "FileTooLargeError",
    "NotRegularFileError",
    "OutsideFolderError",
    "discard",
    "hash_regular",
    "make_owner_only_dir",
    "owner_only_umask",
    "publish",
    "read_regular",
    "remove_stale_staged",
    "require_regular",
    "restrict_to_owner",
    "stage_bytes",
]

OWNER_ONLY_FILE = 0o600
OWNER_ONLY_DIR = 0o700
_CHUNK = 1 << 20


class NotRegularFileError(OSError):
    """The path names a FIFO, device, socket or folder where a regular file is needed."""


class OutsideFolderError(OSError):
    """The path is a symbolic link to a file outside the folder it must stay in."""


class FileTooLargeError(OSError):
    """The file holds more bytes than the reader's limit (it may have grown since a stat)."""


def read_regular(path: Path, *, limit: int, within: Path | None = None) -> bytes:
    """At most ``limit`` bytes of the regular file ``path``.

    Args:
        path: The file to read.
        limit: The most bytes accepted; one more refuses the file.
        within: When given, a symbolic link must resolve to a file inside this folder.

    Raises:
        NotRegularFileError: ``path`` is not a regular file (checked on the open descriptor).
        OutsideFolderError: ``path`` is a link to a file outside ``within``.
        FileTooLargeError: the file holds more than ``limit`` bytes.
        OSError: the file cannot be opened or read.
    """
    with _open_regular(path, within=within, limit=limit) as fd:
        data = bytearray()
        while len(data) <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - len(data)))
            if not chunk:
                break
            data += chunk
    if len(data) > limit:
        raise _too_large(path, limit)
    return bytes(data)


def require_regular(path: Path) -> None:
    """Refuse ``path`` unless it is a regular file, without waiting on a FIFO.

    For readers that open the file themselves afterwards (a memory map).

    Raises:
        NotRegularFileError: ``path`` is a FIFO, device, socket or folder.
        OSError: the file cannot be opened.
    """
    with _open_regular(path, within=None, limit=sys.maxsize):
        pass


def hash_regular(path: Path, *, limit: int, within: Path | None = None) -> tuple[str, int]:
    """The hex SHA-256 and size of the regular file ``path``, read in 1 MiB steps.

    Raises:
        The errors of :func:`read_regular`.
    """
    digest = hashlib.sha256()
    size = 0
    with _open_regular(path, within=within, limit=limit) as fd:
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
    if size > limit:
        raise _too_large(path, limit)
    return digest.hexdigest(), size


@contextmanager
def owner_only_umask() -> Iterator[None]:
    """Create files and folders readable by their owner only for the block's duration.

    The umask is per process, so this belongs around work that creates files the process
    does not open itself (a database engine's files, a library's writer).
    """
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def make_owner_only_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) if needed; ``path`` itself ends mode 0700.

    An existing folder is tightened to 0700 too: everything taxgate puts in it is
    confidential.

    Raises:
        OSError: the folder cannot be created or its mode cannot be set.
    """
    path.mkdir(mode=OWNER_ONLY_DIR, parents=True, exist_ok=True)
    restrict_to_owner(path)


def restrict_to_owner(path: Path) -> None:
    """Take every group and other permission off ``path`` (a file or folder) if it has any.

    A symbolic link is left alone (its target is not ours to change).

    Raises:
        OSError: the mode cannot be changed (a file owned by another user).
    """
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        path.chmod(mode & 0o700)


def create_new_file(path: Path, data: bytes, *, mode: int = OWNER_ONLY_FILE) -> None:
    """Create ``path`` (never through a link, never over an existing file), write ``data``
    with exactly ``mode`` whatever the umask, and fsync it; nothing is left on failure.

    Raises:
        FileExistsError: something is already at ``path``.
        OSError: the file cannot be created or written.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)  # the umask only takes bits away
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def stage_bytes(final: Path, data: bytes) -> Path:
    """Write ``data`` beside ``final`` under a staged name, owner-only and fsynced.

    The staged name, ``.NAME.PID.RANDOM.partial``, says which process wrote it, so that a
    file left by a killed process can be told from one still being written
    (:func:`remove_stale_staged`). Missing parent folders are created owner-only.

    Raises:
        OSError: the file cannot be created or written (nothing is left behind).
    """
    final.parent.mkdir(mode=OWNER_ONLY_DIR, parents=True, exist_ok=True)
    staged = final.with_name(f".{final.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
    create_new_file(staged, data)
    return staged


def publish(staged: Path, final: Path) -> None:
    """Rename a staged file onto ``final`` and make the rename durable (fsync the folder).

    Raises:
        OSError: the rename failed (the staged file is left for the caller to discard).
    """
    os.replace(staged, final)
    _fsync_folder(final.parent)


def discard(staged: Path) -> None:
    """Remove a staged file that will not be published (missing is fine)."""
    staged.unlink(missing_ok=True)


def remove_stale_staged(final: Path) -> list[Path]:
    """Remove the staged files of ``final`` left by processes that are no longer running.

    Only regular files of this user named as :func:`stage_bytes` names them (or by the
    earlier fixed names ``.NAME.partial``, ``.NAME.RANDOM.tmp``) are removed; a file staged
    by a live process is left alone.

    Returns:
        The files removed.
    """
    removed: list[Path] = []
    pattern = re.compile(
        rf"\.{re.escape(final.name)}(?:\.(\d+)\.[0-9a-f]+\.partial|\.partial|\.[^./]+\.tmp)"
    )
    try:
        names = os.listdir(final.parent)
    except OSError:
        return removed
    for name in names:
        match = pattern.fullmatch(name)
        if match is None or (match.group(1) and _running(int(match.group(1)))):
            continue
        path = final.parent / name
        try:
            info = path.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid():
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _open_regular(path: Path, *, within: Path | None, limit: int) -> Iterator[int]:
    """An open descriptor of a regular file; a file already larger than ``limit`` is refused
    unread (the callers' reads stop at ``limit`` too, for a file that grows)."""
    target = path if within is None else _inside(path, within)
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(target, flags)
    try:
        info = os.fstat(fd)
        kind = stat.S_IFMT(info.st_mode)
        if kind != stat.S_IFREG:
            raise NotRegularFileError(
                errno.EINVAL, f"is {_KINDS.get(kind, 'not a regular file')}", str(path)
            )
        if info.st_size > limit:
            raise _too_large(path, limit)
        yield fd
    finally:
        os.close(fd)


def _inside(path: Path, folder: Path) -> Path:
    """``path`` with links resolved, refused unless it lies directly in ``folder``."""
    if not path.is_symlink():
        return path
    resolved = path.resolve()
    if resolved.parent != folder.resolve():
        raise OutsideFolderError(
            errno.EXDEV,
            f"is a symbolic link to {resolved}, outside the folder {folder}",
            str(path),
        )
    return resolved


def _too_large(path: Path, limit: int) -> FileTooLargeError:
    return FileTooLargeError(errno.EFBIG, f"is larger than {limit:,} bytes", str(path))


_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe), not a regular file",
    stat.S_IFDIR: "a folder, not a file",
    stat.S_IFCHR: "a character device, not a regular file",
    stat.S_IFBLK: "a block device, not a regular file",
    stat.S_IFSOCK: "a socket, not a regular file",
}
