"""The name relations the matcher's SQL levels are written from, stated once.

Whether two names agree is decided by the given-name and surname comparison levels
(:mod:`taxgate.matching.comparisons`), which are SQL; the name channel weighs what a level
leaves open (:mod:`taxgate.matching.name_channel`). Here are the thresholds those levels
read, and :func:`related_given_names`, the ``equivalent`` level said in Python (a test holds
the SQL to it).

Example:
    >>> related_given_names("PACO", "FRANK"), related_given_names("ROBERT", "WILLIAM")
    (True, False)
"""

from __future__ import annotations

from taxgate.standardise.name_tables import related_given_forms
from taxgate.standardise.names import phonetic_key

# A slip: one edit (insert, delete, substitute, transpose). Given names shorter than
# TYPO_MIN_LENGTH have none (LI/LU or AL/ED are different names, not misspellings); a whole
# surname is slipped at a Jaro-Winkler similarity this high as well.
TYPO_MAX_EDITS = 1
TYPO_MIN_JARO_WINKLER = 0.92
TYPO_MIN_LENGTH = 3

# A joined compound that begins with a whole surname of the other name (GONZALEZOLVERA and
# GONZALEZ) when the join cannot be split from the word list: the first part needs four
# letters and the rest four more, so that CRUZADO does not begin with CRUZ.
JOINED_PREFIX_MIN = 4
JOINED_REST_MIN = 4
# The same rule where the swapped level reads a joined compound written in the first-name
# field (DIAZESTRADA against DIAZ): there the rest needs only three letters more. One rule at
# two thresholds, kept as the levels were measured until they are measured as one.
JOINED_GIVEN_REST_MIN = 3


def related_given_names(a: str, b: str) -> bool:
    """One given name is listed as a nickname or translation of the other, or the two are
    spellings of one name.

    Spellings of one name (STEPHEN / STEVEN, CATHERINE / KATHERINE, GEOFFREY / JEFFREY)
    sound the same (one Metaphone key) and share a nickname or translation. Sharing a form
    alone is not enough: ROBERT and WILLIAM both list BILL, and are two names.

    Example:
        >>> related_given_names("BILL", "WILLIAM"), related_given_names("ROBERT", "WILLIAM")
        (True, False)
        >>> related_given_names("STEPHEN", "STEVEN"), related_given_names("MARIO", "MARIA")
        (True, False)
    """
    forms_a, forms_b = related_given_forms(a), related_given_forms(b)
    if b in forms_a or a in forms_b:
        return True
    key = phonetic_key(a)
    return key != "" and key == phonetic_key(b) and not forms_a.isdisjoint(forms_b)
