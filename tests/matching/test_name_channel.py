"""The name channel: a written name weighs by how many people carry it."""

from __future__ import annotations

import dataclasses
import math

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from taxgate.matching.name_channel import (
    GIVEN_NAME_FLOOR,
    MIDDLE_SAME_PERSON_ERROR,
    NameChannel,
    family_names,
    given_level_bits,
    middle_bits,
    never_written_bits,
    second_given_names,
)
from taxgate.standardise.name_frequency import given_name_share, initial_share

M = {
    "exact": 0.87,
    "equivalent": 0.036,
    "typo": 0.03,
    "form_typo": 0.003,
    "initial": 0.012,
    "disagree": 0.018,
}


@pytest.fixture(scope="module")
def channel() -> NameChannel:
    return NameChannel(M, {}, 0.0)  # the population shares alone


def test_population_shares_tell_common_from_rare_and_from_no_name() -> None:
    assert given_name_share("MARY") > given_name_share("MARLENE") > given_name_share("DNNA")
    assert 0 < initial_share("J") < 1


def test_a_slip_that_makes_no_name_weighs_for_the_filer(channel: NameChannel) -> None:
    slip = given_level_bits(channel, "typo", "DNNA", "DONNA")
    assert slip is not None and slip > 5


@pytest.mark.parametrize(
    ("asked", "filed"),
    [("FRANCES", "FRANCIS"), ("MARLENE", "DARLENE"), ("PAULA", "PAUL"), ("JAYLEN", "JAYDEN")],
)
def test_a_slip_that_makes_another_common_name_weighs_against(
    channel: NameChannel, asked: str, filed: str
) -> None:
    # The class: a one-letter difference that is itself a name many people carry (another
    # gender's form, a first-letter change, a twin's name).
    # Without more evidence, the filer must not be the clear owner of the written name.
    bits = given_level_bits(channel, "typo", asked, filed)
    assert bits is not None and bits < 1


def test_a_typo_never_weighs_more_than_the_exact_name(channel: NameChannel) -> None:
    exact = given_level_bits(channel, "exact", "DONNA", "DONNA")
    slip = given_level_bits(channel, "typo", "DNNA", "DONNA")
    assert exact is not None and slip is not None and slip <= exact + 1e-9


def test_an_initial_weighs_by_how_many_names_share_the_letter(channel: NameChannel) -> None:
    j = given_level_bits(channel, "initial", "J", "JAMES")
    q = given_level_bits(channel, "initial", "Q", "QUENTIN")
    assert j is not None and q is not None and 0 < j < q


def test_other_levels_keep_the_model_weight(channel: NameChannel) -> None:
    assert given_level_bits(channel, "equivalent", "BOB", "ROBERT") is None
    assert given_level_bits(channel, "typo", "", "ROBERT") is None


def test_second_given_names(channel: NameChannel) -> None:
    assert middle_bits({"PABLO"}, {"CARLOS"}, channel) == math.log2(MIDDLE_SAME_PERSON_ERROR)
    assert middle_bits({"C"}, {"CARLOS"}, channel) > 0
    assert middle_bits(set(), {"CARLOS"}, channel) == 0.0
    assert middle_bits({"C"}, {"C"}, channel) == 0.0


def test_the_channel_reads_the_model_and_the_master_frequencies() -> None:
    settings = {
        "comparisons": [
            {
                "output_column_name": "given_name",
                "comparison_levels": [
                    {"label_for_charts": "exact", "m_probability": 0.9},
                    {"label_for_charts": "disagree", "m_probability": 0.1},
                ],
            }
        ]
    }
    from taxgate.matching.model import MatchModel

    tf = pa.table({"given_key": ["ZORBLAX"], "tf_given_key": [0.25]})
    large = NameChannel.from_model(MatchModel(settings=settings), tf, 10_000_000)
    assert large.m == {"exact": 0.9, "disagree": 0.1}
    assert large.share("ZORBLAX") == pytest.approx(0.25, rel=0.01)
    # In a master of four records, one filer of a name does not make it a quarter of people.
    small = NameChannel.from_model(MatchModel(settings=settings), tf, 4)
    assert small.share("ZORBLAX") < 0.001


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=12))
def test_typo_bits_are_finite_for_any_written_name(name: str) -> None:
    channel = NameChannel(M, {}, 0.0)
    bits = given_level_bits(channel, "typo", name, name[::-1])
    assert bits is not None and math.isfinite(bits)


