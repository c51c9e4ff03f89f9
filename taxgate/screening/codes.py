"""Reason codes: one enum, one line of meaning per code.

Every code starts with a category prefix from the data contract (§3): ``ADDRESS_``, ``NAME_``,
``STATUTE_``, ``REASON_``, ``PERIOD_``, ``ORDER_``, ``DUPLICATE``, ``SCHEMA_``, ``SIGNER_``.
Batch-level *flags* (``BATCH_``) never appear in a response: they go to review and the ledger.
``docs/reason-codes.md`` is generated from this module (``taxgate codes --markdown``).
"""

from __future__ import annotations

from enum import StrEnum


class ReasonCode(StrEnum):
    """Why a request (or a whole batch) is refused, as told to the requester."""

    # Name: §6103(i)(2)(B)(i) requires the name of the taxpayer.
    NAME_FIRST_MISSING = "NAME_FIRST_MISSING"  # no first (given) name
    NAME_LAST_MISSING = "NAME_LAST_MISSING"  # no last name (surname)
    NAME_PLACEHOLDER = "NAME_PLACEHOLDER"  # UNKNOWN, FNU, N/A, X; OCCUPANT, BABY GIRL, SON OF ...
    NAME_SINGLE_CHARACTER = "NAME_SINGLE_CHARACTER"  # a name part of one letter only
    NAME_HAS_DIGITS = "NAME_HAS_DIGITS"  # a name part made of or containing digits

    # Address: §6103(i)(2)(B)(i) requires the address of the taxpayer.
    ADDRESS_MISSING = "ADDRESS_MISSING"  # no address at all
    ADDRESS_PLACEHOLDER = "ADDRESS_PLACEHOLDER"  # "Failed to Provide", "NA NA", N/A, NULL, ...
    ADDRESS_DIGITS_ONLY = "ADDRESS_DIGITS_ONLY"  # a ZIP or other number standing alone
    ADDRESS_STREET_MISSING = "ADDRESS_STREET_MISSING"  # no street line, only a city, state or ZIP
    ADDRESS_NO_HOUSE_NUMBER = "ADDRESS_NO_HOUSE_NUMBER"  # a street line without a number
    ADDRESS_NO_STREET_NAME = "ADDRESS_NO_STREET_NAME"  # a number without a street name
    ADDRESS_NO_LOCALITY = "ADDRESS_NO_LOCALITY"  # neither city+state nor a valid ZIP
    ADDRESS_BOX_INCOMPLETE = "ADDRESS_BOX_INCOMPLETE"  # PO box / RR / APO without city+state+ZIP
    ADDRESS_FACILITY_ONLY = "ADDRESS_FACILITY_ONLY"  # a jail or detention facility, no street
    ADDRESS_UNPARSEABLE = "ADDRESS_UNPARSEABLE"  # not recognisable as a postal address

    # Statute: §6103(i)(2)(B)(iii) requires a specifically designated federal criminal statute.
    STATUTE_MISSING = "STATUTE_MISSING"  # no statutory authority given
    STATUTE_NOT_QUALIFYING = "STATUTE_NOT_QUALIFYING"  # civil, tax or unknown statute

    # Reason: §6103(i)(2)(B)(iv) requires the specific reason the information is relevant.
    REASON_MISSING = "REASON_MISSING"  # no reason, or empty boilerplate ("N/A", "-")

    # Taxable periods: §6103(i)(2)(B)(ii) requires the taxable period(s).
    PERIOD_MISSING = "PERIOD_MISSING"  # no taxable period
    PERIOD_INVALID = "PERIOD_INVALID"  # not a 4-digit year within the agency's record range

    # Final order of removal: the agreement's 8 U.S.C. §1253(a)(1) predicate.
    ORDER_DATE_MISSING = "ORDER_DATE_MISSING"  # no date of the final order of removal
    ORDER_DATE_INVALID = "ORDER_DATE_INVALID"  # not a valid ISO date
    ORDER_DATE_FUTURE = "ORDER_DATE_FUTURE"  # the order is dated after the request
    ORDER_TOO_RECENT = "ORDER_TOO_RECENT"  # fewer than the agreement's minimum days (90)

    # Duplicates: the same person asked twice in one batch is answered once.
    DUPLICATE = "DUPLICATE"  # repeats an earlier request, or resolves to its taxpayer

    # Whole-batch refusals (every row of the batch carries the code).
    SCHEMA_UNREADABLE = "SCHEMA_UNREADABLE"  # the file cannot be read or decoded
    SCHEMA_COLUMNS = "SCHEMA_COLUMNS"  # required columns missing, or both address styles
    SCHEMA_DUPLICATE_ID = "SCHEMA_DUPLICATE_ID"  # a request_id occurs twice
    SCHEMA_MISSING_ID = "SCHEMA_MISSING_ID"  # a row has an empty request_id
    SCHEMA_TOO_LARGE = "SCHEMA_TOO_LARGE"  # the file, or one value, exceeds the agreement's limit
    SCHEMA_HASH_MISMATCH = "SCHEMA_HASH_MISMATCH"  # the file is not the one the manifest signs
    SCHEMA_ROW_COUNT = "SCHEMA_ROW_COUNT"  # the row count differs from the manifest
    SCHEMA_MANIFEST = "SCHEMA_MANIFEST"  # the manifest is missing fields or malformed
    SIGNER_BAD_SIGNATURE = "SIGNER_BAD_SIGNATURE"  # the signature does not verify
    SIGNER_MISSING_SIGNATURE = "SIGNER_MISSING_SIGNATURE"  # no signature file
    SIGNER_UNKNOWN = "SIGNER_UNKNOWN"  # the signer is not in the agreement
    SIGNER_REVOKED = "SIGNER_REVOKED"  # the signer was revoked
    SIGNER_NOT_YET_VALID = "SIGNER_NOT_YET_VALID"  # signed before the signer's validity window
    SIGNER_EXPIRED = "SIGNER_EXPIRED"  # signed after the signer's validity window
    SIGNER_AGREEMENT_VERSION = "SIGNER_AGREEMENT_VERSION"  # signed under another agreement
    SIGNER_REPLAY = "SIGNER_REPLAY"  # the batch id was already received
    SIGNER_ATTESTATION = "SIGNER_ATTESTATION"  # the use attestation is missing or altered

    @property
    def category(self) -> str:
        """The data-contract category prefix of this code."""
        if self is ReasonCode.DUPLICATE:
            return "DUPLICATE"
        return self.value.split("_", 1)[0] + "_"

    @property
    def meaning(self) -> str:
        """One line of meaning, taken from the comment in this module."""
        return _MEANINGS.get(self.value, "")


