"""The README's commands, run in order in a pseudo-terminal as a new user would type them,
on a small world: each finishes with exit 0 and without a traceback (issue 15, Acceptance).

Every taxgate command the README names must be run here: a command added to the README
fails this test until it is added to the script below. ``make demo`` and ``make test`` are
make targets; the demo itself runs in a terminal in ``test_terminal.py``.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from taxgate.disclosure.reviews import supplement_file_name
from taxgate.errors import DisclosureRefused, LedgerError

from .terminal import Finished, in_terminal, program_in_terminal

README = Path(__file__).resolve().parents[2] / "README.md"
GROUPS = {
    "master",
    "model",
    "keys",
    "agreement",
    "batch",
    "ledger",
    "review",
    "user",
    "token",
    "witness",
}
SIGNER = "ice-director"
# Not run here: the demo (test_terminal.py runs it in a terminal) and the service, which runs
# until stopped (tests/cli/test_serve_cmd.py starts it; tests/service/ drive it).
ELSEWHERE = {"demo", "serve"}


def readme_commands() -> set[str]:
    """Every ``taxgate`` command the README shows in code, as ``name`` or ``group name``."""
    text = README.read_text(encoding="utf-8")
    fenced = re.compile(r"^```\w*\n(.*?)^```", flags=re.DOTALL | re.MULTILINE)
    code = fenced.findall(text) + re.findall(r"`([^`]+)`", fenced.sub("", text))
    named = set()
    for match in re.finditer(r"\btaxgate ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?", "\n".join(code)):
        first, second = match.groups()
        named.add(f"{first} {second}" if first in GROUPS and second else first)
    # "More: ... `taxgate hold`, `withhold`, `recall`, `ledger proof`, ...": bare names.
    more = text[text.index("More: `taxgate synth") :].split("\n\n", 1)[0]
    for span in re.findall(r"`([a-z][a-z -]*)`", more):
        words = span.removeprefix("taxgate ").split()
        named.add(" ".join(words[:2]) if words[0] in GROUPS else words[0])
    return named - GROUPS


class Session:
    """A user's terminal session in one folder: every command it ran, and their outputs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.ran: set[str] = set()

    def taxgate(self, *argv: str, allowed: tuple[int, ...] = (0,)) -> Finished:
        done = in_terminal(*argv, cwd=self.root)
        assert "Traceback" not in done.output, done.output
        assert done.code in allowed, f"taxgate {' '.join(argv)} exited {done.code}\n{done.output}"
        words = [a for a in argv[:2] if not a.startswith("-")] or [argv[0]]
        self.ran.add(" ".join(words[:2]) if words[0] in GROUPS else words[0])
        return done

    def program(self, *argv: str) -> None:
        done = program_in_terminal(list(argv), cwd=self.root)
        assert done.code == 0 and "Traceback" not in done.output, done.output


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_the_readme_commands_run_in_a_terminal(tmp_path: Path) -> None:
    s = Session(tmp_path)
    key, public = f"keys/{SIGNER}.key.pem", f"keys/{SIGNER}.pub.pem"
    s.taxgate("--help")
    s.taxgate("--version")
    s.taxgate("keys", "new", "keys", "--name", SIGNER)
    s.taxgate("synth", "world", "--taxpayers", "1000", "--requests", "200", "--seed", "2")
    s.taxgate("init", "ws")
    s.taxgate("agreement", "add-signer", "ws", "--name", SIGNER, "--public-key", public,
              "--valid-from", "2025-04-07")  # fmt: skip
    s.taxgate("agreement", "show", "ws")
    s.taxgate("agreement", "adopt", "ws")  # nothing to adopt: init and add-signer did
    s.taxgate("master", "load", "ws", "world/master")
    s.taxgate("model", "train", "ws")
    s.taxgate("model", "show", "ws")
    s.taxgate("batch", "sign", "world/requests.csv", "--key", key, "--signer", SIGNER,
              "--out", "world/manifest.json")  # fmt: skip
    batch = json.loads((tmp_path / "world" / "manifest.json").read_text())["batch_id"]
    s.taxgate("batch", "verify", "ws", "world/manifest.json")
    s.taxgate("screen", "ws", "world/manifest.json", "--out", "screened")
    s.taxgate("run", "ws", "world/manifest.json", "--out", "out")
    s.taxgate("decisions", "ws", batch, "--out", "decisions.parquet")
    s.taxgate("response", "ws", batch, "--out", "again")
    s.taxgate("batch", "list", "ws")
    s.taxgate("ledger", "verify", "ws")
    witness = ["witness/state.json", "--key", "witness/w.key.pem"]
    s.taxgate("witness", "init", *witness, "--name", "oversight.example/w1",
              "--log-key", "ws/keys/ledger.vkey")  # fmt: skip
    s.taxgate("ledger", "witness-request", "ws", "--old", "0", "--out", "request.txt")
    s.taxgate("witness", "cosign", *witness, "--request", "request.txt", "--out", "cosigned.txt")
    s.taxgate("ledger", "add-cosignature", "ws", "--note", "cosigned.txt")
    held = ["--witness-state", "witness/state.json", "--checkpoints", "out/checkpoint.txt"]
    s.taxgate("ledger", "verify", "ws", "--trusted-key", "ws/keys/ledger.pub.pem", *held)
    # A workspace made by this taxgate signs C2SP checkpoints already: nothing to migrate.
    s.taxgate("ledger", "migrate", "ws", allowed=(LedgerError.exit_code,))
    s.taxgate("ledger", "proof", "ws", "--index", "3")
    s.taxgate("accounting", "ws")
    s.taxgate("accounting", "ws", "--stats", str(datetime.now(UTC).year))
    s.taxgate("report", "ws", batch, "--out", "report.html")
    s.taxgate("score", "out/response.csv", "world/truth.parquet")
    s.taxgate("review", "list", "ws")
    listed = s.taxgate("review", "list", "ws", "--batch", batch).output
    pending = re.findall(r"R\d{7}", listed)
    assert len(pending) >= 2, listed
    approve = ["review", "approve", "ws", "--batch", batch, "--reviewer", "j.doe"]
    for request in pending[:-1]:
        s.taxgate(*approve, "--request", request, "--why", "checked", "--out", "supplements",
                  allowed=(0, DisclosureRefused.exit_code))  # fmt: skip
        if (tmp_path / "supplements" / supplement_file_name(batch, request)).exists():
            s.taxgate("explain", "ws", request)
            break
    s.taxgate("review", "decline", "ws", "--batch", batch, "--request", pending[-1],
              "--reviewer", "j.doe", "--why", "not the same person")  # fmt: skip
    disclosed = next(
        line.split(",")[0]
        for line in (tmp_path / "out" / "response.csv").read_text().splitlines()
        if ",DISCLOSED," in line
    )
    s.taxgate("explain", "ws", disclosed, "--json")
    s.taxgate("hold", "ws", "--requester", "USMS", "--order", "Order No. 1")
    s.taxgate("hold", "ws")
    s.taxgate("withhold", "ws", "--tin", "900000001", "--why", "informant")
    s.taxgate("recall", "ws", "--batch", batch, "--request", disclosed, "--why", "wrong person")
    s.taxgate("user", "add", "ws", "--name", "root", "--role", "administrator",
              "--password", "a long enough password")  # fmt: skip
    s.taxgate("user", "list", "ws")
    s.taxgate("token", "add", "ws", "--name", "ice-system", "--requester", "ICE")
    s.taxgate("agreement", "revoke-signer", "ws", "--name", SIGNER)
    s.taxgate("ledger", "verify", "ws")

    # Signing a batch with OpenSSL alone (the README's block), verified by OpenSSL.
    shutil.copy(tmp_path / "world" / "manifest.json", tmp_path / "manifest.json")
    s.program("sh", "-c", "umask 077; openssl ecparam -name prime256v1 -genkey -noout | "
              "openssl pkcs8 -topk8 -nocrypt -out k.pem")  # fmt: skip
    s.program("openssl", "pkey", "-in", "k.pem", "-pubout", "-out", "k.pub.pem")
    s.program("openssl", "dgst", "-sha256", "-sign", "k.pem", "-out", "manifest.json.sig",
              "manifest.json")  # fmt: skip
    s.program("openssl", "dgst", "-sha256", "-verify", "k.pub.pem", "-signature",
              "manifest.json.sig", "manifest.json")  # fmt: skip

    missing = readme_commands() - s.ran - ELSEWHERE
    assert not missing, f"README commands this test does not run: {sorted(missing)}"
