"""Fault injection (issue 16, acceptance): SIGKILL at every stage boundary of ``taxgate run``
and ``taxgate review approve``, and a full disk at the commit and after it.

Each round runs the real CLI in a process of its own (``tests/cli_fork_server.py``) with
``TAXGATE_FAULT_POINT`` naming one boundary (``taxgate/fault_points.py``). A run killed before
the commit is run again in the next round, killed at the next boundary, until a round reaches
the commit; a committed batch's outputs are then written again from the store. After every
round: no decision lost or duplicated, one DISCLOSURE entry per disclosure, the statistics
counted once, the pending-review table equal to its derivation (the REVIEW decisions without
a REVIEW_DECIDED entry), no staged file left once the outputs are written again, and the
ledger verifies.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from taxgate.agreement import default_agreement_path
from taxgate.app.review import pending_reviews
from taxgate.app.review_queue import derived_pending, pending_table_rows
from taxgate.cli.main import run_cli
from taxgate.disclosure.reviews import supplement_file_name
from taxgate.errors import DisclosureRefused, OutputsNotWritten
from taxgate.fault_points import ENOSPC_SUFFIX, FAULT_POINT_VARIABLE, REVIEW_POINTS, RUN_POINTS
from taxgate.ledger.accounting import disclosure_statistics
from taxgate.store import Store
from taxgate.workspace import Workspace

SIGNER = "ice-director"
REQUEST_DATE = "2025-07-15"
BATCH_ROWS = 8
REVIEW_BATCH_ROWS = 160
KILLED = -9
# The points past which the batch or the review is committed (a fault there is reported).
COMMITTED_AT = ("ledger:committed", "run:committed", "run:published", "review:committed")
COMMITTED_AT += ("review:written",)


class ForkServer:
    """The CLI, one forked process per command (see tests/cli_fork_server.py)."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.count = 0
        server = Path(__file__).with_name("cli_fork_server.py")
        self.process = subprocess.Popen(
            [sys.executable, str(server)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
        )

    def run(self, *argv: str, fault: str | None = None) -> tuple[int, str]:
        self.count += 1
        log = self.logs / f"{self.count:03d}.log"
        env = {FAULT_POINT_VARIABLE: fault} if fault else {}
        request = {"argv": list(argv), "env": env, "log": str(log)}
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        code = int(json.loads(self.process.stdout.readline())["code"])
        return code, " ".join(log.read_text(encoding="utf-8").split())

    def close(self) -> None:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


@dataclass
class World:
    root: Path
    ws: Path
    keys: Path
    requests: list[dict[str, str]]
    server: ForkServer
    committed: dict[str, int] = field(default_factory=dict)  # batch id → rows
    approved: set[tuple[str, str]] = field(default_factory=set)
    rounds: list[str] = field(default_factory=list)

    def sign(self, name: str, rows: list[dict[str, str]]) -> Path:
        folder = self.root / "batches" / name
        folder.mkdir(parents=True)
        with (folder / "requests.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        argv = ["batch", "sign", str(folder / "requests.csv"), "--key"]
        argv += [str(self.keys / f"{SIGNER}.key.pem"), "--signer", SIGNER, "--batch-id", name]
        argv += ["--request-date", REQUEST_DATE, "--agreement", str(self.root / "agreement.toml")]
        argv += ["--out", str(folder / "manifest.json")]
        assert run_cli(argv) == 0
        return folder / "manifest.json"


def _agreement(path: Path) -> Path:
    """The shipped agreement with a higher disclose bound, so that a batch holds many
    requests for review (each review round approves one)."""
    text = default_agreement_path().read_text(encoding="utf-8")
    text, changed = re.subn(r"(?m)^disclose_weight = .*$", "disclose_weight = 34.0", text)
    assert changed == 1
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("faults")
    ws, keys, synth = root / "ws", root / "keys", root / "world"
    agreement = _agreement(root / "agreement.toml")
    steps = [
        ["keys", "new", str(keys), "--name", SIGNER],
        [
            *("synth", str(synth), "--taxpayers", "400", "--requests", "200", "--seed", "2"),
            *("--sign-key", str(keys / f"{SIGNER}.key.pem"), "--signer", SIGNER),
        ],
        ["init", str(ws), "--agreement", str(agreement)],
        [
            *("agreement", "add-signer", str(ws), "--name", SIGNER),
            *("--public-key", str(keys / f"{SIGNER}.pub.pem"), "--valid-from", "2025-04-07"),
        ],
        ["master", "load", str(ws), str(synth / "master"), "--workers", "1"],
    ]
    for argv in steps:
        assert run_cli(argv) == 0, f"taxgate {' '.join(argv)} failed"
    with (synth / "requests.csv").open(encoding="utf-8", newline="") as handle:
        requests = list(csv.DictReader(handle))
    (root / "logs").mkdir()
    server = ForkServer(root / "logs")
    try:
        yield World(root, ws, keys, requests, server)
    finally:
        server.close()


def _store(world: World) -> Store:
    return Store.open(Workspace.open(world.ws).store_path, read_only=True)


def check(world: World) -> None:
    """What must hold after every round, whatever the fault."""
    with _store(world) as store:
        batches = dict(store.fetchall("SELECT batch_id, rows FROM batches"))
        decided = store.fetchall(
            "SELECT batch_id, count(*), count(DISTINCT request_id) FROM decisions GROUP BY 1"
        )
        disclosures = store.fetchall(
            "SELECT batch_id, request_id, count(*) FROM ledger_entries "
            "WHERE kind = 'DISCLOSURE' GROUP BY 1, 2"
        )
        disclose = store.fetchall(
            "SELECT batch_id, request_id FROM decisions WHERE decision = 'DISCLOSE'"
        )
        received = store.fetchall(
            "SELECT batch_id, count(*) FROM ledger_entries WHERE kind = 'BATCH_RECEIVED' GROUP BY 1"
        )
        stats = disclosure_statistics(store, year=datetime.now(UTC).year)
        table, derived = pending_table_rows(store), derived_pending(store)
    assert table == derived, "the pending-review table differs from its derivation"
    assert batches == world.committed, "a batch was lost, or one was committed unseen"
    assert {b: (n, n) for b, n, _ in decided} == {b: (n, n) for b, n in batches.items()}
    assert all(n == n_distinct for _, n, n_distinct in decided), "a decision was duplicated"
    assert dict(received) == dict.fromkeys(batches, 1), "a batch was received twice"
    assert all(n == 1 for *_, n in disclosures), "a disclosure was recorded twice"
    assert {(b, r) for b, r, _ in disclosures} == set(disclose) | world.approved
    [ice] = stats
    assert (ice.requests, ice.batches) == (sum(batches.values()), len(batches))
    assert ice.instances_disclosed == len(disclosures), "a disclosure was counted twice"
    assert run_cli(["ledger", "verify", str(world.ws)]) == 0


def no_staged_files(folder: Path) -> None:
    staged = [p.name for p in folder.iterdir() if p.name.endswith(".partial")]
    assert staged == [], f"staged files left in {folder}: {staged}"


def fault_round(world: World, argv: list[str], point: str, *, enospc: bool) -> None:
    """Run ``argv`` with a fault at ``point``; the command ends as that fault must end it."""
    fault = point + (ENOSPC_SUFFIX if enospc else "")
    world.rounds.append(f"{argv[0]} {fault}")
    code, log = world.server.run(*argv, fault=fault)
    assert "Traceback" not in log, log
    if not enospc:
        assert code == KILLED, f"{fault}: the process was not killed ({code}): {log}"
    elif point in COMMITTED_AT:
        assert code == OutputsNotWritten.exit_code, log
        assert "committed" in log and "No space left on device" in log
    else:
        assert code != 0 and "No space left on device" in log, log
        assert "committed" not in log.replace("not yet committed", ""), log


RUN_BEFORE_COMMIT = RUN_POINTS[: RUN_POINTS.index("ledger:committed")]
RUN_BATCHES = [
    # One batch killed at each boundary before the commit in turn (each run picks up where
    # the last was killed), then a full disk as the response is staged and at the commit,
    # then killed just past the commit.
    [
        *((p, False) for p in RUN_BEFORE_COMMIT),
        ("run:staged", True),
        ("run:commit", True),
        ("ledger:committed", False),
    ],
    # Then one batch per fault past the commit.
    [("ledger:committed", True)],
    [("run:committed", False)],
    [("run:committed", True)],
    [("run:published", False)],
]


def run_cycle(world: World, cycle: int) -> None:
    for number, faults in enumerate(RUN_BATCHES):
        name = f"c{cycle}-b{number}"
        first = (cycle * len(RUN_BATCHES) + number) * BATCH_ROWS
        first %= len(world.requests) - BATCH_ROWS
        manifest = world.sign(name, world.requests[first : first + BATCH_ROWS])
        out = world.root / "out" / name
        argv = ["run", str(world.ws), str(manifest), "--out", str(out)]
        for point, enospc in faults:
            fault_round(world, argv, point, enospc=enospc)
            if point in COMMITTED_AT:
                world.committed[name] = BATCH_ROWS
            check(world)
        recover_response(world, name, out, published=faults[-1][0] == "run:published")


def recover_response(world: World, batch_id: str, out: Path, *, published: bool) -> None:
    """``taxgate response`` writes a committed batch's response again, byte for byte."""
    again = world.root / "again" / batch_id
    code, log = world.server.run("response", str(world.ws), batch_id, "--out", str(again))
    assert code == 0, log
    if published:
        assert (out / "response.csv").read_bytes() == (again / "response.csv").read_bytes()
    code, log = world.server.run("response", str(world.ws), batch_id, "--out", str(out))
    assert code == 0, log
    with (out / "response.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == BATCH_ROWS
    no_staged_files(out)


def pending(world: World, batch_id: str) -> list[str]:
    with _store(world) as store:
        return [p.request_id for p in pending_reviews(store, batch_id=batch_id)]


def approve_argv(world: World, batch_id: str, request_id: str) -> list[str]:
    argv = ["review", "approve", str(world.ws), "--batch", batch_id, "--request", request_id]
    out = world.root / "supplements"
    return [*argv, "--reviewer", "j.doe", "--why", "dob confirmed", "--out", str(out)]


REVIEW_PLANS = [
    # One review killed where its release was checked (``_approvable``), a full disk there,
    # killed at the commit, a full disk at the commit, then killed just past it.
    [
        ("review:checked", True),
        ("review:commit", False),
        ("review:commit", True),
        ("ledger:committed", False),
    ],
    # Then one review per fault past the commit.
    [("ledger:committed", True)],
    [("review:committed", False)],
    [("review:committed", True)],
    [("review:written", False)],
]


def review_cycle(world: World, batch_id: str, queue: list[str]) -> None:
    for faults in REVIEW_PLANS:
        request_id = _approvable(world, batch_id, queue)
        for point, enospc in faults:
            fault_round(world, approve_argv(world, batch_id, request_id), point, enospc=enospc)
            if point in COMMITTED_AT:
                world.approved.add((batch_id, request_id))
            check(world)
        assert request_id not in pending(world, batch_id)
        recover_supplement(world, batch_id, request_id)


def _approvable(world: World, batch_id: str, queue: list[str]) -> str:
    """The next pending review an approval may release (one refused records nothing)."""
    while queue:
        request_id = queue.pop(0)
        argv = approve_argv(world, batch_id, request_id)
        code, log = world.server.run(*argv, fault="review:checked")
        if code == KILLED:
            world.rounds.append("review approve review:checked")
            check(world)
            return request_id
        assert code == DisclosureRefused.exit_code, log
    raise AssertionError("the batch holds too few reviews an approval may release")


def recover_supplement(world: World, batch_id: str, request_id: str) -> None:
    out = world.root / "supplements-again"
    argv = ["review", "supplement", str(world.ws), "--batch", batch_id]
    code, log = world.server.run(*argv, "--request", request_id, "--out", str(out))
    assert code == 0, log
    name = supplement_file_name(batch_id, request_id)
    written, again = world.root / "supplements" / name, out / name
    if written.exists():
        assert written.read_bytes() == again.read_bytes()
    no_staged_files(out)


def test_no_fault_at_any_stage_boundary_loses_or_repeats_a_decision(world: World) -> None:
    # A first batch, run whole: its requests held for review feed the review rounds.
    name = "reviews"
    manifest = world.sign(name, world.requests[:REVIEW_BATCH_ROWS])
    out = world.root / "out" / name
    assert world.server.run("run", str(world.ws), str(manifest), "--out", str(out))[0] == 0
    world.committed[name] = REVIEW_BATCH_ROWS
    check(world)
    queue = pending(world, name)
    run_cycle(world, 0)
    for _ in range(3):
        review_cycle(world, name, queue)
    points = {r.split()[-1].removesuffix(ENOSPC_SUFFIX) for r in world.rounds}
    assert {*RUN_POINTS, *REVIEW_POINTS} <= points
    assert len(world.rounds) >= 50, world.rounds
