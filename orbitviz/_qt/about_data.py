"""Help > About this data: the scene's credits and notes in full (the view shows them on one
line, cut with an ellipsis)."""

from __future__ import annotations

from html import escape

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout


def about_data_html(title: str, credits, notes=()) -> str:
    """The dialog's text: the title, each credit, then each note, one paragraph each."""
    parts = [f"<h3>{escape(title)}</h3>"] if title else []
    parts += [f"<p>{escape(line)}</p>" for line in credits if line]
    if not any(credits):
        parts.append("<p>No credits: this scene names no data sources.</p>")
    parts += [f"<p><i>{escape(line)}</i></p>" for line in notes if line]
    return "".join(parts)


class AboutDataDialog(QDialog):
    """Shows :func:`about_data_html` (selectable, so it can be copied into a caption)."""

    def __init__(self, parent, title: str, credits, notes=()):
        super().__init__(parent)
        self.setWindowTitle("About this data")
        self.text = QLabel(about_data_html(title, credits, notes))
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.RichText)
        self.text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.text.setMinimumWidth(480)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
