"""The code blocks of README.md and the docs' Markdown pages, read the way the tests run them.

The conventions a page follows (``docs/contributing.md`` says them for writers):

- a ``bash`` (or ``sh``, ``shell``) block holds commands, one a line (``\\`` continues a
  line, ``#`` starts a comment, ``&&`` chains); every one of them runs in the tests;
- a ``console`` block holds ``$ command`` lines, each followed by what it prints: the tests
  run the command and compare its output, where ``...`` stands for any text (doctest's
  ELLIPSIS, with whitespace normalised and numbers compared to the digits written);
- a ``python`` block runs, in order with the page's other Python blocks, in one namespace
  (as a notebook's cells); a ``pycon`` block (``>>>`` prompts with their output) runs as a
  doctest in the same namespace;
- a block with a ``:caption: NAME`` (MyST's ``{code-block}`` directive) is a file: the tests
  write it under that name before the page's commands need it (a camera path, a catalog);
- ``text`` blocks and others are never run;
- a block that must not run says why in a comment on the line before it:
  ``<!-- not run: opens the desktop window -->`` (or ``% not run: ...`` in MyST).

The rules for single commands (a desktop window is not opened, a video is rendered small)
live with the tests, in ``tests/test_docs_commands.py``.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
NOT_RUN = re.compile(r"^\s*(?:<!--|%)\s*not run:\s*(?P<reason>.+?)\s*(?:-->)?\s*$")
COMMAND_LANGS = ("bash", "sh", "shell", "console")
PYTHON_LANGS = ("python", "pycon")


@dataclass(frozen=True)
class Block:
    """A fenced code block: ``lang`` from its info string (``{code-block} python`` ->
    ``python``), ``line`` the 1-based line of its first line of code."""

    path: Path
    line: int
    lang: str
    text: str
    not_run: str | None = None
    caption: str | None = None

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


@dataclass(frozen=True)
class Command:
    """One command line of a block (continuations joined, the comment dropped), with the
    output a ``console`` block shows for it (None: not shown)."""

    block: Block
    line: int
    text: str
    expected: str | None = None
    argv: list[str] = field(default_factory=list, compare=False)

    @property
    def where(self) -> str:
        return f"{self.block.path.name}:{self.line}"


def _language(info: str) -> str:
    info = info.strip()
    match = re.match(r"\{[\w-]+\}\s*(\S*)", info)  # MyST: ```{code-block} python
    word = match.group(1) if match else (info.split()[0] if info else "")
    return word.lower()


def blocks(path: Path) -> list[Block]:
    """Every fenced code block of the Markdown file ``path``, in order."""
    path = Path(path)
    lines = path.read_text().splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i].strip())
        if not match:
            i += 1
            continue
        fence, lang = match.group("fence"), _language(match.group("info"))
        previous = next((line for line in reversed(lines[:i]) if line.strip()), "")
        marked = NOT_RUN.match(previous)
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            body.append(lines[j])
            j += 1
        options = 0  # MyST directive options (":caption: ...") are not code
        caption = None
        while options < len(body) and re.match(r"^\s*:[\w-]+:", body[options]):
            name, _, value = body[options].strip()[1:].partition(":")
            if name == "caption":
                caption = value.strip()
            options += 1
        text = "\n".join(body[options:])
        reason = marked.group("reason") if marked else None
        found.append(Block(path, i + 2 + options, lang, text, reason, caption))
        i = j + 1
    return found


def commands(block: Block) -> list[Command]:
    """The command lines of a ``bash``/``console`` block (see the module's text)."""
    if block.lang not in COMMAND_LANGS:
        return []
    lines = block.text.splitlines()
    found: list[Command] = []
    console = block.lang == "console"
    i = 0
    while i < len(lines):
        raw = lines[i]
        start = i
        if console and not raw.startswith("$ "):
            i += 1
            continue
        text = raw[2:] if console else raw
        while text.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            text = text.rstrip()[:-1] + " " + lines[i].strip()
        i += 1
        expected = None
        if console:
            output = []
            while i < len(lines) and not lines[i].startswith("$ "):
                output.append(lines[i])
                i += 1
            expected = "\n".join(output).strip("\n")
        argv = shlex.split(text, comments=True)
        if not argv:
            continue
        found.append(Command(block, block.line + start, _without_comment(text), expected, argv))
    return found


def _without_comment(text: str) -> str:
    """The command as written, its trailing ``# comment`` dropped (quotes respected)."""
    quote = None
    for i, char in enumerate(text):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#" and (i == 0 or text[i - 1].isspace()):
            return text[:i].rstrip()
    return text.rstrip()


def documents(root: Path) -> list[Path]:
    """README.md and every Markdown page of the docs (generated folders left out)."""
    root = Path(root)
    pages = sorted(
        path
        for path in (root / "docs").rglob("*.md")
        if not any(
            part.startswith("_") or part == "gallery" for part in path.relative_to(root).parts
        )
    )
    return [root / "README.md", *pages]
