"""A damaged or hand-edited profiles.json is described once, in one plain sentence (not twice)."""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers import CLI_PASS_A, run_cli


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


@pytest.mark.parametrize(
    "content, says",
    [
        ("{garbage", "could not be read"),
        ("", "could not be read"),
        (json.dumps({"version": 1, "profiles": [{"id": "abc", "name": "  x", "role": "hurt", "space": "private-abc", "protected": True}]}), "breaks reflect's rules"),
    ],
)
def test_a_bad_profiles_file_is_described_once(tmp_path, capsys, monkeypatch, cheap_kdf, content, says):
    data = tmp_path / "d"
    assert run_cli(["profiles", "add", "Robin", "--role", "hurt", "--data-dir", str(data)], capsys, monkeypatch, f"{CLI_PASS_A}\n")[0] == 0
    (data / "profiles.json").write_text(content)
    code, out, err = run_cli(["list", "--data-dir", str(data)], capsys, monkeypatch, f"{CLI_PASS_A}\n")
    assert code == 1
    said = sentences(err)
    assert len(said) == len(set(said)), err
    assert err.count("could not be read") == (1 if says == "could not be read" else 0), err
    assert says in err and "profiles.json" in err
    code, out, _ = run_cli(["check", "--data-dir", str(data)], capsys, monkeypatch)
    assert code == 1 and out.count("could not be read") == (1 if says == "could not be read" else 0)
