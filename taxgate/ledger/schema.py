"""The ledger's tables, as pure SQL builders (run by :class:`taxgate.store.Store`).

::

    ledger_entries      the log: one row per leaf; attrs hold no taxpayer data
    ledger_records      data bodies (may hold taxpayer data), bound to entries by hash
    ledger_checkpoints  signed tree heads, one per batch (and per hold, withhold, recall)
    ledger_frontier     one row: the tree's size and right-edge hashes, for O(1) appends
    ledger_cosignatures witnesses' cosignature lines of checkpoints (self-verifying)
    legal_holds         holds on a requester, each pointing at its ledger entries
    withholds           the §6103(i)(6) withhold list, each pointing at its ledger entries
    recalls             recalled disclosures, each pointing at its ledger entries

Times are stored as fixed-width UTC text (``canonical.format_time``) because they are hashed
as text; fixed width keeps text order equal to time order.
"""

from __future__ import annotations


def schema_sql() -> list[str]:
    """``CREATE TABLE IF NOT EXISTS`` statements for every ledger table."""
    return [
        """CREATE TABLE IF NOT EXISTS ledger_entries (
            idx BIGINT PRIMARY KEY,
            kind VARCHAR NOT NULL,
            logged_at VARCHAR NOT NULL,
            batch_id VARCHAR,
            request_id VARCHAR,
            attrs VARCHAR NOT NULL,
            record_hash VARCHAR,
            leaf_hash BLOB NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS ledger_records (
            idx BIGINT PRIMARY KEY,
            body VARCHAR NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS ledger_checkpoints (
            seq BIGINT PRIMARY KEY,
            size BIGINT NOT NULL,
            root_hash BLOB NOT NULL,
            signed_at VARCHAR NOT NULL,
            key_id VARCHAR NOT NULL,
            signature BLOB NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS ledger_frontier (
            id INTEGER PRIMARY KEY,
            size BIGINT NOT NULL,
            hashes BLOB NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS legal_holds (
            hold_id VARCHAR PRIMARY KEY,
            requester VARCHAR NOT NULL,
            order_ref VARCHAR NOT NULL,
            set_at VARCHAR NOT NULL,
            set_entry BIGINT NOT NULL,
            lift_order_ref VARCHAR,
            lifted_at VARCHAR,
            lifted_entry BIGINT
        )""",
        """CREATE TABLE IF NOT EXISTS withholds (
            withhold_id VARCHAR PRIMARY KEY,
            tin VARCHAR NOT NULL,
            why VARCHAR NOT NULL,
            set_at VARCHAR NOT NULL,
            set_entry BIGINT NOT NULL,
            lift_why VARCHAR,
            lifted_at VARCHAR,
            lifted_entry BIGINT
        )""",
        """CREATE TABLE IF NOT EXISTS recalls (
            recall_id VARCHAR PRIMARY KEY,
            batch_id VARCHAR NOT NULL,
            requester VARCHAR NOT NULL,
            why VARCHAR NOT NULL,
            recalled_at VARCHAR NOT NULL,
            request_ids VARCHAR NOT NULL,
            first_entry BIGINT NOT NULL,
            last_entry BIGINT NOT NULL
        )""",
        """INSERT INTO ledger_frontier
           SELECT 1, 0, ''::BLOB WHERE NOT EXISTS (SELECT 1 FROM ledger_frontier)""",
        # C2SP checkpoints name the log (NULL: a legacy ECDSA checkpoint); added to stores
        # made before them.
        "ALTER TABLE ledger_checkpoints ADD COLUMN IF NOT EXISTS origin VARCHAR",
        """CREATE TABLE IF NOT EXISTS ledger_cosignatures (
            size BIGINT NOT NULL,
            root_hash BLOB NOT NULL,
            line VARCHAR NOT NULL,
            PRIMARY KEY (size, root_hash, line)
        )""",
    ]


def frontier_sql() -> str:
    """The tree's size and right edge."""
    return "SELECT size, hashes FROM ledger_frontier WHERE id = 1"


def update_frontier_sql() -> str:
    """Replace the tree's size and right edge (params: size, hashes)."""
    return "UPDATE ledger_frontier SET size = ?, hashes = ? WHERE id = 1"


def entry_count_sql() -> str:
    """How many entries the log holds."""
    return "SELECT count(*) FROM ledger_entries"


def entry_sql() -> str:
    """One entry with its record body, if any (param: idx)."""
    return """SELECT e.idx, e.kind, e.logged_at, e.batch_id, e.request_id, e.attrs, e.record_hash,
                     e.leaf_hash, r.body
              FROM ledger_entries e LEFT JOIN ledger_records r ON r.idx = e.idx
              WHERE e.idx = ?"""


def leaf_hashes_sql() -> str:
    """Stored leaf hashes in log order, below a size (param: size)."""
    return "SELECT leaf_hash FROM ledger_entries WHERE idx < ? ORDER BY idx"


def insert_checkpoint_sql() -> str:
    """Store one signed checkpoint (params: seq, size, root, time, key id, signature, origin)."""
    return """INSERT INTO ledger_checkpoints
                (seq, size, root_hash, signed_at, key_id, signature, origin)
              VALUES (?, ?, ?, ?, ?, ?, ?)"""


def checkpoints_sql() -> str:
    """Every stored checkpoint, oldest first."""
    return """SELECT seq, size, root_hash, signed_at, key_id, signature, origin
              FROM ledger_checkpoints ORDER BY seq"""


def last_checkpoint_sql() -> str:
    """The newest stored checkpoint."""
    return """SELECT seq, size, root_hash, signed_at, key_id, signature, origin
              FROM ledger_checkpoints ORDER BY seq DESC LIMIT 1"""


def insert_cosignature_sql() -> str:
    """Keep one witness's cosignature line of a checkpoint (params: size, root, line)."""
    return """INSERT INTO ledger_cosignatures (size, root_hash, line) VALUES (?, ?, ?)
              ON CONFLICT DO NOTHING"""


def cosignatures_sql() -> str:
    """The cosignature lines kept for one tree head (params: size, root), in a fixed order."""
    return "SELECT line FROM ledger_cosignatures WHERE size = ? AND root_hash = ? ORDER BY line"
