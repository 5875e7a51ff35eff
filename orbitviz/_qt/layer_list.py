"""The layer list: one row per layer (visibility, colour, opacity), in sync with the model
both ways -- editing a row sets the layer; a layer changed elsewhere updates its row."""

from __future__ import annotations

from PyQt5.QtCore import Qt
from PyQt5.QtGui import QColor
from PyQt5.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QHBoxLayout,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


def _qcolor(rgba) -> QColor:
    return QColor.fromRgbF(*(float(c) for c in rgba))


class LayerRow(QWidget):
    """``visible`` checkbox with the layer's name, a colour swatch (click: colour dialog) and
    an opacity slider (0-100 %)."""

    def __init__(self, layer, parent=None):
        super().__init__(parent)
        self.layer = layer
        self.visible_box = QCheckBox(layer.name)
        self.visible_box.setToolTip(f"show or hide {layer.name} ({layer.kind})")
        self.color_button = QToolButton()
        self.color_button.setToolTip(f"colour of {layer.name}")
        self.color_button.setFixedSize(22, 22)
        self.opacity_slider = QSlider(Qt.Horizontal)
        self.opacity_slider.setRange(0, 100)
        self.opacity_slider.setFixedWidth(80)
        self.opacity_slider.setToolTip(f"opacity of {layer.name}")
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 1, 2, 1)
        row.addWidget(self.visible_box, 1)
        row.addWidget(self.color_button)
        row.addWidget(self.opacity_slider)
        self._show(layer)
        self.visible_box.toggled.connect(lambda on: setattr(layer, "visible", on))
        self.opacity_slider.valueChanged.connect(lambda v: setattr(layer, "opacity", v / 100.0))
        self.color_button.clicked.connect(self.choose_color)
        for event in ("visible", "color", "opacity"):
            getattr(layer.events, event).connect(self._on_style)
        layer.events.name.connect(self._on_name)

    def _show(self, layer) -> None:
        for widget in (self.visible_box, self.opacity_slider):
            widget.blockSignals(True)
        self.visible_box.setChecked(layer.visible)
        self.opacity_slider.setValue(round(layer.opacity * 100))
        self.color_button.setStyleSheet(
            f"background-color: {_qcolor(layer.color).name()}; border: 1px solid #888;"
        )
        for widget in (self.visible_box, self.opacity_slider):
            widget.blockSignals(False)

    def _on_style(self, event) -> None:
        self._show(self.layer)

    def _on_name(self, event) -> None:
        self.visible_box.setText(event.value)

    def choose_color(self) -> None:
        color = QColorDialog.getColor(
            _qcolor(self.layer.color),
            self,
            f"Colour of {self.layer.name}",
            QColorDialog.ShowAlphaChannel,
        )
        if color.isValid():
            self.layer.color = color.getRgbF()

    def close_row(self) -> None:
        self.layer.events.disconnect(self._on_style)
        self.layer.events.name.disconnect(self._on_name)


class LayerList(QWidget):
    """Rows for every layer of a scene, following layers added to or removed from it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: dict[object, LayerRow] = {}  # by layer
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(4, 4, 4, 4)
        self._column.addStretch(1)
        self.scene = None

    def set_scene(self, scene) -> None:
        if self.scene is not None:
            self.scene.layers.events.added.disconnect(self._on_added)
            self.scene.layers.events.removed.disconnect(self._on_removed)
        for layer in list(self.rows):
            self._remove(layer)
        self.scene = scene
        for layer in scene.layers:
            self._add(layer)
        scene.layers.events.added.connect(self._on_added)
        scene.layers.events.removed.connect(self._on_removed)

    def release(self) -> None:
        """Stop following the scene and its layers (the window closes)."""
        if self.scene is not None:
            self.scene.layers.events.added.disconnect(self._on_added)
            self.scene.layers.events.removed.disconnect(self._on_removed)
            self.scene = None
        for layer in list(self.rows):
            self._remove(layer)

    def _add(self, layer) -> None:
        row = self.rows[layer] = LayerRow(layer, self)
        self._column.insertWidget(self._column.count() - 1, row)

    def _remove(self, layer) -> None:
        row = self.rows.pop(layer)
        row.close_row()
        row.setParent(None)
        row.deleteLater()

    def _on_added(self, event) -> None:
        self._add(event.value)

    def _on_removed(self, event) -> None:
        self._remove(event.value)
