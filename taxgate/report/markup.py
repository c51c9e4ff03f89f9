"""HTML building blocks of the reports: escaping, tables, figures, and the page with its CSS.

Every value placed in a page goes through :func:`esc` (``html.escape``); cells handed to
:func:`table` are already escaped markup. The page is self-contained: its style sheet is
inline and it loads no font, style sheet, script or image, so it opens without a network.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

CSS = """
:root { --ink: #1d1d1f; --muted: #5b5b66; --rule: #d7d7de; --ok: #00704f; --bad: #b3261e;
        --band: #f4f5f8; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1080px; padding: 24px 28px 48px; line-height: 1.45;
       font-size: 15px; background: #fff; }
header { border-bottom: 3px solid var(--ink); margin-bottom: 16px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 34px 0 6px; border-bottom: 1px solid var(--rule);
     padding-bottom: 3px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
p.lead, p.note { color: var(--muted); margin: 4px 0 10px; }
.notice { background: var(--band); border-left: 5px solid var(--ink); padding: 8px 12px;
          margin: 10px 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 14px; min-width: 130px; }
.card .n { font-size: 22px; font-weight: bold; display: block; }
.card .l { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0 14px; width: 100%; font-size: 14px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 8px; text-align: left;
         vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
td code, .nowrap { white-space: nowrap; }
td code.hash { white-space: normal; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff;
         font-weight: bold; }
.badge.ok { background: var(--ok); }
.badge.bad { background: var(--bad); }
.badge.warn { background: #8a5a00; }
figure { margin: 8px 0 12px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 13px; }
dl.legend { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px;
            margin: 6px 0 12px; }
dl.legend dt { font-weight: 600; }
dl.legend dd { margin: 0; }
nav ol { columns: 2; margin: 6px 0; }
footer { margin-top: 36px; color: var(--muted); font-size: 13px;
         border-top: 1px solid var(--rule); padding-top: 8px; }
@media print { body { max-width: none; } section { break-inside: avoid-page; } }
"""

_CODE_SPAN = re.compile(r"`([^`]+)`")


def esc(value: object) -> str:
    """``value`` as text, escaped for HTML content and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def esc_rule(text: str) -> str:
    """Escape a rule's text, then show its ```name``` spans as code."""
    return _CODE_SPAN.sub(r"<code>\1</code>", esc(text))


def count(value: int) -> str:
    """A count with thousands separators."""
    return f"{value:,}"


def percent(part: int, whole: int) -> str:
    """``part`` as a percentage of ``whole`` with one decimal ('' when ``whole`` is 0)."""
    return f"{100 * part / whole:.1f} %" if whole else ""


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, numeric: Sequence[int] = ()
) -> str:
    """A table of already escaped cells; columns in ``numeric`` are right-aligned."""
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if i in numeric else f"<th>{esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "\n".join(
        "<tr>"
        + "".join(
            f'<td class="num">{cell}</td>' if i in numeric else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def figure(svg: str, caption: str) -> str:
    """An inline chart with its caption (nothing when there is no chart)."""
    if not svg:
        return ""
    return f"<figure>\n{svg}<figcaption>{esc(caption)}</figcaption>\n</figure>"


def page(title: str, body: str, *, footer: str = "") -> str:
    """A complete HTML document with the report's style sheet inline."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"{body}\n<footer>{footer}</footer>\n</body>\n</html>\n"
    )
