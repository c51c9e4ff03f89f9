#!/usr/bin/env python3
"""Check a taxgate response folder without taxgate: its checkpoint, cosignatures and proofs.

Needs Python 3.9+ and the `cryptography` package only. Usage:

    python3 verify_response.py FOLDER --log-key LOG.pub.pem|LOG.vkey \
        [--witness-key WITNESS.vkey ...] [--quorum N] [--csv supplement-B-R.csv]

It checks, per the C2SP specs (signed-note, tlog-checkpoint, tlog-cosignature) and RFC 9162:
the log's Ed25519 signature on checkpoint.txt; each trusted witness's cosignature/v1 on it
(at least N of them, all by default); and, for every DISCLOSED row of response.csv, an
inclusion proof in proofs.json of a DISCLOSURE entry of that batch and request to the
checkpoint's root (and no proof of a disclosure the response does not show). A review's
supplement NAME.csv (--csv) is checked the same way against NAME.checkpoint.txt and
NAME.proofs.json. Exit 0: all good; exit 1: the first problem is printed.
"""

import argparse
import base64
import csv
import hashlib
import json
import struct
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Bad(Exception):
    """A check failed."""


def sha256(data):
    return hashlib.sha256(data).digest()


def read_key(path, kind):
    """(name or None, 32-byte key) from a PEM public key or a vkey name+hexid+base64."""
    text = Path(path).read_text().strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return None, raw
    name, hex_id, blob = text.split("+", 2)
    raw = base64.b64decode(blob)
    if raw[0] != kind or sha256(name.encode() + b"\n" + raw[:1] + raw[1:])[:4].hex() != hex_id:
        raise Bad(f"{path}: not a key of signature type {kind}")
    return name, raw[1:]


def parse_note(data):
    text = data.decode("utf-8")
    if not text.endswith("\n") or any(c < " " and c != "\n" for c in text):
        raise Bad("checkpoint.txt is not a signed note")
    split = text.rindex("\n\n")
    body, lines = text[: split + 1], text[split + 2 :].splitlines()
    origin, size, root = body.split("\n")[:3]
    signatures = []
    for line in lines:
        name, blob = line.removeprefix("\u2014 ").split(" ")
        raw = base64.b64decode(blob, validate=True)
        signatures.append((name, raw[:4], raw[4:]))
    return body, origin, int(size), base64.b64decode(root, validate=True), signatures


def check_signature(body, signatures, name, key, kind):
    """Whether the key signed (kind 1) or cosigned (kind 4) the note; a bad one fails."""
    wanted = sha256(name.encode() + b"\n" + bytes([kind]) + key)[:4]
    found = False
    for signer, key_id, sig in signatures:
        if (signer, key_id) != (name, wanted):
            continue
        message = body.encode()
        if kind == 4:
            (stamp,) = struct.unpack(">Q", sig[:8])
            message, sig = f"cosignature/v1\ntime {stamp}\n".encode() + message, sig[8:]
        Ed25519PublicKey.from_public_bytes(key).verify(sig, message)  # raises if forged
        found = True
    return found


def included(index, size, leaf, path, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = sha256(b"\x01" + p + r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = sha256(b"\x01" + r + p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def disclosed_ids(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    unmark = lambda v: v[1:] if v[:1] == "'" and v[1:2] in ("=", "+", "-", "@", "\t", "\r") else v  # noqa: E731
    return {unmark(r["request_id"]) for r in rows if r["outcome"] == "DISCLOSED"}


def verify(folder, log_key, witness_keys, quorum, csv_name="response.csv"):
    stem = "" if csv_name == "response.csv" else csv_name.removesuffix(".csv") + "."
    note = (folder / f"{stem}checkpoint.txt").read_bytes()
    body, origin, size, root, signatures = parse_note(note)
    log_name, log_raw = read_key(log_key, 1)
    if not check_signature(body, signatures, log_name or origin, log_raw, 1):
        raise Bad("the checkpoint is not signed by the log key")
    witnesses = [read_key(k, 4) for k in witness_keys]
    cosigned = sum(check_signature(body, signatures, n, k, 4) for n, k in witnesses)
    if cosigned < (len(witnesses) if quorum is None else quorum):
        raise Bad(f"only {cosigned} of the trusted witnesses cosigned the checkpoint")
    doc = json.loads((folder / f"{stem}proofs.json").read_text(encoding="utf-8"))
    if (doc["origin"], doc["tree_size"], base64.b64decode(doc["root"])) != (origin, size, root):
        raise Bad("proofs.json is not for this checkpoint")
    proven = set()
    for proof in doc["proofs"]:
        leaf = json.loads(proof["leaf"])
        facts = (leaf["kind"], leaf["batch_id"], leaf["request_id"], leaf["index"])
        if facts != ("DISCLOSURE", doc["batch_id"], proof["request_id"], proof["index"]):
            raise Bad(f"the proof of {proof['request_id']!r} is not of its disclosure entry")
        path = [base64.b64decode(p) for p in proof["path"]]
        leaf_hash = sha256(b"\x00" + proof["leaf"].encode("utf-8"))
        if not included(proof["index"], size, leaf_hash, path, root):
            raise Bad(f"the disclosure of {proof['request_id']!r} is not in the checkpoint")
        proven.add(proof["request_id"])
    shown = disclosed_ids(folder / csv_name)
    if shown != proven:
        raise Bad(f"disclosures without a proof or proofs without a disclosure: {shown ^ proven}")
    return f"{origin} size {size}: {len(proven)} disclosures proven, {cosigned} cosignatures"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--log-key", required=True)
    parser.add_argument("--witness-key", action="append", default=[])
    parser.add_argument("--quorum", type=int)
    parser.add_argument("--csv", default="response.csv", help="the response or a supplement")
    args = parser.parse_args()
    try:
        print("OK:", verify(args.folder, args.log_key, args.witness_key, args.quorum, args.csv))
    except Exception as e:  # every failure, malformed input included, is a verdict
        print(f"FAIL: {type(e).__name__}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
