"""The agreement (MOU) as data: load, validate, version, amend.

The agreement is a versioned TOML file (``docs/agreement-format.md``). It says who may sign a
batch, which statutes qualify under §6103(i)(2)(B)(iii), the minimum age of a final order of
removal, what may be returned under §6103(i)(2)(C), the screening thresholds, the decision
policy and the retention terms. Code reads these values; it never repeats them.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from taxgate.errors import ConfigError

FORMAT_VERSION = 1

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class AgreementMeta(BaseModel):
    """Identity of the agreement; ``id`` and ``version`` are bound into every signed batch."""

    model_config = _FROZEN
    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    title: str = ""
    signed_on: date
    authority: str
    disclosing_agency: str
    requesting_agency: str


class Signer(BaseModel):
    """An official the agreement authorises to sign batches."""

    model_config = _FROZEN
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    role: str = ""
    public_key: str = ""
    valid_from: date
    valid_to: date | None = None
    revoked: bool = False
    revoked_on: date | None = None

    @field_validator("public_key")
    @classmethod
    def _pem_or_empty(cls, value: str) -> str:
        if value and "BEGIN PUBLIC KEY" not in value:
            raise ValueError("public_key must be a PEM 'BEGIN PUBLIC KEY' block or empty")
        return value


class Statute(BaseModel):
    """A qualifying, specifically designated federal criminal statute."""

    model_config = _FROZEN
    citation: str
    title: str = ""
    title_number: int
    section: str
    subsection: str = ""

    @property
    def key(self) -> str:
        """Canonical key, e.g. ``8-1253-(a)(1)``; spelling variants reduce to it."""
        return f"{self.title_number}-{self.section}-{self.subsection}".lower()


class RemovalOrderTerms(BaseModel):
    model_config = _FROZEN
    minimum_age_days: int = Field(ge=0)


class PeriodTerms(BaseModel):
    model_config = _FROZEN
    earliest_year: int = Field(ge=1900, le=2100)


class ResponseTerms(BaseModel):
    model_config = _FROZEN
    returnable_fields: tuple[str, ...]

    @field_validator("returnable_fields")
    @classmethod
    def _only_address_fields(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # §6103(i)(2)(C): identity information only; the response schema has no other column.
        allowed = {"street", "unit", "city", "state", "zip", "address_as_of"}
        extra = set(value) - allowed
        if extra:
            raise ValueError(f"fields {sorted(extra)} may not be returned under 6103(i)(2)")
        return value


class AttestationTerms(BaseModel):
    model_config = _FROZEN
    text: str = Field(min_length=10)


DEFAULT_MAX_FIELD_CHARS = 4096
"""The longest request value accepted unless the agreement says otherwise: a name, an address
or a reason is far shorter, and one 100 MB value must never reach screening or the ledger."""


DEFAULT_MAX_ROW_CHARS = 16384
"""The longest request row (its contract values together) accepted unless the agreement says
otherwise: a real row is a few hundred characters; a file of rows each just under the
per-value limit in every column would otherwise pass."""


DEFAULT_MAX_JSON_DEPTH = 64
"""The deepest nesting of any JSON taxgate reads unless the agreement says otherwise (a request
line needs 1, a manifest 1)."""

MAX_JSON_DEPTH_BOUND = 512
"""The agreement may not allow more: Python's JSON parser recurses once per level."""


DEFAULT_AS_OF_DAYS_BEFORE_REQUEST = 31
"""How far before the request date an analyst's as-of date may go, unless the agreement says."""


class ScreeningTerms(BaseModel):
    model_config = _FROZEN
    officer_max_records: int = Field(ge=1)
    boilerplate_reason_share: float = Field(gt=0, le=1)
    boilerplate_min_batch: int = Field(ge=2)
    hold_release_on_flags: bool = False
    max_request_file_bytes: int = Field(ge=1)
    max_field_chars: int = Field(default=DEFAULT_MAX_FIELD_CHARS, ge=1)
    max_row_chars: int = Field(default=DEFAULT_MAX_ROW_CHARS, ge=1)
    # How deeply any JSON taxgate reads may nest (a request line and a manifest need 1); the
    # depth is measured on the bytes before a parser sees them.
    max_json_depth: int = Field(default=DEFAULT_MAX_JSON_DEPTH, ge=1, le=MAX_JSON_DEPTH_BOUND)
    # An analyst's --as-of may lie at most this many days before the manifest's request date
    # (a late review of a batch received last month), never further back.
    as_of_max_days_before_request: int = Field(default=DEFAULT_AS_OF_DAYS_BEFORE_REQUEST, ge=0)


DEFAULT_MAX_SIGNATURE_AGE_DAYS = 7
"""How long before receipt a batch may have been signed, unless the agreement says."""

DEFAULT_MAX_REQUEST_AGE_DAYS = 730
"""How long before signing the requests may have been made, unless the agreement says. Two
years: a request is answered on the day it names (its as-of date) however late it is signed,
and synthetic worlds are signed long after their request date; an agreement may say less."""


class SigningTerms(BaseModel):
    """Bounds that tie a manifest's dates to its receipt (docs/signing.md)."""

    model_config = _FROZEN
    # signed_at may lie at most this many days before the batch is received
    max_signature_age_days: int = Field(default=DEFAULT_MAX_SIGNATURE_AGE_DAYS, ge=0)
    # request_date may lie at most this many days before signed_at
    max_request_age_days: int = Field(default=DEFAULT_MAX_REQUEST_AGE_DAYS, ge=0)