@pytest.mark.parametrize("level", ["exact", "equivalent", "swapped", "typo"])
def test_a_suffix_the_filer_does_not_carry_points_to_a_namesake(
    channel: NameChannel, level: str
) -> None:
    # RICARDO FLORES JR asked (in any order of the names) where RICARDO FLORES files without
    # a suffix: a junior of his name at home is likely, whatever the name's rarity.
    judged = channel.judge(level, ("RICARDO", ("RICARDO",), "JR"), ("RICARDO", ("RICARDO",), ""))
    assert judged.junior_bits > 0
    same = channel.judge(level, ("RICARDO", ("RICARDO",), "JR"), ("RICARDO", ("RICARDO",), "JR"))
    assert same.junior_bits == 0


def test_agreeing_names_never_outweigh_a_namesake_relative(channel: NameChannel) -> None:
    # A rare given name and its middle initial: a junior of the filer's names carries both,
    # so the middle adds nothing once the given name alone reaches the namesake's chance.
    rare = channel.judge("exact", ("ZEBEDIAH", ("PABLO", "ZEBEDIAH"), ""),
                         ("ZEBEDIAH", ("PABLO", "ZEBEDIAH"), ""))  # fmt: skip
    ceiling = math.log2(M["exact"] / 0.005)
    assert rare.given_bits is not None
    assert rare.given_bits + rare.middle_bits <= ceiling + 1e-9
    # A common given name leaves room for the middle name to tell.
    john = ("JOHN", ("JOHN", "PABLO"), "")
    common = channel.judge("exact", john, john)
    assert common.middle_bits > 0


def test_a_slip_that_turns_the_name_to_the_other_sex_may_be_a_relative(
    channel: NameChannel,
) -> None:
    # JUANA for JUAN is one letter, and JUANA is rare, yet a daughter or wife named after
    # the filer is as likely as the slip: it weighs far less than a slip of one sex.
    other_sex = given_level_bits(channel, "typo", "JUANA", "JUAN")
    same_sex = given_level_bits(channel, "typo", "JUANN", "JUAN")
    assert other_sex is not None and same_sex is not None
    assert other_sex < 3 < same_sex


def test_second_given_names_count_when_the_names_are_exchanged(channel: NameChannel) -> None:
    asked = ("ANTONIA", ("ANTONIA", "BLANCA"), "")
    filed = ("ANTONIA", ("ANTONIA", "ROSA"), "")
    assert channel.judge("swapped", asked, filed).middle_bits < 0


def test_two_equal_initials_weigh_as_an_initial(channel: NameChannel) -> None:
    # J written where the filer wrote J: the letter, not a rare whole name called J.
    same = given_level_bits(channel, "exact", "J", "J")
    initial = given_level_bits(channel, "initial", "J", "JOHN")
    assert same == initial


def test_an_initial_first_name_is_told_by_the_second_given_name(channel: NameChannel) -> None:
    # Class: an initial as the first name with a full middle name (J HECTOR). The middle name
    # is then what names the person: the filer's own (written whole or as its initial) weighs
    # for them, another (a brother J PABLO) against.
    asked = ("J", ("HECTOR", "J"), "")
    assert channel.judge("initial", asked, ("JOSE", ("H", "JOSE"), "")).middle_bits > 0
    assert channel.judge("initial", asked, ("JOSE", ("HECTOR", "JOSE"), "")).middle_bits > 0
    brother = channel.judge("initial", asked, ("JOSE", ("JOSE", "PABLO"), ""))
    assert brother.middle_bits == math.log2(MIDDLE_SAME_PERSON_ERROR)
    # A filer who never wrote a second given name: the middle name tells only mildly.
    unwritten = channel.judge("initial", asked, ("JOSE", ("JOSE",), "")).middle_bits
    assert unwritten == never_written_bits(1)
    assert brother.middle_bits < unwritten < 0


