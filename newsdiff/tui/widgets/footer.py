"""The footer: Textual's, rebuilt only when the keys it shows change.

Textual's :class:`~textual.widgets.Footer` removes and mounts all its keys again (a widget
each, with its styles) every time the screen says its bindings may have changed: on every
focus change, and several times while the first screen fills. At start that was about half
the time from the first frame to the timeline on screen, for the same keys each time. This one
looks first at what it would show (keys, labels, enabled, tooltips, groups) and rebuilds only
when that differs from what it shows, once for any number of changes between two frames.

Each key bound to the footer's ``compact`` is also given its value at once: a new key believes
it is compact, and learns otherwise only once mounted, its styles worked out twice more.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """A :class:`~textual.widgets.Footer` that recomposes only when its keys change."""

    def __init__(self, *, held: bool = False) -> None:
        super().__init__()
        self._shown: Hashable = None  # what the keys now mounted were composed from
        self._queued = False  # a check is waiting for the next refresh
        self.held = held  # shows no key until release()

    def release(self) -> None:
        """Show the keys from now on (a footer made ``held`` shows none until then)."""
        if self.held:
            self.held = False
            if self.is_attached:
                # from the footer's own message loop: its keys bind their ``compact`` to the
                # footer as the node running at the time (not the screen calling this)
                self.call_next(self.bindings_changed, self.screen)

    def keys_shown(self) -> Hashable:
        """Everything :meth:`Footer.compose` reads: the bindings it shows (those with
        ``show``, and the command palette's), with their keys, labels, state and groups."""
        app = self.app
        palette = app.COMMAND_PALETTE_BINDING
        return (
            self.show_command_palette and app.ENABLE_COMMAND_PALETTE,
            tuple(
                (
                    key,
                    app.get_key_display(binding),
                    binding.key,
                    binding.description,
                    binding.action,
                    binding.group,
                    binding.tooltip,
                    enabled,
                    tooltip,
                )
                for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                if binding.show or key == palette
            ),
        )

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and "compact" in (widget._reactive_connect or {}):
                # bound to the footer's compact (the palette's key is not): its value now
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if self.held or not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._queued:
            self._queued = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._queued = False
        if not self.is_attached:
            return
        shown = self.keys_shown()
        if shown == self._shown:
            return
        self._shown = shown
        await self.recompose()
