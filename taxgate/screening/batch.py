"""Batch-level screening: duplicate requests, and the flags that go to review.

Duplicates (domain §3 "Duplicates"): the same person asked twice in one batch is answered
once; the repeat is refused with ``DUPLICATE``. "Same person" is judged on the *standardised*
name and address, never on raw strings. The names are equivalent (same or equivalent first
given name — nickname, anglicised form, two nicknames of one name — and surnames sharing a
key, compound surnames in any form), or swapped, or one of the two is a single typo off
while the other agrees (domain §4 lists all of these as one name written differently). The
address is the same USPS delivery point (delivery key), or the same house, unit and ZIP with
the street name misspelt (:func:`streets_alike`). Nothing may contradict: not the date of
birth, the TIN, the generational suffix (JR/SR) or a full
second given name. A TIN never makes two requests one person on its own (domain §3).

The looser readings (typos, swapped names, street typos) are tried against every earlier
request at a delivery point that has at most ``LENIENT_POINT_MAX`` of them; at a larger
point — a facility, a tower — only requests sharing a surname key are compared, which keeps
a batch near linear time. A false duplicate refuses a request (no disclosure, the safe
direction); a missed one answers the same person twice.

Which request is answered: the first request of the person that passes every other check.
Later requests of that person are duplicates, whatever else is wrong with them; earlier ones
already fail on their own findings. A person asked for only by defective requests gets no
``DUPLICATE``: each request is refused for its own defects.

Flags (domain §2 attestation, §3 "Reason") are recorded in the decisions, the ledger and the
report, and never reject a row: one officer covering more than
``screening.officer_max_records`` requests, one reason text covering at least
``screening.boilerplate_reason_share`` of a batch of at least
``screening.boilerplate_min_batch`` requests, and accepted facility addresses (legal review:
a person in custody needs no locating).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import permutations

from rapidfuzz.distance import DamerauLevenshtein

from taxgate.agreement import Agreement
from taxgate.screening.codes import BatchFlag, ReasonCode
from taxgate.screening.fields import normalise_reason
from taxgate.screening.findings import Finding
from taxgate.standardise.address_parts import AddressKind, StandardAddress
from taxgate.standardise.name_agreement import (
    GivenNameLevel,
    SurnameLevel,
    distinct_given_names,
    forms_of_one_name,
    given_name_agreement,
    given_names_equivalent,
    is_typo,
    misspelt_forms_of_one_name,
    misspelt_related_given_name,
    names_equivalent,
    related_given_names,
    second_given_conflict,
    suffixes_conflict,
    surname_agreement,
)
from taxgate.standardise.name_tables import related_given_forms
from taxgate.standardise.names import StandardName
from taxgate.standardise.spelling import streets_alike, two_slips, two_slips_alike


@dataclass(frozen=True, slots=True)
class BatchFlagFinding:
    """A batch-level flag: which, how many requests it concerns, and a readable message."""

    flag: BatchFlag
    count: int
    message: str


@dataclass(frozen=True, slots=True)
class PersonRequest:
    """What duplicate detection needs of one request row.

    Attributes:
        request_id: the row's request id (named in the duplicate's message).
        name: the standardised name.
        address: the standardised address.
        identity_usable: the name and address passed screening (a placeholder identifies
            nobody, so it can duplicate nobody).
        answerable: the row passed every other check and would be answered.
        date_of_birth: as given, or None.
        tin: as given, or None.
    """

    request_id: str
    name: StandardName
    address: StandardAddress
    identity_usable: bool
    answerable: bool
    date_of_birth: str | None = None
    tin: str | None = None


# At a delivery point (or house) with at most this many earlier requests, a request is
# compared with every one of them, so typos and swapped names are caught; at a larger point (a
# facility, a tower) only with those sharing a surname key, to stay near linear time.
LENIENT_POINT_MAX = 50


def find_duplicates(rows: Sequence[PersonRequest]) -> dict[int, Finding]:
    """The ``DUPLICATE`` finding of each repeated request, by row index (domain §3).

    A request repeats an earlier answerable one when both name the same person
    (:func:`same_person_names`) at the same delivery point — the same USPS delivery key, or
    the same house, unit and ZIP with the street misspelt — and neither the date of birth
    nor the TIN disagrees. Candidates come from an index on the delivery key and surname keys
    (plus every earlier request at a point of at most ``LENIENT_POINT_MAX``), so a batch is
    screened in about linear time even when thousands of requests name one building.

    Example:
        >>> from taxgate.standardise.names import standardise_name as n
        >>> home = StandardAddress(AddressKind.STREET, "12", "", "MAIN", "ST", zip5="90210")
        >>> rows = [
        ...     PersonRequest("r1", n("Jose", None, "Garcia Lopez", None), home, True, True),
        ...     PersonRequest("r2", n("Pepe", None, "Garcia", None), home, True, True),
        ... ]
        >>> find_duplicates(rows)[1].message
        'repeats request r1 of this batch (same person at the same address)'
    """
    index = _OriginalIndex(rows)
    duplicates: dict[int, Finding] = {}
    for i, row in enumerate(rows):
        if not row.identity_usable or row.address.kind is AddressKind.UNKNOWN:
            continue
        original = index.original_of(i)
        if original is not None:
            duplicates[i] = Finding(
                ReasonCode.DUPLICATE,
                "request_id",
                f"repeats request {rows[original].request_id} of this batch "
                "(same person at the same address)",
            )
        elif row.answerable:
            index.add(i)
    return duplicates


class _OriginalIndex:
    """The earlier answerable requests of a batch, indexed by where and whom they name."""

    def __init__(self, rows: Sequence[PersonRequest]) -> None:
        self._rows = rows
        self._evidence = [(_strip(r.date_of_birth), _digits(r.tin)) for r in rows]
        self._by_surname: dict[tuple[str, str], list[int]] = {}
        self._by_point: dict[str, list[int]] = {}
        self._by_house: dict[str, list[int]] = {}
        self._by_evidence: dict[tuple[str, int, str], list[int]] = {}

    def add(self, i: int) -> None:
        address = self._rows[i].address
        point = address.delivery_key()
        for key in self._rows[i].name.surname_keys_with_middle:
            self._by_surname.setdefault((point, key), []).append(i)
        self._by_point.setdefault(point, []).append(i)
        self._by_house.setdefault(_house_key(address), []).append(i)
        for kind, value in enumerate(self._evidence[i]):
            if value:
                self._by_evidence.setdefault((point, kind, value), []).append(i)

    def original_of(self, i: int) -> int | None:
        """The earliest indexed request naming the same person at the same place, if any."""
        row = self._rows[i]
        point = row.address.delivery_key()
        candidates: set[int] = set()
        for key in row.name.surname_keys_with_middle:
            candidates.update(self._by_surname.get((point, key), ()))
        at_point = self._by_point.get(point, ())
        if len(at_point) <= LENIENT_POINT_MAX:
            candidates.update(at_point)
        at_house = self._by_house.get(_house_key(row.address), ())
        if len(at_house) <= LENIENT_POINT_MAX:
            candidates.update(j for j in at_house if _streets_meet(row, self._rows[j]))
        for kind, value in enumerate(self._evidence[i]):
            if value:
                candidates.update(self._by_evidence.get((point, kind, value), ()))
        for j in sorted(candidates):
            if self._conflict(i, j):
                continue
            earlier = self._rows[j].name
            if same_person_names(earlier, row.name) or (
                self._corroborated(i, j)
                and names_alike(earlier, row.name, same_record=self._same_record(i, j))
            ):
                return j
        return None

    def _conflict(self, i: int, j: int) -> bool:
        """Whether the date of birth or the TIN digits of two requests disagree."""
        return any(
            x and y and x != y for x, y in zip(self._evidence[i], self._evidence[j], strict=True)
        )

    def _corroborated(self, i: int, j: int) -> bool:
        """Whether both requests give the same date of birth, or the same TIN digits."""
        return any(x and x == y for x, y in zip(self._evidence[i], self._evidence[j], strict=True))

    def _same_record(self, i: int, j: int) -> bool:
        """Whether both requests give the same date of birth *and* the same TIN digits."""
        return all(x and x == y for x, y in zip(self._evidence[i], self._evidence[j], strict=True))


def _streets_meet(a: PersonRequest, b: PersonRequest) -> bool:
    """Two requests at one house number, unit and ZIP whose street names may be one street:
    one street misspelt (:func:`streets_alike`); or, for one name written identically, two
    slips apart in street names of five letters or more, however unlike they then look
    (ASWEN / ALPEN, each one slip from ASPEN)."""
    x, y = a.address.street_name, b.address.street_name
    if streets_alike(x, y):
        return True
    return a.name.full_key == b.name.full_key and two_slips(x, y, min_length=_TWO_SLIP_STREET_MIN)


_TWO_SLIP_STREET_MIN = 5


def _house_key(address: StandardAddress) -> str:
    """The delivery point without its street name (for a typo in the street name only)."""
    if address.kind is not AddressKind.STREET:
        return address.delivery_key()
    parts = (address.house_number, address.predirectional, address.suffix)
    rest = (address.postdirectional, address.unit_number, address.zip5)
    return "|".join((*parts, "*", *rest))


def same_person_names(a: StandardName, b: StandardName) -> bool:
    """Whether two names at one delivery point belong to one person (duplicate rule).

    True when the names are equivalent (:func:`names_equivalent`), when first and last names
    are swapped, or when one name agrees (exact or equivalent given name; exact or compound
    surname) and the other is one typo off, or each is one typo off (two listed names such as
    JUAN and JUANA are never a typo) — and neither the suffixes (JR/SR) nor full second
    given names disagree; or when the given names are equivalent and one surname begins the
    other's joined compound (:func:`joined_surname_starts_with`); or when one part is the
    same and the other two slips off (two requests, each with its own typo of one name).
    Domain §4 lists typos, swapped names and compound surnames joined or with the maternal
    part dropped as variations of one name.

    Example:
        >>> from taxgate.standardise.names import standardise_name as n
        >>> same_person_names(n("Dnna", None, "Graham", None), n("Donna", None, "Graham", None))
        True
        >>> same_person_names(n("Ana", None, "Ruiz", "Jr"), n("Ana", None, "Ruiz", "Sr"))
        False
    """
    if names_equivalent(a, b):
        return True
    if suffixes_conflict(a, b):
        return False
    # Every word of the shorter name meeting its own word of the other settles it before the
    # second-given test, which a swapped name defeats (ARIAS ESPINOSA RICARDO RAFAEL has
    # ESPINOSA as its "second given name"); brothers JUAN CARLOS and JUAN PABLO GARCIA do
    # not meet word for word.
    if words_match_in_any_order(a, b):
        return True
    if second_given_conflict(a, b):
        return False
    surname = surname_agreement(a, b)
    if surname is SurnameLevel.SWAPPED:
        return True
    if given_names_equivalent(a, b) and joined_surname_starts_with(a, b, slips=1):
        return True
    given = given_name_agreement(a, b)
    if given is GivenNameLevel.TYPO:
        # One slip in each part is still one person at one delivery point (JORGE RODRIGHEZ /
        # JOGRE RODRIGUEZ). Two listed names one letter apart (DINA / DIANA, JUAN / JUANA) may
        # be two people, yet a typo makes them too; here the safe reading is one person: a
        # false duplicate refuses a request, a missed one can answer the same person twice.
        return surname in (SurnameLevel.EXACT, SurnameLevel.COMPOUND_OVERLAP, SurnameLevel.TYPO)
    if given is GivenNameLevel.DISAGREE and (
        _misspelt_given(a.given_key, b.given_key) or forms_of_one_name(a.given_key, b.given_key)
    ):
        # A misspelt form of the other's name, or two nicknames of one name (LUPITA and LUPE
        # are both GUADALUPE, as JOHNNY and JOHN are one JOHN).
        return surname in (SurnameLevel.EXACT, SurnameLevel.COMPOUND_OVERLAP)
    if given_names_equivalent(a, b) and (
        surname is SurnameLevel.TYPO or _surname_keys_one_slip(a, b)
    ):
        return True
    return _one_same_other_two_slips(a, b)


def _misspelt_given(a: str, b: str) -> bool:
    """A given name one slip from a form of the other, or both slips off one name."""
    return misspelt_related_given_name(a, b) or misspelt_forms_of_one_name(a, b)


def _surname_keys_one_slip(a: StandardName, b: StandardName) -> bool:
    """A surname key of one (a middle name read as the maternal surname included) one slip
    from a key of the other: HERNANEDZGARCIA against HERNANDEZ with GARCIA as a middle name."""
    return any(
        is_typo(x, y) for x in a.surname_keys_with_middle for y in b.surname_keys_with_middle
    )


def _one_same_other_two_slips(a: StandardName, b: StandardName) -> bool:
    """The same first given name and a surname part two slips off (``MORGANN`` / ``MNRGAN``,
    two typos of MORGAN), or the same surname and a first given name two slips off (``ANIT``
    / ``AMIIT``), unless those are two listed names (MARTIN / MARTHA are two people)."""
    if a.given_key == b.given_key and len(a.given_key) > 1:
        return any(two_slips_alike(x, y) for x in a.surname_parts for y in b.surname_parts)
    if a.surname_joined != b.surname_joined or not a.surname_joined:
        return False
    return two_slips_alike(a.given_key, b.given_key) and not distinct_given_names(
        a.given_key, b.given_key
    )


def joined_surname_starts_with(a: StandardName, b: StandardName, *, slips: int = 0) -> bool:
    """One name's whole surname begins the other's joined compound surname.

    A compound surname written joined and, on the other request, with the maternal surname
    dropped (``SOLISDELACRUZ`` / ``SOLIS``, ``VARGASSSANCHEZ`` / ``VARGAS``): the joined form
    cannot be split when it carries a particle or a typo, yet its paternal part is plain. The
    shorter surname needs four letters and the rest of the joined one three more. With
    ``slips=1`` the joined form's first part may carry one slip (``OTIZGARCIA`` / ``ORTIZ``).

    Example:
        >>> from taxgate.standardise.names import standardise_name as n
        >>> soto = n("Ana", None, "Soto", None)
        >>> joined_surname_starts_with(n("Ana", None, "Sotoprez", None), soto)
        True
        >>> joined_surname_starts_with(n("Ana", None, "Sotos", None), soto)
        False
        >>> joined_surname_starts_with(n("Ana", None, "Stoprez", None), soto, slips=1)
        True
    """
    return _joined_begins_with(a.surname_joined, b.surname_joined, slips=slips)


def _joined_begins_with(a: str, b: str, *, slips: int) -> bool:
    """The longer word is the shorter (four letters or more) followed by three more, the
    shorter allowed ``slips`` (0 or 1) edits against the longer's beginning."""
    short, long = sorted((a, b), key=len)
    if len(short) < _JOINED_PREFIX_MIN or len(long) - len(short) < _JOINED_REST_MIN:
        return False
    if long.startswith(short):
        return True
    return slips > 0 and any(
        DamerauLevenshtein.distance(long[:size], short, score_cutoff=slips) <= slips
        for size in (len(short) - 1, len(short), len(short) + 1)
    )


