"""``{orbitviz-shortcuts}``: the viewer's keyboard shortcuts and mouse gestures, from the one
table the window builds its actions from (``orbitviz._qt.shortcuts``), so the docs and Help >
Keyboard shortcuts never disagree."""

from __future__ import annotations

from cli_pages import escape
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective


class Shortcuts(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        from orbitviz._qt.shortcuts import GESTURES, KEYS

        rows = [".. list-table::", "   :header-rows: 1", "   :widths: 30 70", ""]
        rows += ["   * - key or gesture", "     - what it does"]
        for key, what in [*KEYS.values(), *GESTURES]:
            rows += [f"   * - ``{key}``", f"     - {escape(what)}"]
        container = nodes.container()
        self.state.nested_parse(
            StringList(rows, source="viewer_keys"), self.content_offset, container
        )
        return container.children


def setup(app):
    app.add_directive("orbitviz-shortcuts", Shortcuts)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
