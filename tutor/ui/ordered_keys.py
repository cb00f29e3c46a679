"""Keys handled in the order they were typed, one at a time, by the screen they were typed on.

Textual runs a (non-priority) key binding in the app's task, after the key has bubbled up from
the focused widget through every container's message queue. Meanwhile the keys typed after it
have already reached the focused widget: an Input inserts the next characters before Enter
submits (`user ne_skagupass secret`), and F5 can run before the line typed just before it has
been answered. Async actions then interleave with the screen's own message handlers, and an
action that awaits can find its widgets removed by another one (the quiz's `#quiz-keys` crash).

Two pieces put every key back in order:
- `OrderedKeys`, a Screen mixin: a key that bubbles up to the screen runs its binding right
  there, in the screen's own task, awaiting the action before the next message is taken. Lines
  from the prompt (posted on the same path) and call_later callbacks are handled in that same
  queue, so a screen's work never interleaves with itself.
- `run_own_binding`, for a focused widget that takes text: its own bindings (Enter, Backspace,
  arrows...) run in its own task, in order with the characters it inserts.

The app hands a key that runs one of these bindings on only after it is handled
(`KeyBarrier`): a binding that opens or closes a screen (Esc, F7, `p`) then takes effect before
the next key is given to a widget, so the keys typed after it reach the new screen, as they do
when Textual runs bindings in the app's task.

Keys that arrive while the app is quitting are dropped: they belonged to a screen that is going.
And a screen that starts while the app is quitting (Ctrl+Q during start-up, `q` then `p` on the
course) is not set up at all: Textual composes no children then, so an on_mount that queries
them would crash on the way out.
"""

from __future__ import annotations

import asyncio
import contextlib

from textual import events
from textual.dom import DOMNode

#: the attribute of a Key event holding the asyncio.Event set once the key is handled
HANDLED = "_mailtutor_handled"


def mark_handled(event: events.Key) -> None:
    """Tell the app (KeyBarrier) that `event` has been dealt with, whichever way."""
    handled = getattr(event, HANDLED, None)
    if handled is not None:
        handled.set()


def runs_a_binding(screen: DOMNode, key: str) -> bool:
    """Whether `key` runs a (non-priority, non-app) binding in `screen`'s chain now."""
    app = screen.app
    for namespace, bindings in screen._modal_binding_chain:  # type: ignore[attr-defined]
        if namespace is app:
            return False
        if any(not b.priority for b in bindings.key_to_bindings.get(key, ())):
            return True
    return False


async def wait_until_handled(event: events.Key, timeout: float) -> None:
    """Wait (at most `timeout` s) for the screen to handle `event` (see mark_handled)."""
    handled = getattr(event, HANDLED, None)
    if handled is not None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(handled.wait(), timeout)


def expect_handling(event: events.Key) -> None:
    """Give `event` the flag that mark_handled sets."""
    setattr(event, HANDLED, asyncio.Event())


def app_is_exiting(node: DOMNode) -> bool:
    """True once the app has been asked to exit (Textual's `App._exit`)."""
    return bool(getattr(node.app, "_exit", False))


async def run_own_binding(node: DOMNode, event: events.Key) -> bool:
    """Run `node`'s own non-priority binding for `event` now; True (and the event stopped) if
    one ran. Printable keys are the caller's (an Input inserts them)."""
    if event.is_printable:
        return False
    for binding in node._bindings.key_to_bindings.get(event.key, ()):
        if binding.priority:
            continue  # the app ran priority bindings before the key got here
        try:
            if await node.app.run_action(binding.action, node):
                event.stop()
                event.prevent_default()
                return True
        finally:
            mark_handled(event)
    return False


class OrderedKeys:
    """Screen mixin: run the bindings of keys that bubble up to the screen in its own task.

    The binding chain is Textual's own (focused widget, its containers, the screen; stopped by a
    modal), so the same binding wins as before; app bindings are left to the app.
    """

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Mount) and app_is_exiting(self):  # type: ignore[arg-type]
            return  # quitting: no children were composed, nothing to set up
        await super().on_event(event)  # type: ignore[misc]

    async def on_key(self, event: events.Key) -> None:
        try:
            await self._run_binding(event)
        finally:
            mark_handled(event)  # the app may hand on the next key now

    async def _run_binding(self, event: events.Key) -> None:
        screen = self  # a Screen (the mixin goes first in the class's bases)
        if app_is_exiting(screen):  # type: ignore[arg-type]
            event.stop()
            event.prevent_default()
            return
        if not getattr(screen, "is_current", False):
            return  # typed before another screen opened: the app gives it to that screen
        app = screen.app  # type: ignore[attr-defined]
        for namespace, bindings in screen._modal_binding_chain:  # type: ignore[attr-defined]
            if namespace is app:
                return  # app-wide bindings: the app runs them when the key reaches it
            for binding in bindings.key_to_bindings.get(event.key, ()):
                if binding.priority:
                    continue
                if await app.run_action(binding.action, namespace):
                    event.stop()
                    event.prevent_default()
                    return
