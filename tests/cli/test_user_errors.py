"""User errors through the CLI: a named refusal and its exit code, never a traceback.

Each case is what a new user typed (issue 15). The walk asserts the documented exit code,
a message naming the path and what was expected, one line per sentence when stderr is not a
terminal, and that nothing was written.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from taxgate.cli.main import run_cli
from taxgate.errors import InputError, PathError, TaxgateError, WorkspaceError

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
    ("run --as-of after today", ["run", "{ws}", "{dir}/manifest.json", "--out", "{dir}/o",
     "--as-of", "2999-01-01"], InputError, ["'--as-of': 2999-01-01 is after today"]),
    ("screen --as-of before the agreement", ["screen", "{ws}", "{dir}/manifest.json", "--out",
     "{dir}/o", "--as-of", "1900-01-01"], InputError,
     ["1900-01-01 is before 2025-04-07, when the agreement was signed"]),
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
    error: type[TaxgateError],
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


HEADER = "request_id,first_name,last_name,street,city,state,zip,removal_order_date,statute,reason"
ROW = "R1,Ana,Diaz,1 Main St,Springfield,IL,62701,2024-01-02,8 USC 1253(a)(1),flight"


def _sign(tmp_path: Path, name: str, data: bytes) -> list[str]:
    assert run_cli(["keys", "new", str(tmp_path / "keys"), "--name", "ice-director"]) == 0
    (tmp_path / name).write_bytes(data)
    key = str(tmp_path / "keys" / "ice-director.key.pem")
    return ["batch", "sign", str(tmp_path / name), "--key", key, "--signer", "ice-director",
            "--out", str(tmp_path / "manifest.json")]  # fmt: skip


def _refusal(argv: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert run_cli(argv) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_a_utf16_file_is_named_as_utf16(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = _sign(tmp_path, "requests.csv", f"{HEADER}\n{ROW}\n".encode("utf-16"))
    err = _refusal(argv, InputError.exit_code, capsys)
    assert "is UTF-16 text" in err and "iconv -f UTF-16 -t UTF-8" in err
    assert "WINDOWS-1252" not in err
    assert not (tmp_path / "manifest.json").exists()


def test_a_huge_field_is_named_by_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = ROW.replace("flight", "x" * (3 << 20))
    argv = _sign(tmp_path, "requests.csv", f"{HEADER}\n{ROW}\n{huge}\n".encode())
    err = _refusal(argv, InputError.exit_code, capsys)
    assert "row 2, field 'reason': the value has 3,145,728 characters; the agreement allows" in err
    assert "as many fields as the header" not in err


def test_a_damaged_store_is_not_blamed_on_another_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    assert run_cli(["init", str(ws)]) == 0
    (ws / "store.duckdb").write_bytes(b"\x00" * 5000)
    err = _refusal(["review", "list", str(ws)], WorkspaceError.exit_code, capsys)
    assert "is damaged or is not a taxgate store" in err
    assert "another taxgate process" not in err


@pytest.mark.parametrize(
    ("day", "words"),
    [("2025-02-30", "2025-02-30 does not exist: February 2025 has 28 days"),
     ("2025-13-01", "there is no month 13"), ("15/07/2025", "write it as YYYY-MM-DD")],
)  # fmt: skip
def test_a_day_that_does_not_exist_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], day: str, words: str
) -> None:
    argv = ["run", str(tmp_path), str(tmp_path / "m.json"), "--out", "o", "--as-of", day]
    err = _refusal(argv, 2, capsys)
    line = next(line for line in err.splitlines() if line.startswith("Error: "))
    assert line.startswith("Error: Invalid value for '--as-of': ")  # one line, no box
    assert words in line


def test_master_load_names_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    assert run_cli(["init", str(ws)]) == 0
    err = _refusal(
        ["master", "load", str(ws), str(tmp_path / "nope")], InputError.exit_code, capsys
    )
    assert f"the master folder {tmp_path / 'nope'} does not exist" in err


def test_every_doc_a_message_cites_is_in_the_repository() -> None:
    root = Path(__file__).parents[2]
    cited: set[tuple[str, str]] = set()
    for source in (root / "taxgate").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        cited |= set(re.findall(r"(docs/[\w-]+\.md)(?: (§\d+(?:\.\d+)*))?", text))
    assert cited
    for doc, section in sorted(cited):
        assert (root / doc).is_file(), f"{doc} is cited but missing"
        if section:
            number = section.removeprefix("§")
            headings = re.findall(r"^#+ (\d+(?:\.\d+)*)\.? ", (root / doc).read_text("utf-8"), re.M)
            assert number in headings, f"{doc} has no section {section}"
