"""The CLI's consoles: results on stdout, messages and progress on stderr.

Rich wraps text at the terminal's width, and at 80 columns when the stream is not a
terminal. A message that goes to a file or a pipe is read by a program or by ``grep``, so
``say`` writes it on one line there; only a terminal gets it wrapped.
"""

from __future__ import annotations

from rich.console import Console

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)


def say(text: str, *, console: Console = stderr, markup: bool = False) -> None:
    """Print one message, wrapped only when ``console`` writes to a terminal.

    Args:
        text: The message. Square brackets are printed as they are unless ``markup``.
        console: Where to print (default: stderr).
        markup: Whether ``text`` carries Rich markup (``[bold]...[/]``).
    """
    console.print(text, markup=markup, soft_wrap=not console.is_terminal)
