"""Every long command in a real (pseudo-)terminal, and piped: exit 0, no traceback.

CI has no terminal, so Rich's live display never ran there, and ``taxgate run`` crashed at
its first stage in every terminal (issue 15). These tests give the commands a terminal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from taxgate.app.review import pending_reviews
from taxgate.cli.main import run_cli
from taxgate.store import Store
from taxgate.workspace import Workspace

from .terminal import Finished, in_terminal, piped

# The smallest world whose batch trains a sensible model and holds a request for review.
TAXPAYERS, REQUESTS, SEED = 1_000, 200, 1
SIGNER = "ice-director"
ANSI = re.compile(r"\x1b\[")


@dataclass(frozen=True)
class World:
    root: Path
    world: Path
    keys: Path

    def workspace(self, name: str) -> Path:
        ws = self.root / name
        assert run_cli(["init", str(ws)]) == 0
        public = str(self.keys / f"{SIGNER}.pub.pem")
        assert run_cli(["agreement", "add-signer", str(ws), "--name", SIGNER,
                        "--public-key", public, "--valid-from", "2025-04-07"]) == 0  # fmt: skip
        return ws


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("terminal")
    keys, world = root / "keys", root / "world"
    assert run_cli(["keys", "new", str(keys), "--name", SIGNER]) == 0
    assert run_cli(["synth", str(world), "--taxpayers", str(TAXPAYERS), "--requests",
                    str(REQUESTS), "--seed", str(SEED), "--sign-key",
                    str(keys / f"{SIGNER}.key.pem"), "--signer", SIGNER]) == 0  # fmt: skip
    return World(root, world, keys)


def assert_clean(finished: Finished) -> None:
    assert "Traceback" not in finished.output, finished.output
    assert finished.code == 0, finished.output


def test_long_commands_in_a_terminal(world: World) -> None:
    ws = world.workspace("ws-terminal")
    manifest = str(world.world / "manifest.json")
    loaded = in_terminal("master", "load", str(ws), str(world.world / "master"), cwd=world.root)
    assert_clean(loaded)
    assert ANSI.search(loaded.output), "the live display did not run: no terminal?"
    assert_clean(in_terminal("screen", str(ws), manifest, "--out", "screened", cwd=world.root))
    ran = in_terminal("run", str(ws), manifest, "--out", "out", cwd=world.root)
    assert_clean(ran)
    assert "response: out/response.csv" in ran.output
    with Store.open(Workspace.open(ws).store_path) as store:
        pending = pending_reviews(store)
    assert pending, "the world held no request for review; choose another seed"
    approved = in_terminal(
        *("review", "approve", str(ws), "--batch", pending[0].batch_id),
        *("--request", pending[0].request_id, "--reviewer", "j.doe", "--why", "checked"),
        *("--out", "supplements"),
        cwd=world.root,
    )
    assert_clean(approved)
    assert "approved by j.doe" in approved.output


def test_demo_in_a_terminal(tmp_path: Path) -> None:
    demo = in_terminal(
        *("demo", "--out", "demo-small", "--taxpayers", str(TAXPAYERS)),
        *("--requests", str(REQUESTS)),
        cwd=tmp_path,
    )
    assert_clean(demo)
    assert "ledger: verified" in demo.output


def test_run_outside_a_terminal_prints_one_line_per_stage(world: World) -> None:
    ws = world.workspace("ws-piped")
    code, _, err = piped("master", "load", str(ws), str(world.world / "master"), cwd=world.root)
    assert code == 0, err
    code, out, err = piped("run", str(ws), str(world.world / "manifest.json"), "--out", "o",
                           cwd=world.root)  # fmt: skip
    assert code == 0, err
    assert "Traceback" not in err
    assert not ANSI.search(err) and not ANSI.search(out)
    stages = [line.split()[-1] for line in err.splitlines() if re.match(r"^ *\d+\.\ds  ", line)]
    assert stages[:2] == ["intake", "screening"]
    assert "commit" in stages
    assert out.startswith("batch ")
    code, out, err = piped("batch", "list", str(ws), cwd=world.root)
    assert code == 0, err
    lines = out.splitlines()
    assert re.fullmatch(
        rf"[0-9a-f-]{{36}}  ICE, received [\d-]{{10}}, {REQUESTS} requests", lines[0]
    )
    disclosed, not_disclosed, rejected = (int(n) for n in re.findall(r"\d+", lines[1]))
    assert disclosed + not_disclosed + rejected == REQUESTS
    assert max(len(line) for line in lines) <= 80
