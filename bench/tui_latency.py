"""TUI latency: Enter to reply drawn, with 10,000 lines already in the sandbox transcript.

    python bench/tui_latency.py [--samples 300] [--lines 10000]

Runs the real app (headless driver, 80x24, the POP3 sandbox on the article world). The
transcript is first filled with --lines lines from real NOOP exchanges. Then, for each sample,
the prompt gets a command (cycling NOOP, STAT, LIST, UIDL) and an Enter key event is posted, the
way the terminal driver posts it. Times are taken with perf_counter:

  work:  Enter handled (line sent, replies added, panel refreshed) plus the layout and render
         of the frame that shows the reply. This is what the app itself costs per line.
  total: Enter posted until that frame has been rendered and handed to the driver. Textual
         paints on a 60 Hz timer (TEXTUAL_FPS), so this adds the wait for the next tick.

Prints p50 and p99 of both (target: p99 within one 60 Hz frame, 16.7 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time

from textual import events

COMMANDS = ("noop", "stat", "list", "uidl")
FRAME_MS = 1000 / 60


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def measure(samples: int, lines: int) -> tuple[list[float], list[float], int]:
    from tutor.ui.app import MailTutorApp
    from tutor.ui.screens.sandbox import SandboxScreen

    app = MailTutorApp(start=("sandbox", "pop3", "article"), lang="en", fixed_timestamp="<1@x>")
    total_ms: list[float] = []
    work_ms: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, SandboxScreen)
        screen.send("user ne_skagu")
        screen.send("pass secret")
        while screen.transcript.line_count < lines:
            screen.send("noop")
        await pilot.pause()

        state: dict = {"posted": 0.0, "handled": 0.0, "handle_cost": 0.0, "done": None}
        send = screen.send

        def timed_send(line: str):
            start = time.perf_counter()
            replies = send(line)
            state["handled"] = time.perf_counter()
            state["handle_cost"] = state["handled"] - start
            return replies

        screen.send = timed_send  # type: ignore[method-assign]
        # A frame reaches the driver through app._display, called from the screen's update
        # timer (layout refresh or compositor refresh); time both ends of that call chain.
        refresh_layout = screen._refresh_layout
        compositor_refresh = screen._compositor_refresh
        display = app._display

        def timed_refresh_layout(*args, **kwargs) -> None:
            state["frame_start"] = time.perf_counter()
            refresh_layout(*args, **kwargs)

        def timed_compositor_refresh() -> None:
            state["frame_start"] = time.perf_counter()
            compositor_refresh()

        def timed_display(target, update) -> None:
            display(target, update)
            end = time.perf_counter()
            done = state["done"]
            if done is not None and state["handled"] and not done.done():
                render = end - state.get("frame_start", end)
                work_ms.append((state["handle_cost"] + render) * 1000)
                total_ms.append((end - state["posted"]) * 1000)
                done.set_result(None)

        screen._refresh_layout = timed_refresh_layout  # type: ignore[method-assign]
        screen._compositor_refresh = timed_compositor_refresh  # type: ignore[method-assign]
        app._display = timed_display  # type: ignore[method-assign]
        loop = asyncio.get_running_loop()
        for index in range(samples):
            screen.prompt.value = COMMANDS[index % len(COMMANDS)]
            await pilot.pause()  # the typed command is on screen, as when a person types it
            state["handled"] = 0.0
            state["done"] = loop.create_future()
            state["posted"] = time.perf_counter()
            app.post_message(events.Key("enter", "\r"))
            await asyncio.wait_for(state["done"], 5)
            await pilot.pause()
        count = screen.transcript.line_count
    return total_ms, work_ms, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--lines", type=int, default=10_000)
    args = parser.parse_args()
    total, work, count = asyncio.run(measure(args.samples, args.lines))
    print(f"transcript: {count} lines at the end; {len(total)} samples; 80x24 headless")
    for name, values in (("work ", work), ("total", total)):
        print(
            f"{name}: p50 {percentile(values, 0.5):6.2f} ms  p99 {percentile(values, 0.99):6.2f} ms"
            f"  mean {statistics.fmean(values):6.2f} ms  max {max(values):6.2f} ms"
        )
    p99 = percentile(work, 0.99)
    verdict = "within" if p99 <= FRAME_MS else "over"
    print(f"work p99 {p99:.2f} ms is {verdict} one 60 Hz frame ({FRAME_MS:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