def test_a_slip_of_a_short_form_weighs_by_the_written_name(channel: NameChannel) -> None:
    # PEGY (PEGGY, a form of MARGARET, with a letter dropped) is no one's name: a slip.
    pegy = given_level_bits(channel, "form_typo", "PEGY", "MARGARET")
    assert pegy is not None and pegy > 2
    exact = given_level_bits(channel, "exact", "MARGARET", "MARGARET")
    assert exact is not None and pegy <= exact + 1e-9
    # MARIA is one letter from MARTA (a form of MARTHA), but a common name of its own and not
    # a common slip: evidence against, not for.
    maria = given_level_bits(channel, "form_typo", "MARIA", "MARTHA")
    assert maria is not None and maria < -3


def test_a_second_given_name_never_written_weighs_more_the_more_filings_left_it_out(
    channel: NameChannel,
) -> None:
    # Class: the request writes CARMEN MARTHA; the filer CARMEN never wrote a second given
    # name. A sister CARMEN MARTHA who never filed is then more likely, the more of the
    # filer's returns show no middle name; one return says little.
    bits = [never_written_bits(k) for k in range(1, 7)]
    assert all(b < 0 for b in bits)
    assert bits == sorted(bits, reverse=True)
    assert bits[0] > -1  # one filing: mild
    assert bits[-1] > math.log2(MIDDLE_SAME_PERSON_ERROR)  # never as strong as another name
    carmen = ("CARMEN", ("CARMEN", "MARTHA"), "")
    filer = ("CARMEN", ("CARMEN",), "")
    assert channel.judge("exact", carmen, filer, filings=4).middle_bits == never_written_bits(4)
    # Nothing asked, nothing weighed.
    assert channel.judge("exact", filer, filer, filings=4).middle_bits == 0.0


@given(st.integers(min_value=1, max_value=10_000))
def test_never_written_bits_are_finite_and_bounded(filings: int) -> None:
    bits = never_written_bits(filings)
    assert math.isfinite(bits)
    # Never stronger than a request that invented the middle name for a filer without one.
    floor = math.log2(0.25 * 0.05 / ((0.75 * 0.6 + 0.25 * 0.05) * 0.25))
    assert floor - 1e-9 <= bits < 0


def test_the_joined_form_of_two_given_names_is_no_second_given_name() -> None:
    # The features carry JI-YOUNG also as JIYOUNG, and BECKY KAREN also as BECKYKAREN.
    assert second_given_names("BECKY", ("BECKY", "BECKYKAREN", "KAREN")) == {"KAREN"}
    assert second_given_names("JI", ("JI", "JIYOUNG", "YOUNG")) == {"YOUNG"}
    assert second_given_names("JIYOUNG", ("JIYOUNG",)) == set()
    assert second_given_names("ANN", ("ANN", "MARIE")) == {"MARIE"}


def test_a_middle_word_is_the_familys_when_a_surname_field_or_the_population_says_so() -> None:
    # The standardiser keeps every middle word it cannot place as a possible surname too.
    possible = ("BROWN", "BROWNKAREN", "KAREN", "KARENBROWN", "ZAMBRANO", "GARCIA")
    family = family_names("BROWN", possible)
    assert "KAREN" not in family  # a first name of many births: a second given name
    assert {"ZAMBRANO", "GARCIA", "BROWN"} <= family  # no one's first name; a common surname
    # Common surnames: LEON and CRUZ are rare first names, JAMES and THOMAS common ones.
    both = family_names("MILLER", ("LEON", "CRUZ", "JAMES", "THOMAS"))
    assert both == {"MILLER", "LEON", "CRUZ"}
    # Written in a surname field of the taxpayer's own (RIVERA LEON), LEON is the family's.
    assert "LEON" in family_names("RIVERA LEON", ("RIVERA", "LEON"))
    assert family_names(None, None) == frozenset()


