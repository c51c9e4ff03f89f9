"""JSON nesting is measured on the bytes, before any parser (which recurses, or crashes)."""

from __future__ import annotations

import doctest
import time

from hypothesis import given
from hypothesis import strategies as st

from taxgate.intake import json_depth
from taxgate.intake.json_depth import MAX_JSON_DEPTH, too_deep_line


def test_doc_examples() -> None:
    result = doctest.testmod(json_depth, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_brackets_inside_strings_do_not_count() -> None:
    line = b'{"reason": "[[[[[[[[[[{{{{{{{{", "note": "\\"[[[["}\n'
    assert too_deep_line(line * 3, limit=2, per_line=True) is None


def test_the_first_deep_line_is_named() -> None:
    flat = b'{"a": "b"}\n'
    deep = b'{"a": ' + b"[" * 10 + b"]" * 10 + b"}\n"
    assert too_deep_line(flat * 5 + deep + flat, limit=8, per_line=True) == 5
    assert too_deep_line(flat * 5 + deep, limit=11, per_line=True) is None


def test_unclosed_brackets_count_as_depth() -> None:
    assert too_deep_line(b"[" * 70, limit=64, per_line=True) == 0
    assert too_deep_line(b"[" * 70, limit=64, per_line=False) == 0
    assert too_deep_line(b"[" * 60, limit=64, per_line=False) is None


def test_one_document_may_span_lines() -> None:
    pretty = b'{\n  "a": [\n    {\n      "b": 1\n    }\n  ]\n}\n'
    assert too_deep_line(pretty, limit=3, per_line=False) is None
    assert too_deep_line(pretty, limit=2, per_line=False) == 0


def test_a_400kb_manifest_of_brackets_is_measured_at_once() -> None:
    started = time.process_time()
    assert too_deep_line(b"[" * 400_000, limit=MAX_JSON_DEPTH, per_line=False) == 0
    balanced = b'{"a": ' + b"[" * 200_000 + b"]" * 200_000 + b"}\n"
    assert too_deep_line(balanced, limit=MAX_JSON_DEPTH, per_line=True) == 0
    assert time.process_time() - started < 2.0


@given(depth=st.integers(min_value=0, max_value=80), limit=st.integers(min_value=1, max_value=70))
def test_depth_of_nested_lists_is_exact(depth: int, limit: int) -> None:
    text = b'{"k": ' + b"[" * depth + b'"x"' + b"]" * depth + b"}"
    deep = too_deep_line(text, limit=limit, per_line=False) is not None
    assert deep == (depth + 1 > limit)
