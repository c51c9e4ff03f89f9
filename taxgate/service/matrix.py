"""The authorisation matrix: every endpoint, and the roles that may call it. One table.

Anything not in :data:`MATRIX` is refused (fail closed), and a test walks every role, and no
role, against every route of the application, so a route added without a row fails the suite.

Roles (the agreement's "officers personally and directly engaged", and the separation of duties
the two-person release needs):

* ``submitter``: a requesting agency's system, by API token scoped to one requester. Uploads
  signed batches, follows their progress, downloads released responses; nothing else.
* ``analyst``: works the review queue, one decision per item with a written justification.
* ``disclosure_officer``: releases a batch's response, and may decide reviews too; the release
  is refused to an officer who decided a review in the batch (two persons).
* ``auditor``: reads only: ledger verification, accounting, (p)(3)(C) statistics, reports, the
  access log.
* ``administrator``: users, tokens, legal holds, (i)(6) withholds, signers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    SUBMITTER = "submitter"  # a requesting agency's system (API token only)
    ANALYST = "analyst"  # decides reviews
    OFFICER = "disclosure_officer"  # releases batches
    AUDITOR = "auditor"  # reads the ledger, accounting, reports and access log
    ADMINISTRATOR = "administrator"  # users, tokens, holds, withholds, signers


PERSON_ROLES = frozenset({Role.ANALYST, Role.OFFICER, Role.AUDITOR, Role.ADMINISTRATOR})
MACHINE_ROLES = frozenset({Role.SUBMITTER})
EVERYONE = PERSON_ROLES | MACHINE_ROLES
# Officers may decide reviews too; the release rule then keeps them from releasing their own.
REVIEWERS = (Role.ANALYST, Role.OFFICER)


@dataclass(frozen=True)
class Rule:
    """Who may call one endpoint. ``public`` needs no sign-in at all."""

    roles: frozenset[Role]
    purpose: str
    public: bool = False


def _only(*roles: Role, purpose: str) -> Rule:
    return Rule(frozenset(roles), purpose)


def _public(purpose: str) -> Rule:
    return Rule(frozenset(), purpose, public=True)


MATRIX: dict[tuple[str, str], Rule] = {
    # The API description, the sign-in page and the workbench's files are open; they hold
    # nothing.
    ("GET", "/openapi.json"): _public("the OpenAPI description"),
    ("GET", "/static/{name}"): _public("the workbench's script and style"),
    ("GET", "/login"): _public("the sign-in page"),
    ("POST", "/login"): _public("sign in from the page (password and TOTP)"),
    ("POST", "/api/session"): _public("sign in (password and TOTP): a session cookie"),
    ("DELETE", "/api/session"): Rule(PERSON_ROLES, "sign out"),
    ("POST", "/logout"): Rule(PERSON_ROLES, "sign out from the workbench"),
    ("GET", "/api/me"): Rule(EVERYONE, "who the caller is"),
    # Submitters: their own requester's batches only (checked in the handler).
    ("POST", "/api/batches"): _only(Role.SUBMITTER, purpose="upload a signed batch"),
    ("GET", "/api/jobs/{job_id}"): _only(
        Role.SUBMITTER, Role.OFFICER, Role.AUDITOR, purpose="a batch job's progress"
    ),
    ("GET", "/api/batches/{batch_id}/bundle"): _only(
        Role.SUBMITTER,
        purpose="download a released response with its checkpoint, proofs and supplements",
    ),
    ("GET", "/api/batches/{batch_id}/response"): _only(
        Role.SUBMITTER, purpose="download a released response"
    ),
    # Analysts.
    ("GET", "/api/reviews"): _only(*REVIEWERS, purpose="the review queue"),
    ("GET", "/api/reviews/{batch_id}/{request_id}"): _only(
        *REVIEWERS, purpose="one review item explained"
    ),
    ("POST", "/api/reviews/{batch_id}/{request_id}/decision"): _only(
        *REVIEWERS, purpose="approve or decline one review item, with the grounds"
    ),
    ("GET", "/workbench"): _only(*REVIEWERS, purpose="the workbench's review queue"),
    ("GET", "/workbench/reviews/{batch_id}/{request_id}"): _only(
        *REVIEWERS, purpose="the workbench's item page"
    ),
    ("POST", "/workbench/reviews/{batch_id}/{request_id}"): _only(
        *REVIEWERS, purpose="decide an item from the workbench"
    ),
    # Disclosure officers.
    ("GET", "/api/batches"): _only(
        Role.OFFICER, Role.AUDITOR, purpose="batches, their jobs and releases"
    ),
    ("POST", "/api/batches/{batch_id}/release"): _only(
        Role.OFFICER, purpose="release a batch's response (second person)"
    ),
    # Auditors: read only.
    ("GET", "/api/ledger/verify"): _only(Role.AUDITOR, purpose="verify the ledger"),
    ("GET", "/api/accounting"): _only(Role.AUDITOR, purpose="the (p)(3)(A) accounting"),
    ("GET", "/api/statistics/{year}"): _only(Role.AUDITOR, purpose="the (p)(3)(C) statistics"),
    ("GET", "/api/batches/{batch_id}/report"): _only(
        Role.AUDITOR, purpose="a batch's HTML oversight report"
    ),
    ("GET", "/api/access-log"): _only(Role.AUDITOR, purpose="the access log and denials"),
    # Administrators.
    ("GET", "/api/users"): _only(Role.ADMINISTRATOR, purpose="list users"),
    ("POST", "/api/users"): _only(Role.ADMINISTRATOR, purpose="add a user"),
    ("POST", "/api/tokens"): _only(Role.ADMINISTRATOR, purpose="issue a submitter token"),
    ("GET", "/api/holds"): _only(Role.ADMINISTRATOR, Role.AUDITOR, purpose="legal holds"),
    ("POST", "/api/holds"): _only(Role.ADMINISTRATOR, purpose="set or lift a legal hold"),
    ("POST", "/api/withholds"): _only(Role.ADMINISTRATOR, purpose="set or lift an (i)(6) withhold"),
    ("POST", "/api/signers"): _only(Role.ADMINISTRATOR, purpose="enrol a signer"),
}


def rule_for(method: str, route: str) -> Rule | None:
    """The rule of an endpoint, or None: not in the matrix, so nobody may call it."""
    return MATRIX.get((method.upper(), route))


def may_call(method: str, route: str, role: Role | None) -> bool:
    """Whether ``role`` (None: nobody signed in) may call the endpoint."""
    rule = rule_for(method, route)
    if rule is None:
        return False
    return rule.public or (role is not None and role in rule.roles)
