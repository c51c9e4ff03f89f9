"""The service under load (issue 17 item 5): a long review queue read by concurrent users, and
one batch answered through the API against ``taxgate run`` on the same batch.

``queue``: a fresh workspace whose DuckDB store is seeded *directly* with a review queue of
``--items`` pending REVIEW decisions (10 batches committed 1 to 40 days ago, four reasons),
another 10 % already decided (a REVIEW_DECIDED ledger row each) and three other ledger rows
per request, as a run would leave them. The rows are synthetic (random TINs, no master file,
ledger rows with no valid hashes: the ledger does not verify, and nothing here asks it to);
they exist so that the queue's SQL meets a queue and a ledger of that size. Then
``taxgate serve`` runs in its own process, ``--users`` analysts sign in (password + TOTP) and
each, on its own thread, asks ``--pages`` pages: the API page (``GET /api/reviews``, 50 items)
and the workbench page (``GET /workbench``, 200 items), each with a random offset and a random
filter (none, a batch, a reason, an age, or two together). Latency is from the request sent to
the body read, per page. A one-user pass runs first for the unloaded figure.

``batch``: ``taxgate synth`` (signed) → init → add-signer → master load, then the same signed
batch answered twice on copies of that workspace: ``taxgate run`` in a fresh process, and
through a fresh ``taxgate serve``: upload (``POST /api/batches``) until the job is DONE. The
two response files are compared byte for byte.

Usage:
    python bench/service_load.py queue --work /tmp/svc-load [--items 100000] [--users 20]
    python bench/service_load.py batch --work /tmp/svc-batch [--taxpayers 20000] [--requests 5000]
        [--pairs 2] [--reuse]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2
import pyarrow as pa

from taxgate.disclosure.records import DECISION_SCHEMA, runs_ddl_sql
from taxgate.ledger.log import Ledger
from taxgate.records import RecordStore, default_database_url
from taxgate.records.credentials import totp_now
from taxgate.records.users import add_token, add_user
from taxgate.service.auth import SESSION_COOKIE
from taxgate.store import Store
from taxgate.workspace import Workspace

BIN = Path(sys.executable).parent
PASSWORD = "a long enough password for the bench"
REASONS = ("AMBIGUOUS", "BORDERLINE", "DOB_SLIP", "BATCH_FLAGGED")
BATCHES = 10
AGES = (None, 1, 24, 168, 720)


def taxgate(work: Path, *argv: str) -> None:
    """Run the CLI in a fresh process (ledger keys under the work folder, not the home)."""
    env = {**os.environ, "XDG_CONFIG_HOME": str(work / "config")}
    subprocess.run([str(BIN / "taxgate"), *argv], check=True, env=env, capture_output=True)


def seed_queue(ws: Workspace, items: int, now: datetime) -> list[str]:
    """Seed ``items`` pending reviews (and 10 % decided) into the store; the batch ids."""
    rng = random.Random(17)
    per_batch = -(-items // BATCHES)
    decided_share = 0.1
    batch_ids = [f"LOAD-{n:02d}" for n in range(BATCHES)]
    with Store.open(ws.store_path) as store:
        store.execute(runs_ddl_sql())
        Ledger(store).ensure_schema()
        row = store.fetchone("SELECT coalesce(max(idx) + 1, 0) FROM ledger_entries")
        idx = 0 if row is None else int(row[0])  # after init's own entries
        for n, batch_id in enumerate(batch_ids):
            received = now - timedelta(days=1 + 4 * n, hours=rng.randint(0, 23))
            rows = int(per_batch * (1 + decided_share))
            _insert_batch(store, batch_id, received, rows)
            store.insert_arrow("decisions", _decisions(batch_id, rows, rng))
            idx = _insert_ledger(store, batch_id, rows, int(per_batch * decided_share), idx)
    return batch_ids


def _insert_batch(store: Store, batch_id: str, received: datetime, rows: int) -> None:
    as_of = received.date()
    values = [batch_id, "ICE", "bench", "m", "r", rows, as_of, as_of, received.isoformat()]
    tail = ["COMMITTED", [], "model", "policy", "irs-ice-2025", "v1", "{}", False]
    marks = ", ".join("?" for _ in range(17))
    store.execute(f"INSERT INTO batches VALUES ({marks})", [*values, *tail])


def _decisions(batch_id: str, rows: int, rng: random.Random) -> pa.Table:
    names = [f.name for f in DECISION_SCHEMA]
    columns: dict[str, list[object]] = {name: [None] * rows for name in names}
    columns["batch_id"] = [batch_id] * rows
    columns["row"] = list(range(1, rows + 1))
    columns["request_id"] = [f"R{n:07d}" for n in range(1, rows + 1)]
    columns["decision"] = ["REVIEW"] * rows
    columns["outcome"] = ["NOT_DISCLOSED"] * rows
    columns["reason"] = [rng.choice(REASONS) for _ in range(rows)]
    columns["tin"] = [f"{rng.randrange(10**9):09d}" for _ in range(rows)]
    columns["match_weight"] = [rng.uniform(5, 25) for _ in range(rows)]
    columns["margin"] = [rng.uniform(0, 8) for _ in range(rows)]
    columns["as_of"] = ["2026-11-30"] * rows
    return pa.Table.from_pydict(columns, schema=DECISION_SCHEMA)


def _insert_ledger(store: Store, batch_id: str, rows: int, decided: int, start: int) -> int:
    """Three ledger rows per request, and a REVIEW_DECIDED row for the first ``decided``."""
    kinds = ("REQUEST_SCREENED", "REQUEST_MATCHED", "REQUEST_DECIDED")
    entries = [(k, r) for r in range(1, rows + 1) for k in kinds]
    entries += [("REVIEW_DECIDED", r) for r in range(1, decided + 1)]
    n = len(entries)
    table = pa.table(
        {
            "idx": pa.array(range(start, start + n), pa.int64()),
            "kind": [k for k, _ in entries],
            "logged_at": ["2026-12-01T00:00:00.000000Z"] * n,
            "batch_id": [batch_id] * n,
            "request_id": [f"R{r:07d}" for _, r in entries],
            "attrs": ['{"decision": "DECLINED"}'] * n,
            "record_hash": pa.array([None] * n, pa.string()),
            "leaf_hash": pa.array([b"\0" * 32] * n, pa.binary()),
        }
    )
    store.insert_arrow("ledger_entries", table)
    return start + n


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """``taxgate serve`` in its own process."""

    ws: Path
    work: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        env = {**os.environ, "XDG_CONFIG_HOME": str(self.work / "config")}
        argv = [str(BIN / "taxgate"), "serve", str(self.ws), "--port", str(self.port)]
        self.process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx2.get(f"{self.base}/openapi.json", timeout=1)
                return self
            except httpx2.TransportError:
                time.sleep(0.2)
        raise RuntimeError("taxgate serve did not answer in 60 s")

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=30)


def analysts(ws: Workspace, count: int) -> dict[str, str]:
    """``count`` analysts in the record store: name → TOTP secret."""
    records = RecordStore.open(default_database_url(ws.root))
    found = {}
    with records.begin() as conn:
        for n in range(count):
            name = f"analyst-{n:02d}"
            new = add_user(
                conn, username=name, role="analyst", password=PASSWORD, now=datetime.now(UTC)
            )
            found[name] = new.totp_secret
    records.close()
    return found


def sign_in(base: str, name: str, secret: str) -> httpx2.Client:
    """A client carrying the session cookie (set by hand: it is Secure, and this is http)."""
    client = httpx2.Client(base_url=base, timeout=60)
    answer = client.post(
        "/api/session",
        json={
            "username": name,
            "password": PASSWORD,
            "totp": totp_now(secret, at=datetime.now(UTC)),
        },
    )
    answer.raise_for_status()
    session = answer.cookies.get(SESSION_COOKIE) or _cookie(answer)
    client.headers["Cookie"] = f"{SESSION_COOKIE}={session}"
    return client


def _cookie(answer: httpx2.Response) -> str:
    header = answer.headers["set-cookie"]
    return header.split(";", 1)[0].split("=", 1)[1]


def one_page(
    client: httpx2.Client, rng: random.Random, batches: list[str], items: int
) -> tuple[str, float]:
    """Ask one random page; (which page, seconds)."""
    params: dict[str, str | int] = {}
    pick = rng.randrange(5)
    if pick in (1, 4):
        params["batch"] = rng.choice(batches)
    if pick in (2, 4):
        params["reason"] = rng.choice(REASONS)
    if pick == 3:
        age = rng.choice(AGES[1:])
        assert age is not None
        params["min_age_hours"] = age
    workbench = rng.random() < 0.5
    span = items // (BATCHES if "batch" in params else 1) // (4 if "reason" in params else 1)
    if workbench:
        params["offset"] = rng.randrange(0, max(1, span - 200), 200)
        path = "/workbench"
    else:
        params["offset"] = rng.randrange(0, max(1, span - 50))
        params["limit"] = 50
        path = "/api/reviews"
    started = time.perf_counter()
    answer = client.get(path, params=params)
    answer.read()
    took = time.perf_counter() - started
    if answer.status_code != 200:
        raise RuntimeError(f"{path} answered {answer.status_code}: {answer.text[:200]}")
    return path, took


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far (user + system, all its threads), from ``/proc``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Pass:
    """One pass of the load: latencies by page, the wall time, and the CPU seconds the
    server process and this client process spent in it (they share the machine's cores)."""

    found: dict[str, list[float]]
    wall: float
    server_cpu: float
    client_cpu: float

    def cpu(self) -> dict[str, float]:
        pages = sum(len(v) for v in self.found.values())
        return {
            "server_cpu_s": round(self.server_cpu, 2),
            "client_cpu_s": round(self.client_cpu, 2),
            "server_cpu_ms_per_page": round(1000 * self.server_cpu / pages, 1),
            "client_cpu_ms_per_page": round(1000 * self.client_cpu / pages, 1),
        }


def load(
    server: Server, users: dict[str, str], *, pages: int, batches: list[str], items: int
) -> Pass:
    """Every user on its own thread asks ``pages`` pages at once: latencies by page, wall
    time, and the server's and this client's CPU seconds over the pages (not the sign-ins)."""
    assert server.process is not None
    clients = [sign_in(server.base, name, secret) for name, secret in users.items()]
    found: dict[str, list[float]] = {"/api/reviews": [], "/workbench": []}
    lock = threading.Lock()
    start = threading.Barrier(len(clients))

    def user(n: int) -> None:
        rng = random.Random(1000 + n)
        start.wait()
        for _ in range(pages):
            path, took = one_page(clients[n], rng, batches, items)
            with lock:
                found[path].append(took)

    began = time.perf_counter()
    server_began, client_began = cpu_seconds(server.process.pid), time.process_time()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        for done in [pool.submit(user, n) for n in range(len(clients))]:
            done.result()
    wall = time.perf_counter() - began
    server_cpu = cpu_seconds(server.process.pid) - server_began
    client_cpu = time.process_time() - client_began
    for client in clients:
        client.close()
    return Pass(found, wall, server_cpu, client_cpu)


def summary(latencies: list[float]) -> dict[str, float]:
    """p50, p95 and max in milliseconds, and the count."""
    ordered = sorted(latencies)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "pages": len(ordered),
        "p50_ms": round(q[49] * 1000, 1),
        "p95_ms": round(q[94] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def queue_bench(args: argparse.Namespace) -> dict[str, object]:
    work: Path = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    taxgate(work, "init", str(work / "ws"))
    ws = Workspace.open(work / "ws")
    began = time.perf_counter()
    batches = seed_queue(ws, args.items, datetime.now(UTC))
    seeded = time.perf_counter() - began
    users = analysts(ws, args.users)
    out: dict[str, object] = {"items": args.items, "seed_s": round(seeded, 1)}
    with Server(ws.root, work) as server:
        alone = load(
            server, dict(list(users.items())[:1]), pages=40, batches=batches, items=args.items
        )
        out["one_user"] = {path: summary(v) for path, v in alone.found.items()}
        out["one_user_cpu"] = alone.cpu()
        many_pass = load(server, users, pages=args.pages, batches=batches, items=args.items)
        found = many_pass.found
        many = {path: summary(v) for path, v in found.items()}
        many["all"] = summary([t for v in found.values() for t in v])
        out[f"{len(users)}_users"] = many
        out[f"{len(users)}_users_cpu"] = many_pass.cpu()
        out["wall_s"] = round(many_pass.wall, 1)
        out["pages_per_s"] = round(sum(len(v) for v in found.values()) / many_pass.wall, 1)
    return out


SIGNER = "ice-director"


def prepare_world(work: Path, taxpayers: int, requests: int) -> Path:
    """keys → synth (signed) → init → add-signer → master load; the workspace to copy."""
    keys, world, ws = work / "keys", work / "world", work / "ws"
    taxgate(work, "keys", "new", str(keys), "--name", SIGNER)
    taxgate(
        work,
        "synth",
        str(world),
        "--taxpayers",
        str(taxpayers),
        "--requests",
        str(requests),
        "--seed",
        "17",
        "--sign-key",
        str(keys / f"{SIGNER}.key.pem"),
        "--signer",
        SIGNER,
    )
    taxgate(work, "init", str(ws))
    public = str(keys / f"{SIGNER}.pub.pem")
    add = ["agreement", "add-signer", str(ws), "--name", SIGNER, "--public-key", public]
    taxgate(work, *add, "--valid-from", "2025-04-07")
    taxgate(work, "master", "load", str(ws), str(world / "master"))
    return ws


def cli_run(work: Path, ws: Path, manifest: Path, n: int) -> tuple[float, bytes]:
    """``taxgate run`` on a copy, in a fresh process: (seconds, response bytes)."""
    copy, out = work / f"ws-cli-{n}", work / f"out-cli-{n}"
    shutil.copytree(ws, copy)
    began = time.perf_counter()
    taxgate(work, "run", str(copy), str(manifest), "--out", str(out))
    return time.perf_counter() - began, (out / "response.csv").read_bytes()


def api_run(work: Path, ws: Path, world: Path, n: int) -> tuple[float, bytes]:
    """Upload to a fresh ``taxgate serve`` on a copy until the job is DONE: (seconds, bytes)."""
    copy = work / f"ws-api-{n}"
    shutil.copytree(ws, copy)
    manifest = json.loads((world / "manifest.json").read_text())
    records = RecordStore.open(default_database_url(copy))
    with records.begin() as conn:
        token = add_token(
            conn,
            name="agency-system",
            role="submitter",
            requester=manifest["requesting_agency"],
            created_by="bench",
            now=datetime.now(UTC),
        )
    records.close()
    names = ("manifest.json", "manifest.json.sig", manifest["request_file"])
    files = {
        key: (name, (world / name).read_bytes())
        for key, name in zip(("manifest", "signature", "requests"), names, strict=True)
    }
    with Server(copy, work) as server:
        client = httpx2.Client(
            base_url=server.base, timeout=600, headers={"Authorization": f"Bearer {token}"}
        )
        began = time.perf_counter()
        job = client.post("/api/batches", files=files).raise_for_status().json()
        while job["state"] not in ("DONE", "FAILED"):
            time.sleep(0.1)
            job = client.get(f"/api/jobs/{job['job_id']}").raise_for_status().json()
        took = time.perf_counter() - began
        client.close()
    if job["state"] != "DONE":
        raise RuntimeError(f"the job failed: {job['error']}")
    return took, (copy / "service" / "responses" / job["job_id"] / "response.csv").read_bytes()


def batch_bench(args: argparse.Namespace) -> dict[str, object]:
    work: Path = args.work
    began = time.perf_counter()
    if args.reuse and (work / "ws").is_dir():
        for old in [*work.glob("ws-cli*"), *work.glob("ws-api*"), *work.glob("out-cli*")]:
            shutil.rmtree(old)
        ws = work / "ws"
    else:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        ws = prepare_world(work, args.taxpayers, args.requests)
    prepared = time.perf_counter() - began
    # Alternate CLI, API, CLI, API, ... so that a change in the machine's load falls on both.
    cli: list[float] = []
    api: list[float] = []
    same = True
    for n in range(args.pairs):
        cli_s, cli_bytes = cli_run(work, ws, work / "world" / "manifest.json", n)
        api_s, api_bytes = api_run(work, ws, work / "world", n)
        cli.append(cli_s)
        api.append(api_s)
        same = same and cli_bytes == api_bytes
    cli_mean, api_mean = statistics.mean(cli), statistics.mean(api)
    return {
        "taxpayers": args.taxpayers,
        "requests": args.requests,
        "prepare_s": round(prepared, 1),
        "cli_run_s": [round(x, 1) for x in cli],
        "api_upload_to_done_s": [round(x, 1) for x in api],
        "api_vs_cli_mean": f"{(api_mean - cli_mean) / cli_mean:+.1%}",
        "same_response_bytes": same,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    queue = sub.add_parser("queue", help="a long review queue read by concurrent users")
    queue.add_argument("--work", type=Path, required=True)
    queue.add_argument("--items", type=int, default=100_000)
    queue.add_argument("--users", type=int, default=20)
    queue.add_argument("--pages", type=int, default=25, help="pages each user asks")
    batch = sub.add_parser("batch", help="one batch: the API against taxgate run")
    batch.add_argument("--work", type=Path, required=True)
    batch.add_argument("--taxpayers", type=int, default=20_000)
    batch.add_argument("--requests", type=int, default=5_000)
    batch.add_argument("--pairs", type=int, default=2, help="CLI/API runs, alternated")
    batch.add_argument("--reuse", action="store_true", help="keep WORK/ws from a previous run")
    args = parser.parse_args()
    result = queue_bench(args) if args.what == "queue" else batch_bench(args)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