_JOINED_PREFIX_MIN = 4
_JOINED_REST_MIN = 3


def words_match_in_any_order(a: StandardName, b: StandardName) -> bool:
    """Every word of the shorter name meets its own word of the other, in any order.

    A word meets another surely when it is the same or an equivalent given name (nickname or
    anglicised form), and loosely when it is one typo off or a misspelt equivalent
    (``DAVIID`` / ``DAVE``, through DAVID). This catches a repeat written with first and last
    names exchanged *and* a typo or a nickname (``DAVIS SAODRA`` / ``SANDRA DAVIS``,
    ``HOWARD JIMMY`` / ``JAMES HOWARD``, ``ROBERTS DAVIID`` / ``DAVE ROBERTS``), which the
    level-by-level rules miss. At least two words must meet, one of them surely; initials
    never count.

    Example:
        >>> from taxgate.standardise.names import standardise_name as n
        >>> swapped = n("Howard", None, "Jimmy", None)
        >>> words_match_in_any_order(swapped, n("James", None, "Howard", None))
        True
        >>> words_match_in_any_order(n("Ana", None, "Ruiz", None), n("Luis", None, "Ruiz", None))
        False
    """
    return any(
        _words_meet(words_a, words_b) for words_a in _readings(a, b) for words_b in _readings(b, a)
    )


