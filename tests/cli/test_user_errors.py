"""User errors through the CLI: a named refusal and its exit code, never a traceback.

Each case is what a new user typed (issue 15). The walk asserts the documented exit code,
a message naming the path and what was expected, one line per sentence when stderr is not a
terminal, and that nothing was written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from taxgate.cli.main import run_cli
from taxgate.errors import PathError

# (name, argv with {ws}, {file}, {dir} placeholders, exit code, words the message must hold)
CASES = [
    ("init on a file", ["init", "{file}"], PathError, ["{file} is a file", "workspace"]),
    ("init under a file", ["init", "{file}/ws"], PathError, ["{file} is a file, not a folder"]),
    ("init where nothing can be made", ["init", "/proc/taxgate-ws"], PathError,
     ["cannot create the workspace folder /proc/taxgate-ws"]),
    ("run --out on a file", ["run", "{ws}", "{dir}/manifest.json", "--out", "{file}"],
     PathError, ["{file} is a file", "response.csv"]),
    ("screen --out on a file", ["screen", "{ws}", "{dir}/manifest.json", "--out", "{file}"],
     PathError, ["{file} is a file", "findings.csv"]),
    ("report --out on a folder", ["report", "{ws}", "B1", "--out", "{dir}"], PathError,
     ["{dir} is a folder", "report"]),
    ("synth on a file", ["synth", "{file}", "--taxpayers", "300", "--requests", "40"],
     PathError, ["{file} is a file", "world"]),
]  # fmt: skip


def _tree(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("argv", "error", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_user_error_is_refused_by_name(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    error: type[PathError],
    words: list[str],
) -> None:
    ws, folder, file = tmp_path / "ws", tmp_path / "folder", tmp_path / "afile"
    assert run_cli(["init", str(ws)]) == 0
    folder.mkdir()
    file.write_text("not a folder\n", encoding="utf-8")
    before = _tree(tmp_path)
    capsys.readouterr()

    places = {"{ws}": str(ws), "{file}": str(file), "{dir}": str(folder)}

    def fill(text: str) -> str:
        for key, value in places.items():
            text = text.replace(key, value)
        return text

    assert run_cli([fill(a) for a in argv]) == error.exit_code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"taxgate: {error.__name__}: " in err
    for word in words:
        assert fill(word) in err.splitlines()[0], err
    assert "how to fix: " in err
    assert _tree(tmp_path) == before


def test_messages_are_not_wrapped_when_stderr_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / ("a-rather-long-folder-name-" * 4) / "afile"
    deep.parent.mkdir()
    deep.write_text("x", encoding="utf-8")
    assert run_cli(["init", str(deep)]) == PathError.exit_code
    first = capsys.readouterr().err.splitlines()[0]
    assert len(first) > 80
    assert first.endswith("but a workspace must be a folder")
