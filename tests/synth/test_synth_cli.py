"""``taxgate synth`` and ``taxgate score`` end to end, through the CLI entry point."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from taxgate.cli.main import run_cli
from taxgate.synth.contract import RESPONSE_COLUMNS


def test_synth_then_score_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "world"
    argv = ["synth", str(out), "--taxpayers", "1200", "--requests", "150", "--seed", "4"]
    assert run_cli([*argv, "--request-date", "2025-09-01"]) == 0
    assert (out / "master" / "filings.parquet").is_file() and (out / "truth.parquet").is_file()
    with (out / "requests.csv").open(encoding="utf-8", newline="") as handle:
        ids = [row["request_id"] for row in csv.DictReader(handle)]
    response = tmp_path / "response.csv"
    with response.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(RESPONSE_COLUMNS)
        writer.writerows([i, "NOT_DISCLOSED", "", "", "", "", "", "", ""] for i in ids)
    capsys.readouterr()
    report = tmp_path / "score.json"
    assert (
        run_cli(["score", str(response), str(out / "truth.parquet"), "--json-out", str(report)])
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(report.read_text(encoding="utf-8"))
    assert printed["harmful_total"] == 0 and printed["recall"] == 0.0


def test_synth_takes_the_alt_noise_model(tmp_path: Path) -> None:
    out = tmp_path / "world"
    argv = ["synth", str(out), "--taxpayers", "1200", "--requests", "300", "--seed", "4"]
    assert run_cli([*argv, "--noise", "alt"]) == 0
    text = (out / "requests.csv").read_text(encoding="utf-8")
    assert text.startswith("request_id,")


def test_synth_signs_the_batch(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    assert run_cli(["keys", "new", str(keys), "--name", "ice-director"]) == 0
    out = tmp_path / "world"
    argv = ["synth", str(out), "--taxpayers", "800", "--requests", "60", "--seed", "2"]
    key = keys / "ice-director.key.pem"
    assert run_cli([*argv, "--sign-key", str(key), "--signer", "ice-director"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["row_count"] == 60 and manifest["request_file"] == "requests.csv"


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    out = str(tmp_path / "w")
    assert run_cli(["synth", out, "--taxpayers", "1000", "--requests", "900"]) == 3
    assert run_cli(["synth", out, "--address-style", "csv"]) == 3
    assert run_cli(["synth", out, "--sign-key", "k.pem"]) == 3
    assert run_cli(["synth", out, "--noise", "loud"]) == 3
    assert run_cli(["score", str(tmp_path / "missing.csv"), str(tmp_path / "t.parquet")]) == 4


def test_signing_without_the_signing_module_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "taxgate.intake.signing", None)
    argv = ["synth", str(tmp_path / "w"), "--taxpayers", "500", "--requests", "20"]
    assert run_cli([*argv, "--sign-key", "k.pem", "--signer", "ice-director"]) == 3
    assert (tmp_path / "w" / "requests.csv").is_file()