def _readings(name: StandardName, other: StandardName) -> list[list[str]]:
    """A name's words: with the compound surname in parts, with it joined (a swapped
    repeat carries MORENOMENDEZ whole in the first-name field), with the maternal part
    dropped (``JOSE LARA RUIZ`` asked again as ``LARA JOSE``), with particles dropped
    (``DELACRUZ`` asked again with DE LA in the first-name field, which keeps only CRUZ),
    and without the middle names that ``other`` writes as a bare initial (``ADRIANA CLAUDIA
    MARTINEZ`` asked again as ``MARTINEZ-VAZQUEZ C ADRIANA``)."""
    given = [w for w in name.given_names if len(w) > 1]
    surname = [w for w in name.surname_parts if len(w) > 1]
    readings = [given + surname]
    bare = {g for g in other.given_names if len(g) == 1}
    shown = given[:1] + [w for w in given[1:] if w[0] not in bare]
    if shown != given:
        readings.append(shown + surname)
    cores = [_core(w, name.surname_keys) for w in surname]
    if cores != surname:
        readings.append(given + cores)
    if len(name.surname_parts) >= 2:
        readings.append(given + [w for w in (name.surname_joined,) if len(w) > 1])
        readings.append(given + surname[:1])
    return readings


def _core(part: str, keys: tuple[str, ...]) -> str:
    """A surname part without its particles (DELACRUZ → CRUZ), as its keys record it."""
    cores = [k for k in keys if k != part and len(k) > 2 and part.endswith(k)]
    return min(cores, key=len, default=part)


