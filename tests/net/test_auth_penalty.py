"""The per-address memory of failed logins, on a clock the test moves by hand."""

from __future__ import annotations

from tutor.auth_penalty import AuthPenalties


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_add_up_per_address_and_are_forgotten_after_a_quiet_spell():
    clock = Clock()
    penalties = AuthPenalties(memory=60, clock=clock)
    assert penalties.failures("192.0.2.1") == 0
    assert [penalties.record_failure("192.0.2.1") for _ in range(3)] == [1, 2, 3]
    assert penalties.failures("192.0.2.2") == 0  # another address owes nothing
    clock.now += 59
    assert penalties.record_failure("192.0.2.1") == 4  # each failure restarts the quiet spell
    clock.now += 59
    assert penalties.failures("192.0.2.1") == 4
    clock.now += 1
    assert penalties.failures("192.0.2.1") == 0
    assert len(penalties) == 0  # forgotten, not only hidden


def test_the_table_is_bounded_and_forgets_the_oldest_failure_first():
    clock = Clock()
    penalties = AuthPenalties(max_addresses=3, clock=clock)
    for n in range(3):
        penalties.record_failure(f"192.0.2.{n}")
        clock.now += 1
    penalties.record_failure("192.0.2.0")  # fails again: now the most recent
    clock.now += 1
    penalties.record_failure("198.51.100.7")  # a fourth address pushes out the oldest
    assert len(penalties) == 3
    assert penalties.failures("192.0.2.1") == 0
    assert penalties.failures("192.0.2.0") == 2
    assert penalties.failures("192.0.2.2") == 1
    assert penalties.failures("198.51.100.7") == 1


def test_a_right_password_clears_the_address():
    penalties = AuthPenalties(clock=Clock())
    penalties.record_failure("192.0.2.1")
    penalties.record_failure("192.0.2.1")
    penalties.forgive("192.0.2.1")
    assert penalties.failures("192.0.2.1") == 0
    penalties.forgive("192.0.2.9")  # nothing to forgive: no error