class BatchFlag(StrEnum):
    """Batch-level flags: recorded in decisions, ledger and report; never a row rejection."""

    BATCH_BOILERPLATE_REASONS = "BATCH_BOILERPLATE_REASONS"  # nearly every reason is the same
    BATCH_OFFICER_OVERLOAD = "BATCH_OFFICER_OVERLOAD"  # one officer covers implausibly many
    BATCH_FACILITY_ADDRESSES = "BATCH_FACILITY_ADDRESSES"  # facility addresses need legal review


CATEGORY_PREFIXES = (
    "ADDRESS_",
    "NAME_",
    "STATUTE_",
    "REASON_",
    "PERIOD_",
    "ORDER_",
    "DUPLICATE",
    "SCHEMA_",
    "SIGNER_",
)


def _read_meanings() -> dict[str, str]:
    """Read the one-line meanings from this module's own comments (one source of truth)."""
    import inspect
    import re

    meanings: dict[str, str] = {}
    source = inspect.getsource(ReasonCode) + inspect.getsource(BatchFlag)
    for match in re.finditer(r'^\s+([A-Z_]+) = "[A-Z_]+"\s+# (.+)$', source, re.MULTILINE):
        meanings[match.group(1)] = match.group(2).strip()
    return meanings


_MEANINGS = _read_meanings()
