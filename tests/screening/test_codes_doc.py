"""docs/reason-codes.md is generated from the enums and must stay in sync with them."""

from __future__ import annotations

from pathlib import Path

from taxgate.screening.codes import CATEGORY_PREFIXES, BatchFlag, ReasonCode
from taxgate.screening.codes_doc import (
    CATEGORY_RULES,
    FLAG_RULES,
    reason_codes_markdown,
    write_reason_codes_doc,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "reason-codes.md"


def test_doc_is_in_sync_with_the_enums() -> None:
    assert DOC.read_text(encoding="utf-8") == reason_codes_markdown(), (
        "docs/reason-codes.md is stale; regenerate it with "
        "taxgate.screening.codes_doc.write_reason_codes_doc(Path('docs/reason-codes.md'))"
    )


def test_every_code_and_flag_has_a_meaning_and_a_rule() -> None:
    text = reason_codes_markdown()
    for code in ReasonCode:
        assert f"| `{code.value}` | {code.meaning} |" in text
        assert code.meaning
        assert CATEGORY_RULES[code.category]
    for flag in BatchFlag:
        assert f"`{flag.value}`" in text
        assert FLAG_RULES[flag]
    assert set(CATEGORY_RULES) == set(CATEGORY_PREFIXES)


def test_write(tmp_path: Path) -> None:
    target = tmp_path / "codes.md"
    write_reason_codes_doc(target)
    assert target.read_text(encoding="utf-8") == reason_codes_markdown()
