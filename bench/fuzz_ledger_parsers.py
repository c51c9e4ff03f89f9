"""Fuzzing of the ledger's parsers: signed notes, checkpoints, export lines, witness requests
(consistency proofs), ``proofs.json`` (inclusion proofs), verifier keys and witness states.

Each target feeds one input to one parser, then to the verifiers behind it, and lets only a
``TaxgateError`` pass: anything else that escapes (``RecursionError``, ``ValueError``,
``IndexError``, ...) is counted by class and place, and the first input of each kind is kept
under ``--crashes``. With atheris installed (``--engine atheris``, the default when it is),
the fuzzing is coverage-guided; otherwise (``--engine mutate``) a seeded mutator flips,
inserts, deletes, repeats and splices bytes and lines of valid inputs, which is what CI runs
(``tests/ledger/test_fuzz_parsers.py``).

Usage:
    python bench/fuzz_ledger_parsers.py TARGET [--inputs 1000000] [--seed 1]
        [--engine atheris|mutate] [--summary FILE] [--crashes DIR]
    python bench/fuzz_ledger_parsers.py --list
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import os
import random
import sys
import tempfile
import time
import traceback
import types
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from taxgate.errors import TaxgateError
from taxgate.ledger.checkpoint import (
    CheckpointKey,
    from_note,
    note_cosignatures,
    parse_export_line,
)
from taxgate.ledger.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion
from taxgate.ledger.note import COSIGNATURE_V1, NoteSigner, parse_note, parse_vkey
from taxgate.ledger.receipts import PROOFS_FORMAT, parse_proofs
from taxgate.ledger.witness import STATE_FORMAT, add_checkpoint_body, parse_add_checkpoint

Target = Callable[[bytes], object]

_LOG = CheckpointKey(Ed25519PrivateKey.from_private_bytes(b"\x01" * 32), "taxgate/fuzz/0001")
_WITNESS = NoteSigner(
    "oversight.example/w1", Ed25519PrivateKey.from_private_bytes(b"\x02" * 32), COSIGNATURE_V1
)
_TREE = MerkleTree([leaf_hash(bytes([i])) for i in range(11)])


def fuzz_note(data: bytes) -> None:
    note = parse_note(data)
    for signature in note.signatures:
        _LOG.public_key.verifier(signature.name).verify(note.text, signature)
        _WITNESS.verifier.verify(note.text, signature)
    note.render()


def fuzz_checkpoint(data: bytes) -> None:
    checkpoint = from_note(data)
    _LOG.public_key.verify(checkpoint)
    note_cosignatures(data)
    checkpoint.signed_note()


def fuzz_export_line(data: bytes) -> None:
    _LOG.public_key.verify(parse_export_line(data.decode("utf-8", "replace")))


def fuzz_witness_request(data: bytes) -> None:
    request = parse_add_checkpoint(data)
    verify_consistency(request.old_size, 11, _TREE.root(4), _TREE.root(), list(request.proof))
    fuzz_checkpoint(request.note)


def fuzz_proofs(data: bytes) -> None:
    document = parse_proofs(data)
    for proof in document.proofs:
        verify_inclusion(
            leaf_hash(proof.leaf), proof.index, document.tree_size, list(proof.path), document.root
        )


def fuzz_vkey(data: bytes) -> None:
    parse_vkey(data.decode("utf-8", "replace")).vkey()


TARGETS: dict[str, Target] = {
    "note": fuzz_note,
    "checkpoint": fuzz_checkpoint,
    "export-line": fuzz_export_line,
    "witness-request": fuzz_witness_request,
    "proofs": fuzz_proofs,
    "vkey": fuzz_vkey,
}


def seeds(target: str) -> list[bytes]:
    """Valid inputs of each target, for the mutator and atheris to start from."""
    signed = _LOG.sign(seq=1, size=11, root=_TREE.root(), time="2025-08-07T12:00:00.000000Z")
    cosigned = signed.signed_note((_WITNESS.cosign(signed.note_text(), 1_754_568_000),))
    if target in ("note", "checkpoint"):
        return [cosigned.encode(), signed.signed_note().encode()]
    if target == "export-line":
        return [signed.to_json().encode()]
    if target == "witness-request":
        return [
            add_checkpoint_body(4, _TREE.consistency_proof(4), cosigned),
            add_checkpoint_body(0, [], cosigned),
        ]
    if target == "proofs":
        proofs = [
            {
                "request_id": f"R{i}",
                "index": i,
                "leaf": json.dumps({"kind": "DISCLOSURE", "index": i}),
                "path": [base64.b64encode(p).decode() for p in _TREE.inclusion_proof(i)],
            }
            for i in (0, 7, 10)
        ]
        document = {
            "format": PROOFS_FORMAT,
            "batch_id": "B1",
            "origin": _LOG.origin,
            "tree_size": 11,
            "root": base64.b64encode(_TREE.root()).decode(),
            "proofs": proofs,
        }
        return [json.dumps(document, indent=1).encode()]
    if target == "vkey":
        return [_LOG.vkey.encode(), _WITNESS.verifier.vkey().encode(), STATE_FORMAT.encode()]
    raise ValueError(f"no target {target!r}")


class Mutator:
    """Byte- and line-level mutations of a corpus, seeded (the engine without atheris)."""

    def __init__(self, corpus: list[bytes], seed: int) -> None:
        self.corpus = list(corpus)
        self.random = random.Random(seed)

    def next(self) -> bytes:
        data = bytearray(self.random.choice(self.corpus))
        for _ in range(self.random.randint(1, 4)):
            self._mutate(data)
        return bytes(data[:65536])

    def _mutate(self, data: bytearray) -> None:
        rnd = self.random
        at = rnd.randrange(len(data) + 1)
        op = rnd.randrange(8)
        if op == 0 and data:
            data[min(at, len(data) - 1)] ^= 1 << rnd.randrange(8)
        elif op == 1:
            data[at:at] = bytes([rnd.choice(b'\n +-=/{}[]":,0123456789\xe2\x80\x94\x00\xff')])
        elif op == 2 and data:
            del data[at : at + rnd.randint(1, 16)]
        elif op == 3:
            data[at:at] = data[at : at + rnd.randint(1, 64)] * rnd.randint(1, 64)
        elif op == 4:
            lines = bytes(data).split(b"\n")
            rnd.shuffle(lines)
            data[:] = b"\n".join(lines)
        elif op == 5:
            data[at:at] = rnd.choice(self.corpus)[: rnd.randint(0, 200)]
        elif op == 6:
            data[at:at] = rnd.choice([b"[" * 5000, b'{"a":' * 3000, b"9" * 400, b"\xf0\x28\x8c"])
        else:
            data[at:at] = rnd.randbytes(rnd.randint(1, 8))


class Tally:
    """Inputs run and exceptions outside the tree, by kind (class and innermost place)."""

    def __init__(self, target: str, crashes: Path) -> None:
        self.target, self.crashes = target, crashes
        self.inputs = 0
        self.refused = 0
        self.escaped: Counter[str] = Counter()
        self.started = time.monotonic()

    def run(self, data: bytes) -> None:
        try:
            TARGETS[self.target](data)
        except TaxgateError:
            self.refused += 1
        except Exception as error:
            self._escaped(error, data)
        self.inputs += 1

    def _escaped(self, error: Exception, data: bytes) -> None:
        where = traceback.extract_tb(error.__traceback__)[-1]
        kind = f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}"
        if kind not in self.escaped:
            self.crashes.mkdir(parents=True, exist_ok=True)
            name = f"{self.target}-{len(self.escaped)}"
            (self.crashes / name).write_bytes(data)
            print(f"escaped: {kind} (input kept as {self.crashes / name})", file=sys.stderr)
        self.escaped[kind] += 1

    def summary(self) -> dict[str, Any]:
        seconds = time.monotonic() - self.started
        return {
            "target": self.target,
            "inputs": self.inputs,
            "refused_with_taxgate_error": self.refused,
            "escaped": sum(self.escaped.values()),
            "escaped_kinds": dict(self.escaped),
            "seconds": round(seconds, 1),
            "inputs_per_second": round(self.inputs / seconds) if seconds else None,
        }


def run_mutations(target: str, inputs: int, seed: int, crashes: Path) -> Tally:
    """Run ``inputs`` mutated inputs (the seeds first) through ``target``."""
    tally = Tally(target, crashes)
    corpus = seeds(target)
    for data in corpus:
        tally.run(data)
    mutator = Mutator(corpus, seed)
    while tally.inputs < inputs:
        tally.run(mutator.next())
    return tally


def _run_atheris(target: str, inputs: int, seed: int, crashes: Path, summary: Path | None) -> None:
    import atheris  # type: ignore[import-not-found, import-untyped, unused-ignore]

    _instrument_taxgate(atheris)
    tally = Tally(target, crashes)
    corpus = Path(tempfile.mkdtemp(prefix=f"taxgate-fuzz-{target}-"))
    for i, data in enumerate(seeds(target)):
        (corpus / f"seed-{i}").write_bytes(data)

    def one_input(data: bytes) -> None:
        tally.run(data)
        if tally.inputs >= inputs:
            _finish(tally, summary)

    atheris.Setup([sys.argv[0], str(corpus), f"-seed={seed}", "-max_len=8192"], one_input)
    atheris.Fuzz()


def _instrument_taxgate(atheris: Any) -> int:
    """Add coverage instrumentation to every taxgate function already imported.

    taxgate is imported above, before the engine is chosen, so ``instrument_imports`` comes
    too late; without this, libFuzzer sees no coverage, keeps no input, and mutates a single
    byte blindly (the parsers then refuse nearly every input at their first check).
    """
    functions = [
        obj
        for obj in gc.get_objects()
        if isinstance(obj, types.FunctionType)
        and str(getattr(obj, "__module__", "") or "").startswith("taxgate")
    ]
    for function in functions:
        atheris.instrument_func(function)
    print(f"instrumented {len(functions)} taxgate functions", file=sys.stderr)
    return len(functions)


def _finish(tally: Tally, summary_path: Path | None) -> None:
    text = json.dumps(tally.summary(), indent=2)
    print(text, flush=True)
    if summary_path is not None:
        summary_path.write_text(text + "\n")
    sys.stderr.flush()
    os._exit(1 if tally.escaped else 0)


def _has_atheris() -> bool:
    try:
        import atheris  # type: ignore[import-not-found, import-untyped, unused-ignore]  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", choices=sorted(TARGETS))
    parser.add_argument("--list", action="store_true", help="print the targets and stop")
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", choices=["atheris", "mutate"])
    parser.add_argument("--summary", type=Path, help="write the JSON summary here too")
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"))
    args = parser.parse_args(argv)
    if args.list or args.target is None:
        print("\n".join(sorted(TARGETS)))
        return
    engine = args.engine or ("atheris" if _has_atheris() else "mutate")
    if engine == "atheris":
        _run_atheris(args.target, args.inputs, args.seed, args.crashes, args.summary)
    _finish(run_mutations(args.target, args.inputs, args.seed, args.crashes), args.summary)


if __name__ == "__main__":
    main()
