"""A page per ``orbitviz`` command, generated from ``orbitviz.cli.build_parser()``.

The parser is the one source of truth: ``orbitviz COMMAND --help`` and these pages say the
same (description, usage, every argument and option with its help, the sub-commands, the
examples of the command's epilog). On ``builder-inited`` each command's page is written to
``cli/commands/NAME.rst`` (generated, not kept in git); ``{orbitviz-command-table}`` lists
the commands in the order ``orbitviz --help`` does, with their help lines.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

PAGES = Path("cli") / "commands"
HEADINGS = "=-~^"
WIDTH = "88"  # argparse wraps usage lines at $COLUMNS: the pages must not depend on a terminal


def _parser() -> argparse.ArgumentParser:
    from orbitviz.cli import build_parser

    return build_parser()


def _subcommands(parser: argparse.ArgumentParser):
    """(name, parser, help line) of each sub-command of ``parser``, in --help order."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action._name_parser_map.items():
                yield name, sub, helps.get(name) or ""


def escape(text: str) -> str:
    """Plain text as reStructuredText shows it (no markup from stars, backquotes, bars)."""
    return re.sub(r"([\\`*|_])", r"\\\1", text)


def _title(text: str, level: int) -> list[str]:
    return [text, HEADINGS[level] * len(text), ""]


def _argument_lines(parser: argparse.ArgumentParser) -> list[str]:
    formatter = parser._get_formatter()
    lines: list[str] = []
    for group in parser._action_groups:
        actions = [
            a
            for a in group._group_actions
            if not isinstance(a, argparse._SubParsersAction | argparse._HelpAction)
            and a.help != argparse.SUPPRESS
        ]
        if not actions:
            continue
        title = {"positional arguments": "Arguments", "options": "Options"}.get(
            group.title or "", (group.title or "").capitalize()
        )
        lines += [f"**{escape(title)}**", ""]
        if group.description:
            lines += [escape(group.description), ""]
        for action in actions:
            invocation = formatter._format_action_invocation(action)
            lines += [f"``{invocation}``"]
            help_text = formatter._expand_help(action) if action.help else ""
            lines += [f"   {escape(help_text)}", ""]
    return lines


def _epilog_lines(epilog: str | None) -> list[str]:
    """The epilog's text as paragraphs, its indented command lines as one bash block."""
    if not epilog:
        return []
    lines: list[str] = []
    commands: list[str] = []
    for raw in epilog.splitlines():
        if raw.startswith("  ") and raw.strip():
            commands.append(raw.strip())
            continue
        if commands:
            lines += [".. code-block:: bash", "", *[f"   {c}" for c in commands], ""]
            commands = []
        if raw.strip():
            text = raw.strip()
            lines += ["**Examples**" if text.lower() == "examples:" else escape(text), ""]
    if commands:
        lines += [".. code-block:: bash", "", *[f"   {c}" for c in commands], ""]
    return lines


def command_rst(name: str, parser: argparse.ArgumentParser, help_line: str, level=0) -> list[str]:
    """The reStructuredText of one command (and its sub-commands, one level down each)."""
    lines = _title(parser.prog, level)
    if parser.description:
        lines += [escape(parser.description), ""]
    elif help_line:
        lines += [escape(help_line), ""]
    usage = parser.format_usage().strip()
    lines += [".. code-block:: text", "", *[f"   {line}" for line in usage.splitlines()], ""]
    lines += _argument_lines(parser)
    lines += _epilog_lines(parser.epilog)
    for sub_name, sub, sub_help in _subcommands(parser):
        lines += command_rst(sub_name, sub, sub_help, level + 1)
    return lines


def write_pages(srcdir: Path) -> list[str]:
    """Write a page per command under ``srcdir/cli/commands``; the names written."""
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        folder = Path(srcdir) / PAGES
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, parser, help_line in _subcommands(_parser()):
            text = "\n".join(command_rst(name, parser, help_line)) + "\n"
            page = folder / f"{name}.rst"
            if not page.exists() or page.read_text() != text:  # unchanged: not rebuilt
                page.write_text(text)
            written.append(name)
        for stale in folder.glob("*.rst"):
            if stale.stem not in written:
                stale.unlink()
        return written
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous


class CommandTable(SphinxDirective):
    """``{orbitviz-command-table}``: every command with its help line, linked to its page."""

    def run(self) -> list[nodes.Node]:
        rows = [".. list-table::", "   :header-rows: 1", "   :widths: 20 80", ""]
        rows += ["   * - command", "     - what it does"]
        for name, _, help_line in _subcommands(_parser()):
            rows += [
                f"   * - :doc:`orbitviz {name} <commands/{name}>`",
                f"     - {escape(help_line)}",
            ]
        container = nodes.container()
        self.state.nested_parse(
            StringList(rows, source="cli_pages"), self.content_offset, container
        )
        return container.children


def _on_builder_inited(app) -> None:
    write_pages(Path(app.srcdir))


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    app.add_directive("orbitviz-command-table", CommandTable)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