def _words_meet(words_a: list[str], words_b: list[str]) -> bool:
    """Some one-to-one pairing meets every word of the shorter list, one pair surely
    (typos everywhere are two people, not one person misspelt twice).

    Every pairing is tried (names have a handful of words): a greedy pick can hand a word
    to the wrong partner (MARIA to ARIAS, two slips, when MARA needed it).
    """
    small, big = sorted((words_a, words_b), key=len)
    if len(small) < 2 or len(big) > _MAX_WORDS:
        return False
    strength = [[_pair_strength(word, other) for other in big] for word in small]
    if any(max(row) == _NO for row in strength):
        return False
    return any(
        all(strength[i][k] != _NO for i, k in enumerate(pairing))
        and any(strength[i][k] == _SURE for i, k in enumerate(pairing))
        for pairing in permutations(range(len(big)), len(small))
    )


def _pair_strength(word: str, other: str) -> int:
    """:func:`_meet`, with one slip in a long word (a joined compound: MEDINAPEREZ /
    MDEINAPEREZ) counted as sure: it leaves no other name it could be."""
    strength = _meet(word, other)
    if strength == _LOOSE and min(len(word), len(other)) >= _LONG_WORD:
        return _SURE
    return strength


_MAX_WORDS = 8  # names longer than this are not compared word by word
_LONG_WORD = 8


