"""``taxgate.app.explain.words``: masked TINs, days, filings, an address's origin in words."""

from __future__ import annotations

import doctest
from datetime import date

from taxgate.app.explain import words
from taxgate.app.explain.words import day_words, effective_day, lka_words, mask_tin


def test_module_examples_run() -> None:
    result = doctest.testmod(words)
    assert result.attempted > 0 and result.failed == 0


def test_a_tin_shows_its_last_four_digits_only() -> None:
    assert mask_tin("123-45-6789") == "XXX-XX-6789"
    assert mask_tin("9") == mask_tin(None) == "XXX-XX-XXXX"


def test_a_return_takes_effect_45_days_after_receipt_and_ncoa_at_once() -> None:
    assert effective_day("RETURN", date(2025, 2, 28)) == date(2025, 4, 14)
    assert effective_day("FORM_8822", date(2025, 2, 28)) == date(2025, 4, 14)
    assert effective_day("NCOA", date(2025, 2, 28)) == date(2025, 2, 28)


def test_the_address_says_which_filing_and_why_in_plain_words() -> None:
    text = lka_words(
        status="disclosed",
        doc_type="RETURN",
        tax_year="2024",
        received=date(2025, 2, 28),
        since=date(2020, 4, 27),
        as_of=date(2025, 7, 15),
        later=(("NCOA", date(2025, 7, 20)), ("FORM_8822", date(2025, 7, 1))),
    )
    assert text.startswith("This address was disclosed; it comes from the 2024 income tax return")
    assert "received on 28 February 2025." in text
    assert "latest in effect on 15 July 2025, the batch's as-of day" in text
    assert "it took effect on 14 April 2025, 45 days after it was received" in text
    assert "Not yet in effect on that day, so not used: " in text
    assert "the change-of-address form (Form 8822) received on 1 July 2025" in text
    assert "since 27 April 2020, the day it became the last known address" in text
    # Never the cryptic form the issue quotes.
    assert "RETURN:" not in text and "as of 2020-04-27" not in text


def test_an_address_that_became_the_lka_with_this_filing_says_so() -> None:
    text = lka_words(
        status="would be disclosed",
        doc_type="NCOA",
        tax_year=None,
        received=date(2024, 10, 9),
        since=date(2024, 10, 9),
        as_of=date(2025, 7, 15),
    )
    assert text.startswith("This address is the one that would be disclosed; it comes from the ")
    assert "USPS change-of-address (NCOA) update applied on 9 October 2024" in text
    assert "took effect on 9 October 2024, the day it was applied" in text
    assert "It became the last known address on 9 October 2024" in text
    assert day_words(date(2025, 1, 2)) == "2 January 2025"
