"""The ledger: a tamper-evident record of every request and disclosure (§6103(p)(3)(A)).

An append-only Merkle log (RFC 9162) in the workspace store, written only by
:meth:`Ledger.append`, with a signed checkpoint at the end of every batch. Proofs and
verification, the accounting of disclosures (§6103(p)(3)(C)), legal holds, the §6103(i)(6)
withhold list and recalls sit on top of it.

The run pipeline needs, in order::

    hold = active_hold(store, requester)        # None, or nothing goes out
    skip = withheld_tins(store)                 # never disclosed, silently
    with ledger_transaction(store, ws, now=now) as ledger:
        ...the batch's own rows...
        ledger.append(events, now=now)          # one or more calls
    # committed, checkpoint signed and exported to WS/ledger/checkpoints.jsonl
"""

from taxgate.ledger.accounting import (
    AgencyStatistics,
    DisclosureRecord,
    disclosure_statistics,
    list_disclosures,
)
from taxgate.ledger.checkpoint import Checkpoint, CheckpointKey, CheckpointPublicKey
from taxgate.ledger.events import EventKind, LedgerEvent
from taxgate.ledger.hold import HoldRecord, WithholdRecord, active_hold, withheld_tins
from taxgate.ledger.log import Ledger, ledger_transaction
from taxgate.ledger.recall import RecallRecord
from taxgate.ledger.verify import VerifyReport, verify_ledger

__all__ = [
    "AgencyStatistics",
    "Checkpoint",
    "CheckpointKey",
    "CheckpointPublicKey",
    "DisclosureRecord",
    "EventKind",
    "HoldRecord",
    "Ledger",
    "LedgerEvent",
    "RecallRecord",
    "VerifyReport",
    "WithholdRecord",
    "active_hold",
    "disclosure_statistics",
    "ledger_transaction",
    "list_disclosures",
    "verify_ledger",
    "withheld_tins",
]
