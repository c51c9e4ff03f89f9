"""How deeply a JSON text nests, measured before any parser sees it.

Python's ``json`` recurses once per level (a manifest of 400 KB of ``[`` raised
``RecursionError``) and pyarrow's JSON reader crashes the whole process on a line nested
20,000 levels deep. A request line is a flat object of strings and a manifest nests one
level, so anything nested deeper than ``MAX_JSON_DEPTH`` is refused before it is parsed.

The measure strips strings (where brackets mean nothing), keeps only brackets, then removes
innermost ``[]`` and ``{}`` pairs one layer per pass: a text still holding a pair after
``limit`` passes nests deeper than ``limit``. Only a line with more opening brackets than
``limit`` (strings included) can nest that deep, so only such lines are measured; the rest
cost one ``bytes.translate``.

Example:
    >>> too_deep_line(b'{"a": "[[[["}\\n{"b": [[1]]}\\n', limit=2, per_line=True)
    1
    >>> too_deep_line(b'{"a": [1, {"b": 2}]}', limit=3, per_line=False) is None
    True
"""

from __future__ import annotations

import re

from taxgate.agreement import DEFAULT_MAX_JSON_DEPTH

MAX_JSON_DEPTH = DEFAULT_MAX_JSON_DEPTH
"""The deepest JSON nesting read where no agreement says (``screening.max_json_depth``)."""

# A JSON string: escapes skipped; one left open ends at the line's end (never spans lines).
_STRING = re.compile(rb'"[^"\\\n]*(?:\\.[^"\\\n]*)*"?')
_PAIR = re.compile(rb"\[\]|\{\}")
_BRACKETS = b"[]{}"
_DROP_ALL_BUT_BRACKETS = bytes(b for b in range(256) if b not in _BRACKETS)
_DROP_ALL_BUT_OPENS = bytes(b for b in range(256) if b not in b"[{\n")
_STEP = 16 << 20


def too_deep_line(data: bytes | memoryview, *, limit: int, per_line: bool) -> int | None:
    """The 0-based index of the first line nested deeper than ``limit``, or None.

    Args:
        data: The JSON text (UTF-8 bytes).
        limit: The deepest nesting accepted.
        per_line: JSON Lines (each line its own document) rather than one document; for
            one document the answer is 0 or None.
    """
    view = memoryview(data)
    if not per_line:
        text = bytes(view)
        deep = text.count(b"[") + text.count(b"{") > limit and _too_deep(text, limit)
        return 0 if deep else None
    first_line = 0
    start = 0
    # In steps cut at line ends, so that the working copies stay small for a large file.
    while start < len(view):
        end = min(start + _STEP, len(view))
        if end < len(view):
            cut = bytes(view[end : min(end + _STEP, len(view))]).find(b"\n")
            end = len(view) if cut < 0 else end + cut + 1
        chunk = bytes(view[start:end])
        # A line cannot nest deeper than it has opening brackets (strings included), so
        # only a line with more than ``limit`` of them is measured exactly.
        opens = chunk.translate(None, _DROP_ALL_BUT_OPENS).split(b"\n")
        suspects = [index for index, line in enumerate(opens) if len(line) > limit]
        if suspects:
            lines = chunk.split(b"\n")
            for index in suspects:
                if _too_deep(lines[index], limit):
                    return first_line + index
        first_line += len(opens) - 1
        start = end
    return None


def _too_deep(text: bytes, limit: int) -> bool:
    structure = _STRING.sub(b"", text).translate(None, _DROP_ALL_BUT_BRACKETS)
    for _ in range(limit):
        reduced = _PAIR.sub(b"", structure)
        if len(reduced) == len(structure):
            break
        structure = reduced
    unmatched_opens = structure.count(b"[") + structure.count(b"{")
    return bool(_PAIR.search(structure)) or unmatched_opens > limit
