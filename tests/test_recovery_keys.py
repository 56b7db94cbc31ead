"""Recovery keys without lookalikes; old keys still open when 0/O and 1/I/L are mixed up."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, strategies as st

from reflect.domain import recovery_keys
from reflect.storage.errors import StoreError
from tests.helpers import PASS_A

# A key as reflect made them before: RFC 4648 base32, with O, I and L in it.
OLD_KEY = "OILAB-CDEFG-HIJKL-MNOPQ-RSTUV-WXYZ2-34567-LOIOL"


def test_new_keys_have_no_lookalike_characters(couple):
    ws, alex, _ = couple
    ws.unlock(alex, PASS_A)
    for _ in range(20):
        key = ws.add_recovery_key(current=PASS_A)
        assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{5}-){7}[0-9A-HJKMNP-TV-Z]{5}", key), key
        assert not set(key) & set("ILOU")


@given(st.binary(min_size=25, max_size=25))
def test_a_new_key_is_read_back_with_any_lookalike_typed(random_bytes):
    key = recovery_keys.new_key_text(random_bytes)
    assert len(key) == 40 and set(key) <= set(recovery_keys.CROCKFORD)
    typed = recovery_keys.grouped(key).replace("0", "O").replace("1", "l").lower()
    assert recovery_keys.readings(typed)[0] == key


def test_an_old_key_opens_when_typed_with_zero_for_o_and_one_for_i_or_l(couple, monkeypatch):
    ws, alex, _ = couple
    ws.unlock(alex, PASS_A)
    ws.write("kept safe")
    monkeypatch.setattr(recovery_keys, "new_key_text", lambda _: OLD_KEY.replace("-", ""))
    assert ws.add_recovery_key(current=PASS_A) == OLD_KEY
    ws.lock()
    typed = OLD_KEY.replace("O", "0").replace("I", "1", 2).replace("L", "1", 1)
    assert typed.count("1") == 3 and "O" not in typed
    ws.unlock_with_recovery(alex, typed, "a brand new passphrase")
    assert [e.text for e in ws.journal.entries()] == ["kept safe"]


def test_the_message_says_what_is_really_wrong(couple):
    ws, alex, _ = couple
    ws.unlock(alex, PASS_A)
    key = ws.add_recovery_key(current=PASS_A)
    ws.lock()
    cases = {
        key[:-6]: "has 35 letters and digits",
        key[:-1] + "%": "also has '%'",
        key[:-1] + ("0" if key[-1] != "0" else "2"): "does not open Alex's spaces",
    }
    for typed, expected in cases.items():
        with pytest.raises(StoreError) as refused:
            ws.unlock_with_recovery(alex, typed, "a brand new passphrase")
        assert expected in refused.value.user_message, (typed, refused.value.user_message)
        assert "doesn't look complete" not in refused.value.user_message
        assert not ws.is_unlocked
