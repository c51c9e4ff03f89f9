"""The scripted interface, end to end through ``run_cli``: exit codes, stdout, stderr."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from taxgate.cli.main import run_cli
from taxgate.intake.manifest import read_manifest
from taxgate.workspace import Workspace

from .conftest import SIGNER, request_row, write_requests


@pytest.fixture
def world(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Path]:
    """A workspace with the signer enrolled, a key pair, and a request file."""
    keys, ws = tmp_path / "keys", tmp_path / "ws"
    assert run_cli(["keys", "new", str(keys), "--name", SIGNER]) == 0
    assert run_cli(["init", str(ws)]) == 0
    pub = keys / f"{SIGNER}.pub.pem"
    assert (
        run_cli(
            [
                "agreement",
                "add-signer",
                str(ws),
                "--name",
                SIGNER,
                "--public-key",
                str(pub),
                "--valid-from",
                "2025-04-07",
            ]
        )
        == 0
    )
    requests = write_requests(tmp_path / "batch" / "requests.csv", [request_row("R1")])
    capsys.readouterr()
    return {"ws": ws, "key": keys / f"{SIGNER}.key.pem", "pub": pub, "requests": requests}


def _flat(text: str) -> str:
    """stderr as one line (rich wraps long messages to the terminal width)."""
    return " ".join(text.split())


def _sign(world: dict[str, Path], *extra: str) -> int:
    manifest = world["requests"].parent / "manifest.json"
    return run_cli(
        [
            "batch",
            "sign",
            str(world["requests"]),
            "--key",
            str(world["key"]),
            "--signer",
            SIGNER,
            "--out",
            str(manifest),
            *extra,
        ]
    )


def test_keys_new(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["keys", "new", str(tmp_path), "--name", "a"]) == 0
    out = capsys.readouterr().out.split()
    assert out == [str(tmp_path / "a.key.pem"), str(tmp_path / "a.pub.pem")]
    assert run_cli(["keys", "new", str(tmp_path), "--name", "a"]) == 4
    assert "never overwrites" in capsys.readouterr().err


def test_sign_then_verify(world: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert _sign(world) == 0
    batch_id = capsys.readouterr().out.strip()
    manifest = world["requests"].parent / "manifest.json"
    assert read_manifest(manifest).batch_id == batch_id
    assert (
        subprocess.run(
            [
                "openssl",
                "dgst",
                "-sha256",
                "-verify",
                str(world["pub"]),
                "-signature",
                f"{manifest}.sig",
                str(manifest),
            ],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    assert run_cli(["batch", "verify", str(world["ws"]), str(manifest)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == batch_id
    assert "verified" in captured.err


def test_sign_options(
    world: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agreement = Workspace.open(world["ws"]).agreement_path
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    assert (
        _sign(
            world,
            "--batch-id",
            "ICE-1",
            "--request-date",
            yesterday.isoformat(),
            "--agreement",
            str(agreement),
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == "ICE-1"
    manifest = read_manifest(world["requests"].parent / "manifest.json")
    assert manifest.request_date == yesterday


def test_revoked_signer_is_refused(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _sign(world) == 0
    assert run_cli(["agreement", "revoke-signer", str(world["ws"]), "--name", SIGNER]) == 0
    manifest = world["requests"].parent / "manifest.json"
    capsys.readouterr()
    assert run_cli(["batch", "verify", str(world["ws"]), str(manifest)]) == 5
    captured = capsys.readouterr()
    assert "SIGNER_REVOKED" in captured.err and captured.out == ""


def test_rotated_key_refuses_old_batches(
    world: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _sign(world) == 0
    assert run_cli(["keys", "new", str(tmp_path / "new"), "--name", SIGNER]) == 0
    new_pub = tmp_path / "new" / f"{SIGNER}.pub.pem"
    assert (
        run_cli(
            [
                "agreement",
                "add-signer",
                str(world["ws"]),
                "--name",
                SIGNER,
                "--public-key",
                str(new_pub),
            ]
        )
        == 0
    )
    capsys.readouterr()
    manifest = world["requests"].parent / "manifest.json"
    assert run_cli(["batch", "verify", str(world["ws"]), str(manifest)]) == 5
    assert "SIGNER_BAD_SIGNATURE" in capsys.readouterr().err


def test_tampered_request_file(world: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert _sign(world) == 0
    world["requests"].write_bytes(world["requests"].read_bytes().replace(b"Diaz", b"Diez"))
    capsys.readouterr()
    manifest = world["requests"].parent / "manifest.json"
    assert run_cli(["batch", "verify", str(world["ws"]), str(manifest)]) == 5
    assert "SCHEMA_HASH_MISMATCH" in capsys.readouterr().err


def test_show_lists_terms_and_signers_without_keys(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["agreement", "show", str(world["ws"])]) == 0
    out = capsys.readouterr().out
    assert "irs-ice-2025" in out and "8 U.S.C. 1253(a)(1)" in out
    assert f"{SIGNER} (Director" in out and "key sha256:" in out
    assert "dhs-secretary" in out and "none enrolled" in out
    assert "BEGIN PUBLIC KEY" not in out


def test_add_signer_options_and_refusals(
    world: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws, pub = str(world["ws"]), str(world["pub"])
    assert (
        run_cli(
            [
                "agreement",
                "add-signer",
                ws,
                "--name",
                "ig-1",
                "--public-key",
                pub,
                "--valid-from",
                "2025-05-01",
                "--valid-to",
                "2025-12-31",
                "--role",
                "IG",
            ]
        )
        == 0
    )
    signer = Workspace.open(world["ws"]).agreement().signer("ig-1")
    assert signer is not None and str(signer.valid_to) == "2025-12-31" and signer.role == "IG"
    assert (
        run_cli(
            [
                "agreement",
                "add-signer",
                ws,
                "--name",
                "x",
                "--public-key",
                pub,
                "--valid-from",
                "2025-05-01",
                "--valid-to",
                "2025-04-01",
            ]
        )
        == 3
    )
    assert (
        run_cli(["agreement", "add-signer", ws, "--name", "x", "--public-key", str(world["key"])])
        == 3
    )
    assert run_cli(["agreement", "add-signer", ws, "--name", "bad name", "--public-key", pub]) == 3
    assert (
        run_cli(
            [
                "agreement",
                "add-signer",
                ws,
                "--name",
                "x",
                "--public-key",
                str(tmp_path / "none.pem"),
            ]
        )
        == 4
    )
    assert (
        run_cli(
            [
                "agreement",
                "add-signer",
                ws,
                "--name",
                "x",
                "--public-key",
                pub,
                "--valid-from",
                "May 1",
            ]
        )
        == 2
    )
    assert run_cli(["agreement", "revoke-signer", ws, "--name", "nobody"]) == 3
    assert "no signer named 'nobody'" in _flat(capsys.readouterr().err)


def test_commands_refuse_a_missing_workspace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["agreement", "show", str(tmp_path / "nope")]) == 6
    assert "not a taxgate workspace" in _flat(capsys.readouterr().err)


def test_sign_refuses_a_malformed_request_file(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    world["requests"].write_bytes(b"request_id,first_name\nR1,Ana\n")
    assert _sign(world) == 4
    err = _flat(capsys.readouterr().err)
    assert "IntakeSchemaError" in err and "required columns" in err
    assert not (world["requests"].parent / "manifest.json").exists()


def test_help_lists_the_groups(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--help"]) == 0
    assert run_cli(["--help"]) == 0
    out = capsys.readouterr().out
    for group in ("keys", "agreement", "batch"):
        assert group in out


@pytest.mark.parametrize("command", ["batch-verify", "screen"])
def test_a_deeply_nested_manifest_is_refused_without_a_traceback(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str], command: str
) -> None:
    manifest = world["requests"].parent / "manifest.json"
    manifest.write_bytes(b"[" * 400_000)
    manifest.with_name("manifest.json.sig").write_bytes(b"\x30\x06")
    ws, out = str(world["ws"]), str(world["requests"].parent / "out")
    argv = {
        "batch-verify": ["batch", "verify", ws, str(manifest)],
        "screen": ["screen", ws, str(manifest), "--out", out],
    }[command]
    code = run_cli(argv)
    err = _flat(capsys.readouterr().err)
    assert code == 5, err
    assert "SCHEMA_MANIFEST" in err and "levels deep" in err
    assert "Traceback" not in err and "RecursionError" not in err