class PolicyTerms(BaseModel):
    """Decision bounds: evidence floors in match-weight bits (log2 Bayes factor) and the
    posterior probability that the request names the chosen taxpayer (domain §4)."""

    model_config = _FROZEN
    disclose_weight: float
    review_weight: float
    min_margin: float = Field(ge=0)
    # Disclose only when the chosen taxpayer's posterior is at least this; hold for review
    # from review_probability up. Below it, no disclosure.
    disclose_probability: float = Field(default=0.99, gt=0.5, lt=1)
    review_probability: float = Field(default=0.95, gt=0.5, lt=1)
    # Prior odds that a request naming a household at one delivery point is about someone
    # there who never filed (a spouse, child, sibling, parent) rather than a given filer.
    nonfiler_prior_odds: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _review_below_disclosure(self) -> PolicyTerms:
        if self.review_probability > self.disclose_probability:
            raise ValueError("review_probability must not exceed disclose_probability")
        if self.review_weight > self.disclose_weight:
            raise ValueError("review_weight must not exceed disclose_weight")
        return self


class RetentionTerms(BaseModel):
    model_config = _FROZEN
    recipient_disposal_days: int = Field(ge=1)
    ledger_retention: str = "permanent"


class ReportingTerms(BaseModel):
    model_config = _FROZEN
    statistics: str = "annual"
    incident_report_hours: int = Field(ge=1)


class Agreement(BaseModel):
    """A parsed, validated agreement file."""

    model_config = _FROZEN
    format: int
    agreement: AgreementMeta
    signers: tuple[Signer, ...] = ()
    statutes: tuple[Statute, ...]
    removal_order: RemovalOrderTerms
    periods: PeriodTerms
    response: ResponseTerms
    attestation: AttestationTerms
    signing: SigningTerms = SigningTerms()
    screening: ScreeningTerms
    policy: PolicyTerms
    retention: RetentionTerms
    reporting: ReportingTerms

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != FORMAT_VERSION:
            raise ValueError(
                f"format {value} is not supported (this taxgate reads {FORMAT_VERSION})"
            )
        return value

    @field_validator("signers")
    @classmethod
    def _unique_signers(cls, value: tuple[Signer, ...]) -> tuple[Signer, ...]:
        names = [s.name for s in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"signer names must be unique; repeated: {dupes}")
        return value

    def signer(self, name: str) -> Signer | None:
        """The signer called ``name``, or None."""
        return next((s for s in self.signers if s.name == name), None)

    def with_signer(self, signer: Signer) -> Agreement:
        """A copy with ``signer`` added, or replacing the signer of the same name."""
        others = tuple(s for s in self.signers if s.name != signer.name)
        return self.model_copy(update={"signers": (*others, signer)})

    def without_signer(self, name: str, *, on: date) -> Agreement:
        """A copy where signer ``name`` is revoked as of ``on`` (kept, for the record)."""
        current = self.signer(name)
        if current is None:
            raise ConfigError(
                f"no signer named {name!r} in agreement {self.agreement.id}",
                hint="list signers with `taxgate agreement show WS`",
            )
        revoked = current.model_copy(update={"revoked": True, "revoked_on": on})
        return self.with_signer(revoked)


def parse_agreement(data: dict[str, Any], *, source: str = "<agreement>") -> Agreement:
    """Validate a decoded agreement document."""
    try:
        return Agreement.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()
        )
        raise ConfigError(
            f"agreement {source} is invalid: {problems}",
            hint="see docs/agreement-format.md for every field",
        ) from e


def load_agreement(path: Path) -> Agreement:
    """Read and validate an agreement TOML file.

    Example:
        >>> from importlib.resources import files
        >>> a = load_agreement(default_agreement_path())
        >>> a.removal_order.minimum_age_days
        90
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read agreement file {path}: {e.strerror}") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"agreement file {path} is not UTF-8") from e
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"agreement file {path} is not valid TOML: {e}") from e
    return parse_agreement(data, source=str(path))


def dump_agreement(agreement: Agreement) -> str:
    """Serialise an agreement back to TOML (dates as ISO strings, None fields left out)."""
    data = agreement.model_dump(mode="json", exclude_none=True)
    return tomli_w.dumps(data)


def default_agreement_path() -> Path:
    """The agreement shipped with taxgate (a copy of ``agreements/irs-ice-2025.toml``)."""
    return Path(__file__).parent / "data" / "irs-ice-2025.toml"


_SECTION_RE = re.compile(
    r"(?P<title>\d+)\s*U\.?\s*S\.?\s*C\.?\s*(?:A\.?\s*)?(?:§+|SEC\.?|SECTION)?\s*"
    r"(?P<section>\d+[A-Z]?)\s*(?P<sub>(?:\s*\(\s*[A-Z0-9]+\s*\))*)",
    re.IGNORECASE,
)


def statute_key(citation: str) -> str | None:
    """Reduce a citation to ``title-section-subsections``; None if it is not one.

    Spelling variants of one citation give one key:

        >>> statute_key("8 USC 1253(a)(1)") == statute_key("8 U.S.C. § 1253(a)(1)")
        True
    """
    match = _SECTION_RE.search(citation)
    if match is None:
        return None
    subsections = re.sub(r"\s+", "", match.group("sub")).lower()
    return f"{int(match.group('title'))}-{match.group('section').lower()}-{subsections}"


def qualifying_statute(agreement: Agreement, citation: str) -> Statute | None:
    """The agreement's statute that ``citation`` designates, or None (§6103(i)(2)(B)(iii))."""
    key = statute_key(citation)
    if key is None:
        return None
    return next((s for s in agreement.statutes if s.key == key), None)