_NO, _LOOSE, _SURE = 0, 1, 2


def names_alike(a: StandardName, b: StandardName, *, same_record: bool = False) -> bool:
    """Two names written for one person, each with its own slips: the looser reading that a
    shared date of birth or TIN at the same delivery point allows.

    Both requests varied the one name independently, so two variations may meet: two typos
    of one surname (``MORRFS`` / ``MOORRIS``), a typo in a swapped, joined compound
    (``VALDEZMUNOZ PEDO`` / ``PEDRO MUNOZ VALDEZ``), a middle name that is the other's maternal
    surname. At least two words must meet one to one, in any order (the same or an equivalent
    name, one or two slips, a joined compound holding the other word); a suffix conflict
    still separates them, and so do two listed first names that are not one name nor two
    nicknames of one (twins MARTIN and MARTHA share a birthday and a home; BILLY and WILL are
    both WILLIAM). A date of birth or TIN alone never suffices.

    With ``same_record`` (the requests give the same date of birth *and* the same TIN: the
    requester's one record sent twice), a listed first name may also be one slip from a form
    of the other: ``JUAN`` (JUANA misspelt into another listed name) against ``JANE`` (JUANA
    anglicised); and two words of five letters or more may be any two slips apart (LOPFZ /
    LIPEZ). Twins have two TINs.

    Example:
        >>> from taxgate.standardise.names import standardise_name as n
        >>> names_alike(n("Nicholas", None, "Morrfs", None), n("Nicholas", None, "Moorris", None))
        True
        >>> names_alike(n("Martin", None, "Smith", None), n("Martha", None, "Smith", None))
        False
    """
    if suffixes_conflict(a, b):
        return False
    if _other_first_names(a.given_key, b.given_key) and not (
        same_record and _slip_of_a_form(a.given_key, b.given_key)
    ):
        return False
    words_a = [w for w in (*a.given_names, *a.surname_parts) if len(w) > 1]
    words_b = [w for w in (*b.given_names, *b.surname_parts) if len(w) > 1]
    small, big = sorted((words_a, words_b), key=len)
    used: set[int] = set()
    for word in small:
        partner = next(
            (
                k
                for k, other in enumerate(big)
                if k not in used
                and (_words_alike(word, other) or (same_record and _same_record_alike(word, other)))
            ),
            None,
        )
        if partner is not None:
            used.add(partner)
    return len(used) >= _ALIKE_MIN_WORDS