def test_a_middle_word_many_taxpayers_carry_as_a_first_name_is_a_second_given_name() -> None:
    # Class: second given names of naming traditions the US birth tables barely know (MEI,
    # HOA): by those tables no one's first name, so the family's, and a sister JI-YOUNG HOA
    # was not told from a filer JI-YOUNG MEI. The master's own first names say otherwise.
    assert "MEI" in family_names("TRUONG", ("MEI",))
    master = {"MEI": 2e-4, "HOA": 1e-4}
    family = family_names("TRUONG", ("MEI", "ZAMBRANO"), lambda w: master.get(w, 0.0))
    assert family == {"TRUONG", "ZAMBRANO"}


def test_the_channel_share_counts_the_master_s_first_names(channel: NameChannel) -> None:
    # A name no birth table knows, carried by many of a large master's filers, is common.
    big = dataclasses.replace(channel, master_share={"HOA": 2e-4}, master_records=1_000_000.0)
    assert big.share("HOA") > GIVEN_NAME_FLOOR > given_name_share("HOA")


def test_a_middle_name_of_the_tables_agrees_with_itself_on_both_sides(
    channel: NameChannel,
) -> None:
    # BECKY KAREN for REBECCA KAREN: the joined forms (BECKYKAREN, REBECCAKAREN) differ, and
    # must not make two different second given names.
    judged = channel.judge(
        "equivalent",
        ("BECKY", ("BECKY", "BECKYKAREN", "KAREN"), ""),
        ("REBECCA", ("KAREN", "REBECCA", "REBECCAKAREN"), ""),
    )
    assert judged.middle_bits > 0


def test_the_family_word_leaves_the_request_with_the_joined_form_it_makes() -> None:
    from taxgate.matching.evidence import _without

    asked = ("PAT", ("LEON", "PAT", "PATLEON"), "")
    assert _without(asked, frozenset({"LEON", "RIVERA"})) == ("PAT", ("PAT",), "")
    assert _without(asked, frozenset({"RIVERA"})) == asked


def test_second_given_names_weigh_alike_whatever_order_they_are_read_in(
    channel: NameChannel,
) -> None:
    # Two agreeing pairs (J and JOON against J and JOON): the strongest counts, in any order.
    asked, filed = {"J", "JOON"}, {"JOON", "J"}
    weights = {
        middle_bits(set(order_a), set(order_b), channel)
        for order_a in (("J", "JOON"), ("JOON", "J"))
        for order_b in (("J", "JOON"), ("JOON", "J"))
    }
    assert len(weights) == 1
    assert middle_bits(asked, filed, channel) == min(-math.log2(channel.share("JOON")), 4.0)


def test_second_given_names_left_over_on_both_sides_disagree(channel: NameChannel) -> None:
    # Class: a sister shares the family's names and differs in her own. JI-YOUNG HOA against
    # JI-YOUNG MEI: the YOUNG of the hyphenated first name agrees on both sides, HOA and MEI
    # are left over, and they count against as two different second given names do.
    alone = middle_bits({"YOUNG"}, {"YOUNG"}, channel)
    sisters = middle_bits({"YOUNG", "HOA"}, {"YOUNG", "MEI"}, channel)
    assert sisters == pytest.approx(alone + math.log2(MIDDLE_SAME_PERSON_ERROR))
    # A name left over on one side only (a second given name the filer never wrote, or an
    # initial that pairs with a full name) is no disagreement.
    assert middle_bits({"YOUNG", "HOA"}, {"YOUNG"}, channel) == alone
    assert middle_bits({"YOUNG", "M"}, {"YOUNG", "MEI"}, channel) == alone
