"""One copy of reflect per data folder, between processes and within one."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reflect.storage.errors import DataFolderBusy, StoreError
from reflect.storage.lock import DataFolderLock

PROJECT_ROOT = Path(__file__).resolve().parents[1]

HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from reflect.storage.lock import DataFolderLock

    lock = DataFolderLock(Path(sys.argv[1]))
    lock.acquire()
    print("held", flush=True)
    sys.stdin.read()
    """
)

TRY_LOCK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from reflect.storage.errors import DataFolderBusy
    from reflect.storage.lock import DataFolderLock

    try:
        DataFolderLock(Path(sys.argv[1])).acquire()
    except DataFolderBusy:
        sys.exit(3)
    """
)

# Takes the lock, starts a long-lived program that could inherit descriptors,
# then dies without letting go, as reflect would if it crashed after opening
# an editor.
HOLD_LOCK_THEN_DIE_LEAVING_A_CHILD = textwrap.dedent(
    """
    import os, subprocess, sys
    from pathlib import Path
    from reflect.storage.lock import DataFolderLock

    DataFolderLock(Path(sys.argv[1])).acquire()
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"],
        stdin=subprocess.PIPE, close_fds=False,
    )
    print(child.pid, flush=True)
    os._exit(0)
    """
)


def _python(script: str, *args: str, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=PROJECT_ROOT,
        env=env,
        text=True,
        **kwargs,
    )


@pytest.fixture
def lock_path(tmp_path) -> Path:
    return tmp_path / "reflect.lock"


def test_acquire_and_release(lock_path):
    lock = DataFolderLock(lock_path)
    assert not lock.held
    lock.acquire()
    assert lock.held
    lock.release()
    assert not lock.held
    lock.release()  # harmless when not held


def test_acquiring_twice_with_one_object_is_harmless(lock_path):
    with DataFolderLock(lock_path) as lock:
        lock.acquire()
        assert lock.held
    assert not lock.held


def test_lock_file_is_private(lock_path):
    old = os.umask(0o022)
    try:
        with DataFolderLock(lock_path):
            assert stat.S_IMODE(lock_path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_two_locks_in_one_process_conflict(lock_path):
    first = DataFolderLock(lock_path)
    second = DataFolderLock(lock_path)
    first.acquire()
    with pytest.raises(DataFolderBusy):
        second.acquire()
    assert not second.held
    first.release()
    second.acquire()
    assert second.held
    second.release()


def test_context_manager_releases_on_error(lock_path):
    with pytest.raises(RuntimeError):
        with DataFolderLock(lock_path):
            raise RuntimeError("boom")
    with DataFolderLock(lock_path) as again:
        assert again.held


def test_lock_held_by_another_process_makes_the_folder_busy(lock_path):
    holder = _python(HOLD_LOCK, str(lock_path), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DataFolderBusy) as caught:
            DataFolderLock(lock_path).acquire()
        assert isinstance(caught.value, StoreError)
        assert "Another copy of reflect" in caught.value.user_message
        assert "Traceback" not in caught.value.user_message
    finally:
        holder.kill()
        holder.wait(timeout=30)
    # The kernel let go when the holder died, without any release().
    with DataFolderLock(lock_path) as lock:
        assert lock.held


def test_another_process_cannot_take_a_lock_held_here(lock_path):
    with DataFolderLock(lock_path):
        busy = _python(TRY_LOCK, str(lock_path))
        assert busy.wait(timeout=60) == 3
    free = _python(TRY_LOCK, str(lock_path))
    assert free.wait(timeout=60) == 0


@pytest.mark.slow
def test_a_program_started_by_the_holder_does_not_keep_the_lock(lock_path):
    parent = _python(HOLD_LOCK_THEN_DIE_LEAVING_A_CHILD, str(lock_path), stdout=subprocess.PIPE)
    child_pid = int(parent.stdout.readline())
    parent.wait(timeout=60)
    try:
        os.kill(child_pid, 0)  # the child is still alive
        with DataFolderLock(lock_path) as lock:
            assert lock.held
    finally:
        os.kill(child_pid, 9)
