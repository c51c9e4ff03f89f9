"""The small things a new user meets first: --version, help, listings, plurals, the demo."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import typer.main

from taxgate.app.demo import DemoSettings, run_demo
from taxgate.cli.main import _register_commands, app, run_cli
from taxgate.errors import ConfigError, WorkspaceError
from taxgate.plural import counted


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"taxgate {version('taxgate')}"


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        return [(path, command)]
    found = []
    for name, sub in subcommands.items():
        found += _commands(sub, (*path, name))
    return found


def test_every_argument_and_option_has_help() -> None:
    _register_commands()
    commands = _commands(typer.main.get_command(app))
    assert len(commands) > 20
    params = [(path, param) for path, command in commands for param in command.params]
    assert any(param.param_type_name == "argument" for _, param in params)
    bare = [
        f"{' '.join(path)} {param.param_type_name} {param.name}"
        for path, param in params
        if not getattr(param, "help", None)
    ]
    assert bare == []


def test_the_command_tree_does_not_grow_with_each_call() -> None:
    # run_cli runs many times in one process (tests, the fork server); a tree that grew on
    # each call made every later call slower (quadratic over a test worker's life).
    assert run_cli(["--help"]) == 0
    before = (len(app.registered_groups), len(app.registered_commands))
    for _ in range(3):
        assert run_cli(["--help"]) == 0
    assert (len(app.registered_groups), len(app.registered_commands)) == before


def test_plurals() -> None:
    assert [counted(n, "checkpoint") for n in (0, 1, 2)] == [
        "0 checkpoints",
        "1 checkpoint",
        "2 checkpoints",
    ]
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(12_345, "entry", "entries") == "12,345 entries"


def test_review_list_refuses_an_unknown_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = str(tmp_path / "ws")
    assert run_cli(["init", ws]) == 0
    assert run_cli(["batch", "list", ws]) == 0
    assert "none answered yet" in capsys.readouterr().out
    assert run_cli(["review", "list", ws, "--batch", "nope"]) == WorkspaceError.exit_code
    err = capsys.readouterr().err
    assert "no batch 'nope' in this workspace" in err and "taxgate batch list WS" in err


def test_the_demo_says_it_replaces_an_earlier_demo(tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    out.mkdir()
    (out / "DEMO").write_text("made by `taxgate demo`\n", encoding="utf-8")
    said: list[str] = []
    # Too small a world stops the demo right after the folder is replaced.
    with pytest.raises(ConfigError):
        run_demo(DemoSettings(out=out, taxpayers=10, requests=5), say=said.append)
    assert said[0] == f"{out} holds an earlier demo; it is replaced (give --out to keep it)"


def test_the_demo_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me\n", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="is not a taxgate demo folder"):
        run_demo(DemoSettings(out=tmp_path / "mine"))
    assert (tmp_path / "mine" / "notes.txt").exists()