_ALIKE_MIN_WORDS = 2
_ALIKE_MIN_PART = 4


def _other_first_names(a: str, b: str) -> bool:
    """Two first names of two people: distinct names that are not even two nicknames of one
    name nor one slip apart (BILLY and WILL are both WILLIAM; ANDRE and ANDRES with one birth
    date are one person misspelt; MARTIN and MARTHA are two people)."""
    return distinct_given_names(a, b) and not forms_of_one_name(a, b) and not is_typo(a, b)


def _slip_of_a_form(a: str, b: str) -> bool:
    """One word one slip from a listed form of the other, listed itself or not (JUAN is
    one slip from JUANA, a form of JANE)."""
    if min(len(a), len(b)) <= _SLIP_OF_FORM_MIN:
        return False
    return any(is_typo(a, form) for form in related_given_forms(b)) or any(
        is_typo(b, form) for form in related_given_forms(a)
    )


_SLIP_OF_FORM_MIN = 3


def _same_record_alike(a: str, b: str) -> bool:
    """Two words of the requester's one record sent twice: one slip from a form of the other,
    or two slips apart in words of five letters or more, however unlike they then look
    (LOPFZ / LIPEZ, each one slip from LOPEZ)."""
    return _slip_of_a_form(a, b) or two_slips(a, b, min_length=_ALIKE_MIN_PART + 1)


def _words_alike(a: str, b: str) -> bool:
    if (
        _meet(a, b) != _NO
        or forms_of_one_name(a, b)
        or (min(len(a), len(b)) > _ALIKE_MIN_PART and two_slips_alike(a, b))
    ):
        return True
    # A joined compound ending with the other word (one beginning with it, even with a
    # slip, already meets: ZAAMORACORONA against ZAMORA); or beginning with it two slips
    # off, one slip on each side (GARRCIAVARGAS against GARIA, both GARCIA).
    short, long = sorted((a, b), key=len)
    if len(short) < _ALIKE_MIN_PART or len(long) - len(short) < _JOINED_REST_MIN:
        return False
    if long.endswith(short):
        return True
    return len(short) > _ALIKE_MIN_PART and any(
        len(long) - size >= _JOINED_REST_MIN and two_slips_alike(long[:size], short)
        for size in range(len(short) - 2, len(short) + 3)
    )


