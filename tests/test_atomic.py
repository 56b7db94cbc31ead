"""Atomic, private writes: the old file or the new one, never half of either."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from tests.helpers import OsWithFailure
from reflect.storage import atomic
from reflect.storage.atomic import atomic_write_bytes, read_private_bytes

OLD = b'{"old": "version"}'
NEW = b'{"new": "version, rather longer than the old one"}' * 100




@pytest.fixture(params=[0o022, 0o000, 0o277], ids=["umask022", "umask000", "umask277"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _leftovers(folder: Path, keep: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p != keep)


def test_writes_new_file_and_replaces_existing(tmp_path):
    target = tmp_path / "space.json"
    atomic_write_bytes(target, OLD)
    assert target.read_bytes() == OLD
    atomic_write_bytes(target, NEW)
    assert read_private_bytes(target) == NEW
    assert _leftovers(tmp_path, target) == []


def test_file_is_private_whatever_the_umask(tmp_path, umask):
    target = tmp_path / "space.json"
    atomic_write_bytes(target, OLD)
    assert _mode(target) == 0o600
    os.chmod(target, 0o644)
    atomic_write_bytes(target, NEW)
    assert _mode(target) == 0o600


def test_empty_data_makes_an_empty_file(tmp_path):
    target = tmp_path / "space.json"
    atomic_write_bytes(target, b"")
    assert target.read_bytes() == b""


@pytest.mark.parametrize(
    ("call", "succeed_first"),
    [("fchmod", 0), ("write", 0), ("fsync", 0), ("replace", 0)],
)
def test_failure_leaves_original_byte_identical_and_no_temp_file(
    tmp_path, monkeypatch, call, succeed_first
):
    target = tmp_path / "space.json"
    atomic_write_bytes(target, OLD)
    failing = OsWithFailure(call, succeed_first)
    monkeypatch.setattr(atomic, "os", failing)

    with pytest.raises(OSError) as caught:
        atomic_write_bytes(target, NEW)

    assert caught.value.errno == errno.ENOSPC
    assert failing.calls >= 1
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, target) == []


def test_write_failing_part_way_through(tmp_path, monkeypatch):
    """The disk fills after some bytes are already in the temporary file."""
    target = tmp_path / "space.json"
    atomic_write_bytes(target, OLD)
    written: list[int] = []

    class _FillsUp:
        def __getattr__(self, attr):
            return getattr(os, attr)

        @staticmethod
        def write(fd, data):
            if written:
                raise OSError(errno.ENOSPC, "No space left on device")
            written.append(os.write(fd, bytes(data[:100])))
            return written[-1]

    monkeypatch.setattr(atomic, "os", _FillsUp())
    with pytest.raises(OSError):
        atomic_write_bytes(target, NEW)
    monkeypatch.undo()
    assert written == [100]
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, target) == []


def test_failure_on_a_new_file_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "space.json"
    monkeypatch.setattr(atomic, "os", OsWithFailure("fsync"))
    with pytest.raises(OSError):
        atomic_write_bytes(target, NEW)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_short_writes_are_completed(tmp_path, monkeypatch):
    target = tmp_path / "space.json"

    class _Trickle:
        def __getattr__(self, attr):
            return getattr(os, attr)

        @staticmethod
        def write(fd, data):
            return os.write(fd, bytes(data[:7]))

    monkeypatch.setattr(atomic, "os", _Trickle())
    atomic_write_bytes(target, NEW)
    monkeypatch.undo()
    assert target.read_bytes() == NEW


def test_a_write_that_accepts_nothing_is_a_full_disk_not_a_hang(tmp_path, monkeypatch):
    target = tmp_path / "space.json"
    atomic_write_bytes(target, OLD)

    class _AcceptsNothing:
        def __getattr__(self, attr):
            return getattr(os, attr)

        @staticmethod
        def write(fd, data):
            return 0

    monkeypatch.setattr(atomic, "os", _AcceptsNothing())
    with pytest.raises(OSError) as caught:
        atomic_write_bytes(target, NEW)
    monkeypatch.undo()
    assert caught.value.errno == errno.ENOSPC
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, target) == []


def test_folder_sync_failure_does_not_report_a_save_that_happened_as_failed(tmp_path, monkeypatch):
    """Once the new file is in place, a failing folder sync must not raise."""
    target = tmp_path / "space.json"
    atomic_write_bytes(target, OLD)
    # The first fsync is the file's own; the second is the folder's.
    monkeypatch.setattr(atomic, "os", OsWithFailure("fsync", succeed_first=1))
    atomic_write_bytes(target, NEW)
    monkeypatch.undo()
    assert target.read_bytes() == NEW


def test_missing_folder_raises_and_creates_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic_write_bytes(tmp_path / "nope" / "space.json", OLD)
    assert list(tmp_path.iterdir()) == []
