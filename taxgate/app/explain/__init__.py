"""``taxgate explain``: why a request was decided as it was, and where it stands now.

For disclosure officers, reviewers and auditors inside the disclosing agency. For every
decision an explanation shows the request as received and as standardised; each candidate
taxpayer (TIN masked) with every comparison's level and weight, and why they lost; the rule
that decided, in one sentence with its figures; the last known address that was or would be
disclosed, from which filing and why that filing, in plain words; a review's outcome; and,
for a rejected request, each code with its message and the value it judged. ``--json`` gives
the same as data (:meth:`Explanation.as_json`). The batch's counts come from the one source
every output reads (:mod:`taxgate.disclosure.counts`).

::

    gather.py      the store → an Explanation        candidates.py  each taxpayer, why they lost
    address.py     the address and its filing        rules.py       the rule, in one sentence
    words.py       masked TINs, days, filings        text.py        the Explanation as lines
"""

from __future__ import annotations

from taxgate.app.explain.gather import explain_request
from taxgate.app.explain.model import Explanation
from taxgate.app.explain.rules import RULES
from taxgate.app.explain.text import explanation_lines

__all__ = ["RULES", "Explanation", "explain_request", "explanation_lines"]
