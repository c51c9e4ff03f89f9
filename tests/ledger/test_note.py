"""Signed notes, checkpoints and verifier keys as the C2SP specs define them."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from taxgate.errors import InputError
from taxgate.ledger.note import (
    COSIGNATURE_V1,
    NoteSigner,
    SignedNote,
    checkpoint_text,
    parse_checkpoint_body,
    parse_note,
    parse_vkey,
)

# The example of c2sp.org/signed-note ("Verifier keys", "Example"): a key and a note it signs.
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n"
    "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3"
    "mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def test_the_spec_example_verifies_and_a_changed_text_does_not() -> None:
    verifier = parse_vkey(SPEC_VKEY)
    note = parse_note(SPEC_NOTE.encode())
    assert note.text == "This is an example message.\n"
    assert verifier.vkey() == SPEC_VKEY
    assert verifier.verify(note.text, note.signatures[0])
    assert not verifier.verify("This is an example message!\n", note.signatures[0])
    assert note.render() == SPEC_NOTE


def test_a_cosignature_signs_the_header_the_time_and_the_checkpoint() -> None:
    key = Ed25519PrivateKey.generate()
    witness = NoteSigner("w.example/1", key, COSIGNATURE_V1)
    text = checkpoint_text("log.example/a", 5, b"\x07" * 32)
    line = witness.cosign(text, 1_679_315_147)
    raw = base64.b64decode(line.line().split(" ")[2])
    assert raw[4:12] == (1_679_315_147).to_bytes(8, "big")
    message = b"cosignature/v1\ntime 1679315147\n" + text.encode()
    key.public_key().verify(raw[12:], message)
    assert witness.verifier.verify(text, line)
    assert not witness.verifier.verify(checkpoint_text("log.example/a", 6, b"\x07" * 32), line)


@pytest.mark.parametrize(
    "text",
    [
        "origin\n5\n",
        "origin\n05\n" + base64.b64encode(b"\x00" * 32).decode() + "\n",
        "origin\n-1\n" + base64.b64encode(b"\x00" * 32).decode() + "\n",
        "origin\n5\n" + base64.b64encode(b"\x00" * 31).decode() + "\n",
        "\n5\n" + base64.b64encode(b"\x00" * 32).decode() + "\n",
    ],
)
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_checkpoint_body(text)


def test_a_checkpoint_with_an_extension_line_keeps_it_signed() -> None:
    text = checkpoint_text("o", 3, b"\x01" * 32) + "ext\n"
    assert parse_checkpoint_body(text).size == 3


@given(st.binary(max_size=400))
def test_parse_note_raises_only_input_errors(data: bytes) -> None:
    try:
        note = parse_note(data)
    except InputError:
        return
    assert isinstance(note, SignedNote) and note.signatures
