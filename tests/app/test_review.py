"""The review workflow end to end through the CLI: list, approve, decline, and the refusals.

The world is the pipeline tests' small synthetic one, with REVIEW decisions made on purpose:
the workspace's agreement has a wide review band, and a request that names a filer by name
alone, with no date of birth or TIN, leaves a posterior in it (someone at the address who
never filed could carry that name too: ``BORDERLINE``), so a few clean requests lose their
date of birth and TIN before the batch is signed. More requests name an already disclosed
taxpayer at another of their filing addresses the same way (twins of the request): one
resolves to a taxpayer the batch already answers, so the run refuses it as a ``DUPLICATE``
(domain §3) and there is nothing to review.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from taxgate.agreement import default_agreement_path
from taxgate.app import review
from taxgate.app.review import pending_reviews
from taxgate.app.review_queue import derived_pending, pending_table_rows
from taxgate.cli.main import run_cli
from taxgate.disclosure.queue import PENDING_TABLE
from taxgate.disclosure.response import RESPONSE_COLUMNS
from taxgate.errors import (
    DisclosureRefused,
    InputError,
    LedgerError,
    OutputsNotWritten,
    WorkspaceError,
)
from taxgate.store import Store
from taxgate.synth import delivery_point_key
from taxgate.workspace import Workspace

TAXPAYERS = 3_000
REQUESTS = 600
SEED = 31
HELD = ("listed", "approved", "rewritten", "declined", "held", "withheld", "after_recall")


@dataclass(frozen=True)
class World:
    root: Path
    ws: Path
    out: Path
    batch_id: str
    requester: str
    ids: dict[str, str]  # role -> request id (HELD roles, "twin", "disclosed")
    truth: dict[str, dict[str, Any]]  # request id -> truth row
    decisions: dict[str, dict[str, Any]]  # request id -> decisions.parquet row


def cli(*argv: str | Path) -> int:
    return run_cli([str(a) for a in argv])


def _wide_review_band(root: Path) -> Path:
    """The default agreement with a wide review band: a request naming its taxpayer without
    a date of birth (posterior below 0.9999) is held for review; one with it is disclosed."""
    text = default_agreement_path().read_text(encoding="utf-8")
    text = text.replace("disclose_probability = 0.99\n", "disclose_probability = 0.9999\n")
    text = text.replace("review_probability = 0.95\n", "review_probability = 0.6\n")
    path = root / "agreement.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _named_alone(row: dict[str, str]) -> dict[str, str]:
    return {**row, "middle_name": "", "date_of_birth": "", "tin": ""}


def _house(street: str, unit: str | None, zip_code: str) -> str:
    return delivery_point_key(street, unit, zip_code).split("|")[0]


def _make_reviews(world: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Name clean, disclosable requests by a common first name alone; add, for other clean
    requests, their taxpayer named alone at another of their filing addresses (a twin).
    Returns the ids named alone and the (original, twin) id pairs."""
    with (world / "requests.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames or []), list(reader)
    truth = {r["request_id"]: r for r in pq.read_table(world / "truth.parquet").to_pylist()}
    filings = pq.read_table(world / "master" / "filings.parquet").to_pylist()
    clean, tins = [], set()
    for row in rows:
        t = truth[row["request_id"]]
        tin = t["true_tin"]
        if (
            t["category"] == "current_address"
            and t["expected_outcome"] == "DISCLOSED"
            and not t["variations"]
            and row["date_of_birth"]
            and tin not in tins
        ):
            clean.append(row)
            tins.add(tin)
    alone, originals = clean[::2], clean[1::2]
    for row in alone:
        row.update(_named_alone(row))
    twins = []
    for number, row in enumerate(originals):
        other = next(
            (
                f
                for f in filings
                if f["tin"] == truth[row["request_id"]]["true_tin"]
                and _house(f["street"], f["unit"], f["zip"])
                != _house(row["street"], row["unit"], row["zip"])
            ),
            None,
        )
        if other is None:
            continue
        twins.append((row["request_id"], f"R9{number:06d}"))
        address = {k: other[k] or "" for k in ("street", "unit", "city", "state", "zip")}
        rows.append({**row, "request_id": twins[-1][1], **address, **_named_alone({})})
    with (world / "requests.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return [row["request_id"] for row in alone], twins


def _roles(
    decisions: dict[str, dict[str, Any]], named_alone: list[str], twins: list[tuple[str, str]]
) -> dict[str, str]:
    """The requests of each role, among those the run actually held for review (the ones
    named alone first, then any other the band held)."""
    twin_ids = {t for _, t in twins}
    others = sorted(r for r in decisions if r not in named_alone and r not in twin_ids)
    held = [
        r
        for r in (*named_alone, *others)
        if (decisions[r]["decision"], decisions[r]["reason"]) == ("REVIEW", "BORDERLINE")
    ]
    assert len(held) >= len(HELD), "the world has too few requests in the review band"
    ids = dict(zip(HELD, held, strict=False))
    disclosed, twin = next(
        (d, t)
        for d, t in twins
        if decisions[d]["decision"] == "DISCLOSE" and decisions[t]["decision"] == "REJECTED"
    )
    return {**ids, "disclosed": disclosed, "twin": twin}


def build(root: Path) -> World:
    ws, keys, world, out = root / "ws", root / "keys", root / "world", root / "out"
    key = keys / "ice-director.key.pem"
    assert cli("init", ws, "--agreement", _wide_review_band(root)) == 0
    assert cli("keys", "new", keys, "--name", "ice-director") == 0
    assert (
        cli(
            *("agreement", "add-signer", ws, "--name", "ice-director", "--public-key"),
            *(keys / "ice-director.pub.pem", "--valid-from", "2025-04-07"),
        )
        == 0
    )
    assert (
        cli(
            *("synth", world, "--taxpayers", TAXPAYERS, "--requests", REQUESTS),
            *("--seed", SEED),
        )
        == 0
    )
    assert cli("master", "load", ws, world / "master", "--workers", "1") == 0
    named_alone, twins = _make_reviews(world)
    assert (
        cli(
            *("batch", "sign", world / "requests.csv", "--key", key, "--signer", "ice-director"),
            *("--out", world / "manifest.json", "--request-date", "2025-07-15"),
        )
        == 0
    )
    assert cli("run", ws, world / "manifest.json", "--out", out) == 0
    manifest = json.loads((world / "manifest.json").read_text(encoding="utf-8"))
    truth = {r["request_id"]: r for r in pq.read_table(world / "truth.parquet").to_pylist()}
    exported = root / "decisions.parquet"
    assert cli("decisions", ws, manifest["batch_id"], "--out", exported) == 0
    decisions = {d["request_id"]: d for d in pq.read_table(exported).to_pylist()}
    ids = _roles(decisions, named_alone, twins)
    return World(
        root, ws, out, manifest["batch_id"], manifest["requesting_agency"], ids, truth, decisions
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build(tmp_path_factory.mktemp("review"))


def approve(world: World, request_id: str, out: Path, *, ws: Path | None = None) -> int:
    return cli(
        *("review", "approve", ws or world.ws, "--batch", world.batch_id, "--request", request_id),
        *("--reviewer", "officer-7", "--why", "the household has one such filer", "--out", out),
    )


def decline(world: World, request_id: str) -> int:
    return cli(
        *("review", "decline", world.ws, "--batch", world.batch_id, "--request", request_id),
        *("--reviewer", "officer-7", "--why", "cannot tell the twin from the subject"),
    )


def disclosed_requests(world: World, ws: Path | None = None) -> list[str]:
    with duckdb.connect(str((ws or world.ws) / "store.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT request_id FROM ledger_entries WHERE kind = 'DISCLOSURE' AND batch_id = ?",
            [world.batch_id],
        ).fetchall()
    return [r[0] for r in rows]


def review_entries(world: World, request_id: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    with duckdb.connect(str(world.ws / "store.duckdb"), read_only=True) as con:
        rows = con.execute(
            """SELECT e.attrs, r.body FROM ledger_entries e JOIN ledger_records r USING (idx)
               WHERE e.kind = 'REVIEW_DECIDED' AND e.batch_id = ? AND e.request_id = ?""",
            [world.batch_id, request_id],
        ).fetchall()
    return [(json.loads(a), json.loads(b)) for a, b in rows]


def pending(world: World) -> set[str]:
    with Store.open(Workspace.open(world.ws).store_path) as store:
        return {p.request_id for p in pending_reviews(store, batch_id=world.batch_id)}


def one_line(text: str) -> str:
    """stderr as one line (Rich wraps long messages)."""
    return " ".join(text.split())


def test_the_world_holds_the_reviews_it_was_built_with(world: World) -> None:
    for role in HELD:
        decision = world.decisions[world.ids[role]]
        assert (decision["decision"], decision["reason"]) == ("REVIEW", "BORDERLINE"), role
    assert world.decisions[world.ids["disclosed"]]["decision"] == "DISCLOSE"
    twin = world.decisions[world.ids["twin"]]
    assert (twin["decision"], twin["reason"]) == ("REJECTED", "SAME_TAXPAYER")
    assert twin["findings"] == ["DUPLICATE:request_id"]
    with (world.out / "response.csv").open(encoding="utf-8", newline="") as handle:
        response = {r["request_id"]: r for r in csv.DictReader(handle)}
    assert {response[world.ids[r]]["outcome"] for r in HELD} == {"NOT_DISCLOSED"}
    assert response[world.ids["twin"]]["outcome"] == "REJECTED"
    assert response[world.ids["twin"]]["reason_codes"] == "DUPLICATE"


def test_list_shows_the_pending_reviews(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    listed = world.ids["listed"]
    assert cli("review", "list", world.ws) == 0
    out = capsys.readouterr().out
    assert listed in out and "BORDERLINE" in out and world.batch_id in out
    assert world.ids["disclosed"] not in out  # decided DISCLOSE: nothing to review
    assert cli("review", "list", world.ws, "--batch", world.batch_id) == 0
    assert listed in capsys.readouterr().out
    # An unknown batch is refused, not listed as having no pending review (issue 15).
    assert cli("review", "list", world.ws, "--batch", "no-such-batch") == WorkspaceError.exit_code
    assert "no batch 'no-such-batch' in this workspace" in capsys.readouterr().err
    assert listed in pending(world)


def test_approve_discloses_the_lka_in_a_contract_supplement(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request_id = world.ids["approved"]
    truth = world.truth[request_id]
    assert approve(world, request_id, tmp_path) == 0
    terminal = capsys.readouterr()
    supplement = tmp_path / f"supplement-{world.batch_id}-{request_id}.csv"
    stem = supplement.name.removesuffix(".csv")
    # The supplement and its receipt (checkpoint, inclusion proof); nothing staged left.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{stem}.checkpoint.txt",
        supplement.name,
        f"{stem}.proofs.json",
    ]
    data = supplement.read_bytes()
    lines = data.decode("utf-8").splitlines()
    assert (
        lines[0]
        == ",".join(RESPONSE_COLUMNS)
        == ("request_id,outcome,reason_codes,street,unit,city,state,zip,address_as_of")
    )
    (row,) = list(csv.DictReader(lines))
    assert (row["request_id"], row["outcome"], row["reason_codes"]) == (request_id, "DISCLOSED", "")
    # The last known address the generator says this taxpayer has, as of the request date.
    assert delivery_point_key(row["street"], row["unit"], row["zip"]) == delivery_point_key(
        truth["expected_street"], truth["expected_unit"], truth["expected_zip"]
    )
    assert row["address_as_of"] == truth["expected_as_of"]
    assert row["street"] not in terminal.out + terminal.err  # the address stays in the file
    assert truth["true_tin"] not in terminal.out + terminal.err

    assert cli("accounting", world.ws, "--batch", world.batch_id, "--format", "json") == 0
    accounted = [r for r in json.loads(capsys.readouterr().out) if r["request_id"] == request_id]
    assert len(accounted) == 1
    assert accounted[0]["tin"] == truth["true_tin"]
    assert accounted[0]["address"]["street"] == row["street"]
    assert accounted[0]["as_of"] == row["address_as_of"]
    assert accounted[0]["requester"] == world.requester

    ((attrs, record),) = review_entries(world, request_id)
    assert attrs["decision"] == "APPROVED" and attrs["reviewer"] == "officer-7"
    assert attrs["held_for"] == "BORDERLINE"
    assert attrs["supplement_sha256"] == hashlib.sha256(data).hexdigest()
    assert record["why"] == "the household has one such filer"
    assert request_id not in pending(world)
    assert cli("ledger", "verify", world.ws) == 0

    again = tmp_path / "again"
    assert approve(world, request_id, again) == WorkspaceError.exit_code
    assert "already reviewed" in one_line(capsys.readouterr().err)
    assert not again.exists()
    assert disclosed_requests(world).count(request_id) == 1
    assert cli("ledger", "verify", world.ws) == 0


def test_supplement_can_be_written_again(world: World, tmp_path: Path) -> None:
    request_id = world.ids["rewritten"]
    name = f"supplement-{world.batch_id}-{request_id}.csv"
    assert approve(world, request_id, tmp_path / "first") == 0
    args = ("--batch", world.batch_id, "--request", request_id, "--out", tmp_path / "again")
    assert cli("review", "supplement", world.ws, *args) == 0
    assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "first" / name).read_bytes()
    assert approve(world, request_id, tmp_path / "first") == WorkspaceError.exit_code
    listed = ("--batch", world.batch_id, "--request", world.ids["listed"], "--out", tmp_path)
    assert cli("review", "supplement", world.ws, *listed) == InputError.exit_code
    copy = tmp_path / "copy"
    shutil.copytree(world.ws, copy)
    with duckdb.connect(str(copy / "store.duckdb")) as con:
        con.execute(
            """UPDATE ledger_records SET body = replace(body, '"as_of":"2', '"as_of":"1')
               WHERE idx = (SELECT idx FROM ledger_entries
                            WHERE kind = 'DISCLOSURE' AND request_id = ?)""",
            [request_id],
        )
    assert cli("review", "supplement", copy, *args) == LedgerError.exit_code


def test_decline_releases_nothing(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request_id = world.ids["declined"]
    before = disclosed_requests(world)
    assert decline(world, request_id) == 0
    assert "nothing released" in capsys.readouterr().out
    assert disclosed_requests(world) == before
    ((attrs, record),) = review_entries(world, request_id)
    assert attrs["decision"] == "DECLINED" and attrs["supplement_sha256"] is None
    assert record["reviewer"] == "officer-7" and record["why"].startswith("cannot tell")
    assert request_id not in pending(world)
    assert cli("ledger", "verify", world.ws) == 0
    assert approve(world, request_id, tmp_path) == WorkspaceError.exit_code
    assert "already reviewed (DECLINED" in one_line(capsys.readouterr().err)
    assert not any(tmp_path.iterdir())
    assert decline(world, request_id) == WorkspaceError.exit_code


def test_approval_under_a_legal_hold_is_refused(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request_id = world.ids["held"]
    hold = ("hold", world.ws, "--requester", world.requester)
    assert cli(*hold, "--order", "D.D.C. No. 25-1234") == 0
    try:
        assert approve(world, request_id, tmp_path) == DisclosureRefused.exit_code
        err = one_line(capsys.readouterr().err)
        assert "approval refused" in err and "legal hold" in err
        assert not tmp_path.exists() or not any(tmp_path.iterdir())
        assert request_id not in disclosed_requests(world)
        assert review_entries(world, request_id) == []
        assert request_id in pending(world)  # a refusal leaves the review pending
        assert cli("ledger", "verify", world.ws) == 0
    finally:
        assert cli(*hold, "--order", "D.D.C. No. 25-1234 (lifted)", "--lift") == 0
    assert approve(world, request_id, tmp_path) == 0  # the hold lifted, it may go out
    assert request_id in disclosed_requests(world)
    assert cli("ledger", "verify", world.ws) == 0


def test_approval_of_a_withheld_taxpayer_is_refused(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request_id = world.ids["withheld"]
    tin = world.decisions[request_id]["tin"]
    assert tin == world.truth[request_id]["true_tin"]
    assert cli("withhold", world.ws, "--tin", tin, "--why", "confidential informant") == 0
    assert approve(world, request_id, tmp_path) == DisclosureRefused.exit_code
    err = one_line(capsys.readouterr().err)
    assert "6103(i)(6) withhold list" in err
    assert tin not in err
    assert not tmp_path.exists() or not any(tmp_path.iterdir())
    assert request_id not in disclosed_requests(world)
    assert request_id in pending(world)
    assert cli("ledger", "verify", world.ws) == 0


def test_a_later_request_for_a_disclosed_taxpayer_is_a_duplicate_not_a_review(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twin, first = world.ids["twin"], world.ids["disclosed"]
    assert world.decisions[twin]["tin"] == world.decisions[first]["tin"]
    assert twin not in pending(world)
    assert approve(world, twin, tmp_path) == InputError.exit_code
    err = one_line(capsys.readouterr().err)
    assert f"request {twin} of batch {world.batch_id} was decided REJECTED, not REVIEW" in err
    assert twin not in disclosed_requests(world)
    assert cli("ledger", "verify", world.ws) == 0


def test_a_recalled_batch_releases_nothing_more(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy, listed = tmp_path / "copy", world.ids["listed"]
    shutil.copytree(world.ws, copy)
    assert approve(world, listed, tmp_path / "first", ws=copy) == 0
    recall = ("recall", copy, "--batch", world.batch_id, "--request", listed)
    assert cli(*recall, "--why", "matched the wrong person") == 0
    capsys.readouterr()
    args = ("--batch", world.batch_id, "--request", listed, "--out", tmp_path / "again")
    assert cli("review", "supplement", copy, *args) == DisclosureRefused.exit_code
    assert "was recalled" in one_line(capsys.readouterr().err)
    assert not (tmp_path / "again").exists()
    out = tmp_path / "out"
    after = world.ids["after_recall"]
    assert approve(world, after, out, ws=copy) == DisclosureRefused.exit_code
    assert "were recalled as erroneous" in one_line(capsys.readouterr().err)
    assert after not in disclosed_requests(world, copy)
    assert not out.exists()
    assert cli("ledger", "verify", copy) == 0


def test_only_a_request_held_for_review_can_be_decided(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    disclosed = world.ids["disclosed"]
    assert approve(world, disclosed, tmp_path) == InputError.exit_code
    err = one_line(capsys.readouterr().err)
    assert f"request {disclosed} of batch {world.batch_id} was decided DISCLOSE, not REVIEW" in err
    assert approve(world, "R-NOPE", tmp_path) == InputError.exit_code
    assert "has no request 'R-NOPE'" in one_line(capsys.readouterr().err)
    base = ("review", "decline", world.ws, "--request", world.ids["listed"])
    assert cli(*base, "--batch", "B-NOPE", "--reviewer", "x", "--why", "y") == InputError.exit_code
    assert "no batch 'B-NOPE'" in one_line(capsys.readouterr().err)
    batch = ("--batch", world.batch_id)
    assert cli(*base, *batch, "--reviewer", " ", "--why", "y") == InputError.exit_code
    assert "--reviewer must not be empty" in one_line(capsys.readouterr().err)
    assert cli(*base, *batch, "--reviewer", "x", "--why", "") == InputError.exit_code
    assert not tmp_path.exists() or not any(tmp_path.iterdir())
    assert world.ids["listed"] in pending(world)
    assert cli("ledger", "verify", world.ws) == 0


def test_a_fault_after_the_approval_commits_is_reported_and_recoverable(
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    copy, listed = tmp_path / "copy", world.ids["listed"]
    shutil.copytree(world.ws, copy)

    def full_disk(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(review, "atomic_write_bytes", full_disk)
    out = tmp_path / "out"
    assert approve(world, listed, out, ws=copy) == OutputsNotWritten.exit_code
    err = one_line(capsys.readouterr().err)
    assert "is committed (its disclosure is in the ledger)" in err
    assert f"taxgate review supplement {copy} --batch {world.batch_id} --request {listed}" in err
    assert "Traceback" not in err
    assert listed in disclosed_requests(world, copy)
    monkeypatch.undo()
    args = ("--batch", world.batch_id, "--request", listed, "--out", out)
    assert cli("review", "supplement", copy, *args) == 0
    assert (out / f"supplement-{world.batch_id}-{listed}.csv").is_file()
    assert cli("ledger", "verify", copy) == 0


def test_the_pending_table_is_derived_state_and_an_older_workspace_gains_it(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_path = Workspace.open(world.ws).store_path
    with Store.open(store_path, read_only=True) as store:
        assert pending_table_rows(store) == derived_pending(store) != []
    # A workspace made before the table: the same store without it.
    old = tmp_path / "old-ws"
    shutil.copytree(world.ws, old)
    old_store = Workspace.open(old).store_path
    with Store.open(old_store) as store:
        store.execute(f"DROP TABLE {PENDING_TABLE}")
    with Store.open(old_store, read_only=True) as store:  # read-only: read from the derivation
        waiting = [p.request_id for p in pending_reviews(store, batch_id=world.batch_id)]
        assert pending_table_rows(store) == [] and waiting
        assert set(waiting) == {row[1] for row in derived_pending(store)}
    decided = waiting[0]
    argv = ("review", "decline", old, "--batch", world.batch_id, "--request", decided)
    assert cli(*argv, "--reviewer", "officer-7", "--why", "another person") == 0
    with Store.open(old_store, read_only=True) as store:  # built by the decision's transaction
        assert pending_table_rows(store) == derived_pending(store)
        assert decided not in {p.request_id for p in pending_reviews(store)}
    # The ledger, not the table, says what is decided: an item put back in the table by hand
    # is still refused.
    with Store.open(old_store) as store:
        store.execute(
            f"INSERT INTO {PENDING_TABLE} (seq, batch_id, request_id, row, requester, "
            "received_at, waiting_since) VALUES (0, ?, ?, 1, 'ICE', '2026-01-01', now())",
            [world.batch_id, decided],
        )
    capsys.readouterr()
    assert cli(*argv, "--reviewer", "officer-8", "--why", "again") == WorkspaceError.exit_code
    assert "was already reviewed" in one_line(capsys.readouterr().err)
