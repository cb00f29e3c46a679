"""Which optional keys the footer shows: as many as fit the width, in the order given.

A footer that clips cuts its last key in half (`^q Вы▏` at 80 columns in Russian). Screens name
the bindings that must always show (Textual's `show` flag) and an ordered list of optional ones;
`fit_optional` keeps the optional ones that still fit after the required ones. Every binding,
shown or not, still works and is in the command palette.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

#: cells the footer leaves between its keys and the command-palette key docked at the right
PALETTE_GAP = 1


def key_cells(key_display: str, description: str) -> int:
    """Cells one footer key takes: " key " then "description " (Textual's FooterKey)."""
    return len(key_display) + 2 + len(description) + 1


def fit_optional(width: int, used: int, optional: Sequence[tuple[str, int]]) -> set[str]:
    """The ids of the optional keys ((id, cells) in order of preference) that fit in `width`
    after `used` cells, taking them in order and skipping any that does not fit."""
    shown: set[str] = set()
    for binding_id, cells in optional:
        if used + cells <= width:
            shown.add(binding_id)
            used += cells
    return shown


def show_what_fits(screen: Any, optional_ids: Iterable[str], width: int) -> None:
    """Set the `show` flag of `screen`'s optional bindings (by id) to what fits in `width`
    beside its other shown, enabled bindings, the app's and the command-palette key."""
    app = screen.app
    optional_ids = list(optional_ids)
    bindings = screen._bindings
    by_id = {b.id: b for _, b in bindings if b.id}

    def enabled(binding: Any, node: Any) -> bool:
        parsed = binding.action.split("(", 1)[0]
        return bool(node.check_action(parsed, ()))

    used = 0
    for node in (screen, app):
        for _, binding in node._bindings:
            if binding.show and binding.id not in optional_ids and enabled(binding, node):
                used += key_cells(app.get_key_display(binding), binding.description)
    palette = next((b for _, b in app._bindings if b.action == "command_palette"), None)
    if palette is not None and getattr(app, "ENABLE_COMMAND_PALETTE", True):
        used += key_cells(app.get_key_display(palette), palette.description) + PALETTE_GAP
    optional = [
        (
            binding_id,
            key_cells(app.get_key_display(by_id[binding_id]), by_id[binding_id].description),
        )
        for binding_id in optional_ids
        if binding_id in by_id and enabled(by_id[binding_id], screen)
    ]
    shown = fit_optional(width, used, optional)
    for key, entries in bindings.key_to_bindings.items():
        bindings.key_to_bindings[key] = [
            replace(b, show=b.id in shown) if b.id in optional_ids else b for b in entries
        ]
