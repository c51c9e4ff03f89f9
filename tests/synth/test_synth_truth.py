"""The truth's judgement of who else a request's written name fits (its rivals)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import numpy as np

from taxgate.synth import vocab
from taxgate.synth.names import same_given_name
from taxgate.synth.requests import RequestBuilder
from taxgate.synth.truth import Evidence, MasterIndex
from taxgate.synth.variants import Person


def test_a_nickname_of_two_names_does_not_make_them_one_class() -> None:
    roots = vocab.name_variants()
    assert roots.root_of("ALBERTO") != roots.root_of("ROBERTO")  # both have BETO
    assert roots.root_of("ROBERT") == roots.root_of("ROBERTO") == roots.root_of("BOB")
    assert roots.root_of("STEVEN") == roots.root_of("STEPHEN")  # both are ESTEBAN
    variants = roots.variants
    assert "BETO" in variants["ALBERTO"] and "BETO" in variants["ROBERTO"]


def index_of(people: list[tuple[str, str, str]]) -> MasterIndex:
    """A master index over ``(given, paternal, maternal)`` people (only names are used)."""
    given, surnames = vocab.given_names(), vocab.surnames()

    def surname(text: str) -> int:
        return surnames.names.index(text) if text else -1

    pop = SimpleNamespace(
        given1=np.array([given.names.index(g) for g, _p, _m in people]),
        paternal=np.array([surname(p) for _g, p, _m in people]),
        maternal=np.array([surname(m) for _g, _p, m in people]),
        maiden=np.full(len(people), -1),
    )
    fields: dict[str, Any] = {f: None for f in MasterIndex.__dataclass_fields__}
    return MasterIndex(**(fields | {"pop": pop}))


def test_a_name_fits_a_rival_of_its_class_with_a_shared_surname() -> None:
    index = index_of([("ROBERTO", "HERNANDEZ", ""), ("ROBERT", "HERNANDEZ", "")])
    assert index.fits(0, 1, Evidence(given="ROBERTO"))


def test_another_name_that_only_shares_a_nickname_is_no_rival() -> None:
    index = index_of([("ROBERTO", "HERNANDEZ", ""), ("ALBERTO", "HERNANDEZ", "")])
    assert not index.fits(0, 1, Evidence(given="ROBERTO"))
    # ... unless the request wrote that very nickname, which fits both.
    assert index.fits(0, 1, Evidence(given="BETO"))


def test_a_written_maternal_surname_rules_out_a_rival_with_another() -> None:
    index = index_of(
        [
            ("MARIA", "CASTANEDA", "ESPINOZA"),
            ("MARIA", "CASTANEDA", "ALVAREZ"),
            ("MARIA", "CASTANEDA", ""),
        ]
    )
    assert not index.fits(0, 1, Evidence(given="MARIA", maternal=True))
    assert index.fits(0, 1, Evidence(given="MARIA", maternal=False))  # CASTANEDA alone
    assert index.fits(0, 2, Evidence(given="MARIA", maternal=True))  # no maternal on file


def test_a_paternal_surname_written_alone_fits_only_rivals_who_have_it() -> None:
    index = index_of(
        [
            ("DANIEL", "FRANCO", "MARTINEZ"),
            ("DANIEL", "MARTINEZ", "HERNANDEZ"),
            ("DANIEL", "LOPEZ", "FRANCO"),
        ]
    )
    dropped = Evidence(given="DANIEL", paternal_only=True)
    assert not index.fits(0, 1, dropped)  # DANIEL FRANCO is not DANIEL MARTINEZ HERNANDEZ
    assert index.fits(0, 2, dropped)  # ... but may be DANIEL LOPEZ FRANCO
    assert index.fits(0, 1, Evidence(given="DANIEL"))  # maternal as a middle name: shared


def test_a_non_filer_relative_never_takes_a_name_equivalent_to_a_filer_s() -> None:
    assert same_given_name("ELIZABETH", "LISA")  # the generator's own table relates them
    assert same_given_name("ROBERT", "ROBERTO")  # the Spanish-English table does
    assert not same_given_name("ROSE", "LISA")


def test_a_written_compound_fits_only_rivals_with_its_paternal_surname() -> None:
    index = index_of(
        [
            ("MARIA", "OCHOA", "HERNANDEZ"),
            ("MARIA", "HERNANDEZ", ""),
            ("MARIA", "OCHOA", ""),
        ]
    )
    written = Evidence(given="MARIA", maternal=True)  # OCHOA-HERNANDEZ, any form
    assert not index.fits(0, 1, written)  # HERNANDEZ alone is not OCHOA HERNANDEZ
    assert index.fits(0, 2, written)  # OCHOA with the maternal never filed: may be her
    as_middle = Evidence(given="MARIA")  # MARIA HERNANDEZ OCHOA: the middle meets HERNANDEZ
    assert index.fits(0, 1, as_middle)


def test_a_rival_is_judged_on_the_surnames_its_filings_show() -> None:
    # MARIA ESCOBAR's maternal surname HERNANDEZ is in no filing of hers: a request for
    # MARIA HERNANDEZ cannot fit her, whatever the population knows.
    people = [("MARIA", "HERNANDEZ", ""), ("MARIA", "ESCOBAR", "HERNANDEZ")]
    index = index_of(people)
    assert index.fits(0, 1, Evidence(given="MARIA"))  # maternal on file
    hidden = dataclasses.replace(index, maternal_on_file=np.array([True, False]))
    assert not hidden.fits(0, 1, Evidence(given="MARIA"))


def test_namesakes_related_by_the_domain_equivalence_are_compatible() -> None:
    index = index_of([("MARY", "FORD", ""), ("MARIE", "FORD", ""), ("ROSE", "FORD", "")])
    assert index.compatible(0, 1)  # MARY and MARIE are one name to any careful system
    assert not index.compatible(0, 2)


def test_a_non_filer_is_checked_against_filers_by_the_name_the_request_writes() -> None:
    # JOSEPH JOHNSON, a non-filer, written JOE at the address where JOSHUA JOHNSON files: JOE
    # is a JOSHUA's nickname too, so the request fits the filer although JOSEPH does not.
    given, surnames = vocab.given_names(), vocab.surnames()
    pop = SimpleNamespace(
        given1=np.array([given.names.index("JOSHUA")]),
        paternal=np.array([surnames.names.index("JOHNSON")]),
        maternal=np.array([-1]),
    )
    index = SimpleNamespace(
        pop=pop,
        taxpayers_at=lambda dp: [0],
        surnames=lambda taxpayer: {int(pop.paternal[taxpayer])},
    )
    builder = SimpleNamespace(index=index)
    joseph = Person("JOSEPH", "", "JOHNSON", "", "")
    assert not RequestBuilder.fits_a_filer_at(builder, joseph, 7)
    assert RequestBuilder.fits_a_filer_at(builder, joseph, 7, "JOE")


def test_a_name_the_filings_never_show_cannot_be_told_apart() -> None:
    # Domain §4: the requested name must be the taxpayer's as the master file shows it. Two
    # people: the first wrote their second given name in full and filed under their current
    # surname; the second never wrote the second given name and filed only under a maiden
    # surname (married after the last filing).
    base = index_of([("MARIA", "GARCIA", ""), ("JESSICA", "WILLIAMS", "")])
    miller = vocab.surnames().names.index("MILLER")
    pop = SimpleNamespace(**(vars(base.pop) | {"maiden": np.array([-1, miller])}))
    index = dataclasses.replace(
        base,
        pop=pop,
        middle_on_file=np.array([True, False]),
        current_on_file=np.array([True, False]),
        maiden_on_file=np.array([False, True]),
    )
    plain = Evidence()
    middle = Evidence(middle_as_first=True)
    maiden = Evidence(maiden_written=True)
    assert index.name_on_file(0, plain) and index.name_on_file(0, middle)
    assert not index.name_on_file(0, maiden)
    assert not index.name_on_file(1, plain) and not index.name_on_file(1, middle)
    assert index.name_on_file(1, maiden)
    # A compound that carries a surname the filings show (the maiden surname kept as the
    # maternal one, written after the new one) is the taxpayer's.
    compound = dataclasses.replace(
        index, pop=SimpleNamespace(**(vars(pop) | {"maternal": np.array([-1, miller])}))
    )
    assert compound.name_on_file(1, Evidence(maternal=True))
    assert compound.name_on_file(1, Evidence(maternal_as_middle=True))
    assert not compound.name_on_file(1, Evidence())
    # A TIN does not make a name the taxpayer's.
    with_tin = dataclasses.replace(
        index, pop=SimpleNamespace(**vars(pop), tin=np.array([111111111, 222222222]))
    )
    assert not with_tin.distinguishable(1, None, Evidence(tin=222222222))
    assert with_tin.distinguishable(0, None, Evidence(tin=111111111))
