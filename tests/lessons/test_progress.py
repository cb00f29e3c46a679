"""Progress: round trip, damaged files moved aside, resets, CSV export."""

from __future__ import annotations

import csv
import io
import json
import os

from tutor.lessons import LessonRunner, Progress
from tutor.lessons.progress import PROGRESS_FORMAT, Standing, default_path


def finished_runner(lesson):
    runner = LessonRunner(lesson)
    runner.start()
    runner.next_hint()
    list(runner.replay_solutions())
    runner.grade("pick-one", "LIST")
    runner.grade("pick-one", "STAT")
    runner.grade("total", 93845)
    return runner


def test_round_trip(tmp_path, pop3_mini):
    path = tmp_path / "p.json"
    progress = Progress(path, clock=lambda: "2026-01-02T03:04:05+00:00")
    entry = progress.record(finished_runner(pop3_mini))
    assert entry.done and entry.finished == "2026-01-02T03:04:05+00:00"
    again = Progress(path).lesson("pop3-mini")
    assert again == entry
    assert (again.score, again.hints_used, again.last_step, again.steps) == (6, 1, 5, 5)
    assert again.questions["pick-one"].correct and again.questions["pick-one"].attempts == 2
    assert again.questions["pick-one"].points == 0
    assert again.questions["total"].points == 1
    data = json.loads(path.read_text())
    assert data["format"] == PROGRESS_FORMAT
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_resume_point_follows_the_step_id(tmp_path, pop3_mini):
    runner = LessonRunner(pop3_mini)
    runner.start()
    runner.submit("user ne_skagu")
    runner.submit("pass secret")
    progress = Progress(tmp_path / "p.json")
    entry = progress.record(runner)
    assert (entry.last_step, entry.last_step_id, entry.done) == (2, "count", False)
    assert Progress(tmp_path / "p.json").lesson("pop3-mini").resume_index(pop3_mini) == 2


def test_default_location_uses_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MAILTUTOR_DATA_DIR", str(tmp_path / "data"))
    assert default_path() == tmp_path / "data" / "progress.json"
    assert Progress().path == tmp_path / "data" / "progress.json"


def test_corrupt_file_is_moved_aside(tmp_path, pop3_mini):
    path = tmp_path / "p.json"
    path.write_text("{not json")
    progress = Progress(path)
    assert progress.lessons() == {}
    assert len(progress.messages) == 1 and "moved it to p.json.corrupt-" in progress.messages[0]
    [aside] = [p for p in tmp_path.iterdir() if p.name.startswith("p.json.corrupt-")]
    assert aside.read_text() == "{not json"
    progress.record(finished_runner(pop3_mini))
    assert Progress(path).lesson("pop3-mini").done


def test_wrong_shape_and_newer_format(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps([1, 2]))
    assert "damaged" in Progress(path).messages[0]
    newer = {"format": PROGRESS_FORMAT + 1, "lessons": {"x": {"done": True, "future": 1}}}
    path.write_text(json.dumps(newer))
    progress = Progress(path)
    assert progress.read_only and progress.lesson("x").done
    progress.reset_all()
    assert json.loads(path.read_text()) == newer  # never overwritten


def test_unwritable_folder_gives_a_message(tmp_path, pop3_mini):
    blocker = tmp_path / "file"
    blocker.write_text("")
    progress = Progress(blocker / "p.json")
    assert progress.save() is False
    assert "cannot save progress" in progress.messages[0]


def test_reset_one_and_all(tmp_path, pop3_mini, smtp_mini):
    progress = Progress(tmp_path / "p.json")
    progress.record(finished_runner(pop3_mini))
    other = LessonRunner(smtp_mini)
    other.start()
    progress.record(other)
    assert progress.reset("pop3-mini") and not progress.reset("pop3-mini")
    assert list(Progress(tmp_path / "p.json").lessons()) == ["smtp-mini"]
    assert progress.reset_all() == 1
    assert Progress(tmp_path / "p.json").lessons() == {}


def test_csv_export(tmp_path, pop3_mini):
    progress = Progress(tmp_path / "p.json", clock=lambda: "2026-01-02T03:04:05+00:00")
    progress.record(finished_runner(pop3_mini))
    rows = list(csv.DictReader(io.StringIO(progress.to_csv())))
    assert [(r["lesson"], r["question"]) for r in rows] == [
        ("pop3-mini", ""),
        ("pop3-mini", "pick-one"),
        ("pop3-mini", "total"),
    ]
    assert rows[0]["done"] == "True" and rows[0]["score"] == "6"
    assert rows[1]["correct"] == "True" and rows[1]["attempts"] == "2"


def test_writes_are_atomic_replacements(tmp_path, pop3_mini, monkeypatch):
    path = tmp_path / "p.json"
    progress = Progress(path)
    progress.record(finished_runner(pop3_mini))
    before = path.read_text()
    calls = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: calls.append((a, b)) or real_replace(a, b))
    progress.reset("pop3-mini")
    assert len(calls) == 1 and calls[0][1] == path and before != path.read_text()


def test_the_best_of_every_run_and_quiz_attempt_is_kept(tmp_path, pop3_mini):
    progress = Progress(tmp_path / "p.json")
    first = finished_runner(pop3_mini)  # 5 steps, quiz: pick-one wrong first, total right
    progress.record(first)
    assert progress.lesson("pop3-mini").standing() == Standing(
        done=True, best_score=6, max_score=14, steps_done=5, steps=5, quiz_points=1, quiz_max=9
    )
    first.new_quiz_attempt()  # a second attempt, better
    first.grade("pick-many", ["STAT", "DELE"])
    first.grade("pick-one", "STAT")
    progress.record(first)
    first.new_quiz_attempt()  # a third, worse: the best stays
    first.grade("pick-one", "RETR")
    progress.record(first)
    rerun = LessonRunner(pop3_mini)  # opened again, stopped at step 2
    rerun.start()
    rerun.submit("user ne_skagu")
    entry = Progress(tmp_path / "p.json").record(rerun)
    assert entry.standing() == Standing(
        done=True, best_score=8, max_score=14, steps_done=5, steps=5, quiz_points=3, quiz_max=9
    )
    assert entry.score == 1  # the latest run, kept for resuming
    assert entry.questions["pick-many"].points == 2  # the best attempt's


def test_a_quiz_never_taken_is_none_not_zero(tmp_path, pop3_mini):
    runner = LessonRunner(pop3_mini)
    runner.start()
    entry = Progress(tmp_path / "p.json").record(runner)
    assert (entry.standing().quiz_points, entry.standing().quiz_max) == (None, 9)
