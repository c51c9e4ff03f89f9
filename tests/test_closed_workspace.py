"""A closed workspace (issue 16, acceptance): under umask 022 (group and others may read what
a process creates), every command an agency runs leaves nothing in the workspace or in any
output it writes that anyone but its owner may read (§6103(p)(4): taxpayer data); and the
commands that only read open the store read-only (an auditor never blocks a run)."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from taxgate.agreement import default_agreement_path
from taxgate.app.review import pending_reviews
from taxgate.cli.main import run_cli
from taxgate.store import Store
from taxgate.workspace import Workspace

SIGNER = "ice-director"


@dataclass(frozen=True)
class Done:
    """A workspace and the outputs of every command, made under umask 022."""

    ws: Path
    outputs: Path
    batch_id: str
    request_id: str


def cli(*argv: str) -> None:
    assert run_cli(list(argv)) == 0, f"taxgate {' '.join(argv)} failed"


def readable_by_others(root: Path) -> list[str]:
    """Every path under ``root`` (itself included) that group or others may read, write or
    enter."""
    paths = [root, *root.rglob("*")]
    return [f"{p} {stat.filemode(p.lstat().st_mode)}" for p in paths if p.lstat().st_mode & 0o077]


def _agreement(path: Path) -> Path:
    # A higher disclose bound than the shipped one, so that the small batch holds reviews.
    text = default_agreement_path().read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^disclose_weight = .*$", "disclose_weight = 34.0", text))
    return path


def _every_command(root: Path) -> Done:
    ws, keys, world, outputs = (root / n for n in ("ws", "keys", "world", "outputs"))
    cli("keys", "new", str(keys), "--name", SIGNER)
    cli(
        *("synth", str(world), "--taxpayers", "300", "--requests", "80", "--seed", "2"),
        *("--sign-key", str(keys / f"{SIGNER}.key.pem"), "--signer", SIGNER),
    )
    cli("init", str(ws), "--agreement", str(_agreement(root / "agreement.toml")))
    cli(
        *("agreement", "add-signer", str(ws), "--name", SIGNER),
        *("--public-key", str(keys / f"{SIGNER}.pub.pem"), "--valid-from", "2025-04-07"),
    )
    cli("master", "load", str(ws), str(world / "master"), "--workers", "1")
    cli("run", str(ws), str(world / "manifest.json"), "--out", str(outputs / "response"))
    batch = json.loads((world / "manifest.json").read_text(encoding="utf-8"))["batch_id"]
    with Store.open(Workspace.open(ws).store_path, read_only=True) as store:
        reviews = [p.request_id for p in pending_reviews(store, batch_id=batch)]
    assert reviews, "the batch holds no review; choose another seed"
    decide = ["--batch", batch, "--request", reviews[0], "--reviewer", "j.doe", "--why", "seen"]
    approved = run_cli(["review", "approve", str(ws), *decide, "--out", str(outputs / "sup")])
    if approved != 0:  # an approval the release rules refuse: decline it instead
        cli("review", "decline", str(ws), *decide)
    cli("response", str(ws), batch, "--out", str(outputs / "again"))
    cli("decisions", str(ws), batch, "--out", str(outputs / "decisions" / "decisions.parquet"))
    cli("report", str(ws), batch, "--out", str(outputs / "report" / "report.html"))
    return Done(ws, outputs, batch, reviews[0])


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Done]:
    previous = os.umask(0o022)
    try:
        yield _every_command(tmp_path_factory.mktemp("closed"))
    finally:
        os.umask(previous)


def test_under_umask_022_no_command_leaves_a_file_others_may_read(done: Done) -> None:
    written = [p.relative_to(done.outputs).as_posix() for p in done.outputs.rglob("*")]
    assert "response/response.csv" in written and "report/report.html" in written
    assert "decisions/decisions.parquet" in written and "again/response.csv" in written
    assert readable_by_others(done.ws) == []
    assert readable_by_others(done.outputs) == []  # taxgate made every folder and file


READ_ONLY_COMMANDS = [
    (("ledger", "verify"), ()),
    (("accounting",), ()),
    (("report",), ("{batch}", "--out", "{tmp}/report.html")),
    (("explain",), ("{request}",)),
    (("review", "list"), ()),
    (("batch", "list"), ()),
]


@pytest.mark.parametrize(("command", "rest"), READ_ONLY_COMMANDS, ids=lambda c: " ".join(c))
def test_a_read_only_command_opens_the_store_read_only_and_changes_nothing(
    done: Done,
    command: tuple[str, ...],
    rest: tuple[str, ...],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue 16: an auditor's verify or report took the write lock and made a run fail.
    opened: list[bool] = []
    real_open = Store.open

    def spy(path: Path, **options: Any) -> Store:
        opened.append(bool(options.get("read_only", False)))
        return real_open(path, **options)

    monkeypatch.setattr(Store, "open", spy)
    folder = Workspace.open(done.ws).store_path.parent
    before = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir())
    values = {"batch": done.batch_id, "request": done.request_id, "tmp": str(tmp_path)}
    cli(*command, str(done.ws), *(part.format(**values) for part in rest))
    assert opened and all(opened), f"{' '.join(command)} opened the store to write: {opened}"
    after = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir())
    assert after == before