def _meet(a: str, b: str) -> int:
    if a == b or related_given_names(a, b):
        return _SURE
    if is_typo(a, b) or _misspelt_given(a, b):
        return _LOOSE
    if two_slips_alike(a, b) and not distinct_given_names(a, b):
        return _LOOSE  # each request with its own slip (MINHH / MIHN for MINH)
    if _joined_begins_with(a, b, slips=1):
        return _LOOSE  # a joined compound against its paternal part (HERNANDEZBENITEZ)
    return _NO


def _strip(text: str | None) -> str:
    return (text or "").strip()


def _digits(tin: str | None) -> str:
    return "".join(c for c in tin or "" if c.isdigit())


def batch_flags(
    agreement: Agreement,
    *,
    officers: Sequence[str | None],
    reasons: Sequence[str | None],
    facility_count: int,
) -> list[BatchFlagFinding]:
    """The flags of one batch, in ``BatchFlag`` order; empty when nothing is implausible.

    Args:
        agreement: supplies ``screening.officer_max_records``, ``boilerplate_min_batch`` and
            ``boilerplate_reason_share``.
        officers: the officer of each request (None when not given).
        reasons: the reason text of each request.
        facility_count: how many accepted addresses name a detention facility.

    Example:
        >>> from taxgate.agreement import default_agreement_path, load_agreement
        >>> a = load_agreement(default_agreement_path())
        >>> flags = batch_flags(a, officers=["ofc 1"] * 300, reasons=["x"] * 300, facility_count=0)
        >>> [(f.flag.value, f.count) for f in flags]
        [('BATCH_BOILERPLATE_REASONS', 300), ('BATCH_OFFICER_OVERLOAD', 300)]
    """
    flags = [
        _boilerplate_flag(agreement, reasons),
        _officer_flag(agreement, officers),
        _facility_flag(facility_count),
    ]
    found = [flag for flag in flags if flag is not None]
    order = list(BatchFlag)
    return sorted(found, key=lambda f: order.index(f.flag))


def _boilerplate_flag(
    agreement: Agreement, reasons: Sequence[str | None]
) -> BatchFlagFinding | None:
    terms = agreement.screening
    total = len(reasons)
    if total < terms.boilerplate_min_batch:
        return None
    counts = Counter(r for r in map(normalise_reason, reasons) if r)
    if not counts:
        return None
    _, top = counts.most_common(1)[0]
    if top / total < terms.boilerplate_reason_share:
        return None
    return BatchFlagFinding(
        BatchFlag.BATCH_BOILERPLATE_REASONS,
        top,
        f"one reason text covers {top} of {total} requests "
        f"(flagged at {terms.boilerplate_reason_share:.0%} or more)",
    )


def _officer_flag(agreement: Agreement, officers: Sequence[str | None]) -> BatchFlagFinding | None:
    limit = agreement.screening.officer_max_records
    counts = Counter(" ".join(o.upper().split()) for o in officers if o and o.strip())
    over = [count for count in counts.values() if count > limit]
    if not over:
        return None
    return BatchFlagFinding(
        BatchFlag.BATCH_OFFICER_OVERLOAD,
        sum(over),
        f"{len(over)} officer(s) each cover more than {limit} requests "
        f"(largest: {max(over)}); the attestation requires officers personally and directly "
        "engaged in each investigation",
    )


def _facility_flag(facility_count: int) -> BatchFlagFinding | None:
    if facility_count <= 0:
        return None
    return BatchFlagFinding(
        BatchFlag.BATCH_FACILITY_ADDRESSES,
        facility_count,
        f"{facility_count} request(s) give a detention facility with a street address; "
        "legal review: a person in custody needs no locating",
    )
