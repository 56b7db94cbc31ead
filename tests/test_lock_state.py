"""The lock's rules, without a terminal: the idle lock, generations, quick hide."""

from __future__ import annotations

import subprocess
import sys

from reflect.ui.lock_state import LockState
from tests.helpers import PROJECT_ROOT


def test_the_idle_lock_waits_for_the_whole_quiet_while(seconds):
    state = LockState(seconds)
    seconds.advance(5 * 60 - 1)
    assert not state.idle_lock_due(minutes=5, unlocked=True, protected=True)
    seconds.advance(1)
    assert state.idle_lock_due(minutes=5, unlocked=True, protected=True)


def test_a_key_starts_the_quiet_while_again(seconds):
    state = LockState(seconds)
    seconds.advance(4 * 60)
    state.touch()
    seconds.advance(4 * 60)
    assert not state.idle_lock_due(minutes=5, unlocked=True, protected=True)


def test_no_idle_lock_when_off_locked_already_or_without_a_passphrase(seconds):
    state = LockState(seconds)
    seconds.advance(24 * 60 * 60)
    assert not state.idle_lock_due(minutes=0, unlocked=True, protected=True)
    assert not state.idle_lock_due(minutes=5, unlocked=False, protected=True)
    assert not state.idle_lock_due(minutes=5, unlocked=True, protected=False)


def test_work_begun_before_a_lock_is_not_adopted_after_it(seconds):
    state = LockState(seconds)
    begun = state.generation
    assert state.is_current(begun)
    state.lock()
    assert not state.is_current(begun)
    assert state.is_current(state.generation)


def test_quick_hide_is_a_lock_and_coming_back_is_another(seconds):
    state = LockState(seconds)
    begun = state.generation
    state.lock(hide=True)
    assert state.hidden and not state.is_current(begun)
    hidden_at = state.generation
    state.come_back()
    # Whatever finished behind the neutral screen stays locked.
    assert not state.hidden and not state.is_current(hidden_at)


def test_a_newer_unlock_attempt_makes_the_older_one_late(seconds):
    state = LockState(seconds)
    first = state.begin_attempt()
    second = state.begin_attempt()
    assert not state.is_current(first) and state.is_current(second)


def test_the_lock_rules_load_without_textual():
    code = "import sys, reflect.ui.lock_state; assert 'textual' not in sys.modules, 'textual loaded'"
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
