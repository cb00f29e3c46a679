"""The lesson pane follows the server: untrue hints go, and a remark is not a mistake."""

from __future__ import annotations

from tests.ui.test_lesson import pane_text, sync


@sync
async def test_hints_and_feedback_follow_a_forgotten_user_name(make_app, submit):
    app = make_app(("lesson", "pop3-article"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await submit(pilot, "user ne_skagu")
        for _ in range(3):
            await pilot.press("f2")
        text = pane_text(pilot)
        assert "Hint 3 of 3" in text and "Type `pass secret`." in text
        await submit(pilot, "pass ******")  # refused: the server forgets the name
        text = pane_text(pilot)
        assert "✗ Not quite" in text and "Type `user ne_skagu` again" in text
        assert "Type `pass secret`." not in text and "Hint 1 of 2" in text
        await pilot.press("f2")  # a hint for this state, not the solution yet
        text = pane_text(pilot)
        assert "Hint 2 of 2" in text and "forgets the name" in text
        await submit(pilot, "user ne_skagu")
        text = pane_text(pilot)
        assert "Good The server knows the name again." in text
        assert "Not quite" not in text
        await submit(pilot, "pass secret")
        assert "Step 3 of 9" in pane_text(pilot)
