"""Enrolment never widens the agreement or lifts a revocation unasked, and is ledgered
(issue 16, item 5)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.errors import ConfigError
from taxgate.intake.enrolment import add_signer, revoke_signer
from taxgate.intake.keys import new_keypair
from taxgate.ledger.canonical import parse_attrs
from taxgate.ledger.verify import verify_workspace
from taxgate.store import Store
from taxgate.workspace import Workspace

NOW = datetime(2025, 8, 1, 12, tzinfo=UTC)
SIGNER = "ice-director"  # enrolled in the shipped agreement, 2025-04-07 to 2027-04-06, no key


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace.create(tmp_path / "ws", load_agreement(default_agreement_path()))


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return new_keypair(tmp_path / "keys", SIGNER)[1]


def _entries(ws: Workspace) -> list[tuple[str, dict[str, object]]]:
    with Store.open(ws.store_path, read_only=True) as store:
        rows = store.fetchall("SELECT kind, attrs FROM ledger_entries ORDER BY idx")
    return [(str(kind), parse_attrs(attrs)) for kind, attrs in rows]


def test_a_key_without_dates_keeps_the_agreements_window(ws: Workspace, key: Path) -> None:
    """The finding: add-signer without dates replaced the end date 2027-04-06 with none."""
    signer = add_signer(ws, name=SIGNER, public_key_path=key, now=NOW)
    assert (signer.valid_from, signer.valid_to) == (date(2025, 4, 7), date(2027, 4, 6))
    assert ws.agreement().signer(SIGNER) == signer


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2025, 1, 1), None), (None, date(2028, 1, 1)), (date(2024, 4, 7), date(2027, 4, 6))],
)
def test_a_wider_window_needs_widen(
    ws: Workspace, key: Path, start: date | None, end: date | None
) -> None:
    before = ws.agreement_path.read_bytes()
    with pytest.raises(ConfigError, match="widen"):
        add_signer(ws, name=SIGNER, public_key_path=key, valid_from=start, valid_to=end, now=NOW)
    assert ws.agreement_path.read_bytes() == before
    signer = add_signer(
        ws, name=SIGNER, public_key_path=key, valid_from=start, valid_to=end, widen=True, now=NOW
    )
    assert signer.valid_from == (start or date(2025, 4, 7))


def test_a_narrower_window_needs_no_flag(ws: Workspace, key: Path) -> None:
    signer = add_signer(ws, name=SIGNER, public_key_path=key, valid_to=date(2026, 1, 1), now=NOW)
    assert signer.valid_to == date(2026, 1, 1)


def test_a_revocation_is_never_lifted(ws: Workspace, key: Path) -> None:
    add_signer(ws, name=SIGNER, public_key_path=key, now=NOW)
    revoke_signer(ws, name=SIGNER, on=date(2025, 8, 1), now=NOW)
    with pytest.raises(ConfigError, match="never lifted"):
        add_signer(ws, name=SIGNER, public_key_path=key, widen=True, now=NOW)
    assert ws.agreement().signer(SIGNER).revoked  # type: ignore[union-attr]


def test_enrolment_and_revocation_are_ledgered(ws: Workspace, key: Path) -> None:
    add_signer(ws, name=SIGNER, public_key_path=key, now=NOW)
    revoke_signer(ws, name=SIGNER, on=date(2025, 9, 1), now=NOW)
    kinds = [kind for kind, _ in _entries(ws)]
    assert kinds == [
        "AGREEMENT_ADOPTED",  # the file as created, adopted on first use
        "SIGNER_ADDED",
        "AGREEMENT_ADOPTED",
        "SIGNER_REVOKED",
        "AGREEMENT_ADOPTED",
    ]
    added, revoked = _entries(ws)[1][1], _entries(ws)[3][1]
    assert added["signer"] == SIGNER and added["valid_to"] == "2027-04-06"
    assert added["key_fingerprint"] and added["key_fingerprint"] == revoked["key_fingerprint"]
    assert revoked["revoked_on"] == "2025-09-01"
    report = verify_workspace(ws)
    assert report is not None and report.ok, report


def test_a_hand_edited_agreement_is_not_laundered_by_add_signer(ws: Workspace, key: Path) -> None:
    add_signer(ws, name=SIGNER, public_key_path=key, now=NOW)
    text = ws.agreement_path.read_text(encoding="utf-8")
    ws.agreement_path.write_text(text.replace("minimum_age_days = 90", "minimum_age_days = 10"))
    with pytest.raises(ConfigError, match=r"removal_order\.minimum_age_days changed"):
        add_signer(ws, name="dhs-secretary", public_key_path=key, now=NOW)
    report = verify_workspace(ws)
    assert report is not None and not report.ok
    assert "removal_order.minimum_age_days" in report.message
