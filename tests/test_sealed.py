"""The sealed envelope: round trips, slots, recovery, and damage vs wrong passphrase."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflect.storage import sealed
from reflect.storage.sealed import (
    KdfParams,
    SealedDamaged,
    SealedSpace,
    WrongPassphrase,
    is_sealed,
    sealed_slot_ids,
)

TEST = KdfParams.TEST
MARKER = "MARKER-the-thing-I-never-said-out-loud".encode()
PASS_A = "river stones at dawn"
PASS_B = "a kettle for two"


def split_file(blob: bytes) -> dict:
    """Split a sealed file by the layout in the module docstring (re-derived here)."""
    magic, version, header_len = struct.unpack_from(">8sBI", blob)
    header = blob[13 : 13 + header_len]
    rest = blob[13 + header_len :]
    return {
        "magic": magic,
        "version": version,
        "header": json.loads(header),
        "mac": rest[:32],
        "body_nonce": rest[32:56],
        "ciphertext": rest[56:-32],
        "checksum": rest[-32:],
    }


def with_checksum(content: bytes) -> bytes:
    return content + hashlib.blake2b(content, digest_size=32).digest()


def rebuild(blob: bytes, header: dict | bytes, *, version: int | None = None) -> bytes:
    """A file with a replaced header and a correct checksum, as a hand-editor would make."""
    parts = split_file(blob)
    raw_header = header if isinstance(header, bytes) else json.dumps(header).encode()
    content = (
        struct.pack(">8sBI", parts["magic"], parts["version"] if version is None else version, len(raw_header))
        + raw_header
        + parts["mac"]
        + parts["body_nonce"]
        + parts["ciphertext"]
    )
    return with_checksum(content)


@pytest.fixture(scope="module")
def shared_blob() -> bytes:
    """A small shared space: slots for partner A and partner B."""
    space = SealedSpace.create("A", PASS_A, TEST)
    space.add_slot("B", PASS_B, TEST)
    return space.seal(MARKER)


def test_round_trip() -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    blob = space.seal(MARKER)
    assert is_sealed(blob)
    reopened, body = SealedSpace.unlock(blob, "A", PASS_A)
    assert body == MARKER
    assert reopened.open(blob) == MARKER
    assert space.decode(space.encode(b"again")) == b"again"


def test_empty_body_round_trips() -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    assert SealedSpace.unlock(space.seal(b""), "A", PASS_A)[1] == b""


def test_every_seal_uses_a_new_nonce() -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    first, second = space.seal(MARKER), space.seal(MARKER)
    assert first != second
    assert split_file(first)["body_nonce"] != split_file(second)["body_nonce"]


def test_seal_never_runs_the_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    blob = space.seal(MARKER)

    def no_kdf(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the KDF ran")

    monkeypatch.setattr(sealed, "_derive_key", no_kdf)
    assert space.open(space.seal(MARKER)) == MARKER
    assert space.open(blob) == MARKER


def test_plaintext_and_passphrase_never_appear_in_the_file() -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    blob = space.seal(MARKER * 50)
    assert MARKER not in blob
    assert PASS_A.encode() not in blob


def test_one_partner_cannot_open_the_others_space() -> None:
    blob = SealedSpace.create("B", PASS_B, TEST).seal(MARKER)
    with pytest.raises(WrongPassphrase):
        SealedSpace.unlock(blob, None, PASS_A)
    with pytest.raises(WrongPassphrase):
        SealedSpace.unlock(blob, "A", PASS_A)
    with pytest.raises(WrongPassphrase):
        SealedSpace.unlock(blob, "B", PASS_A)


def test_shared_space_opens_with_either_passphrase(shared_blob: bytes) -> None:
    assert sealed_slot_ids(shared_blob) == ("A", "B")
    assert SealedSpace.unlock(shared_blob, "A", PASS_A)[1] == MARKER
    assert SealedSpace.unlock(shared_blob, "B", PASS_B)[1] == MARKER
    assert SealedSpace.unlock(shared_blob, None, PASS_B)[1] == MARKER
    with pytest.raises(WrongPassphrase):
        SealedSpace.unlock(shared_blob, "A", PASS_B)


def test_wrong_passphrase_on_an_intact_file(shared_blob: bytes) -> None:
    for slot_id in ("A", "B", None):
        with pytest.raises(WrongPassphrase) as caught:
            SealedSpace.unlock(shared_blob, slot_id, "not it")
        assert caught.value.user_message == sealed.WRONG_PASSPHRASE_MESSAGE


def test_change_passphrase_then_rekey_leaves_the_old_key_nothing() -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    before = space.seal(MARKER)
    old_key_holder, _ = SealedSpace.unlock(before, "A", PASS_A)
    space.change_passphrase("A", "a new passphrase", TEST)
    assert space.rekey() == ()
    with pytest.raises(SealedDamaged):  # the new key no longer opens the old file
        space.rewrap(before)
    after = space.seal(MARKER)

    assert split_file(after)["header"]["space"] == split_file(before)["header"]["space"]
    with pytest.raises(WrongPassphrase):
        SealedSpace.unlock(after, "A", PASS_A)
    assert SealedSpace.unlock(after, "A", "a new passphrase")[1] == MARKER
    with pytest.raises(SealedDamaged):  # the old data key opens no later save
        old_key_holder.open(space.seal(b"later"))
    # a backup sealed under the old key moves to the new one, keeping its counter
    moved = space.reseal_from(old_key_holder, before)
    assert split_file(moved)["header"]["counter"] == split_file(before)["header"]["counter"]
    assert SealedSpace.unlock(moved, "A", "a new passphrase")[1] == MARKER


def test_rekey_drops_the_slots_it_cannot_wrap_again() -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    space.add_slot("B", PASS_B, TEST)
    blob = space.seal(MARKER)
    opened, _ = SealedSpace.unlock(blob, "A", PASS_A)
    assert opened.rekey() == ("B",)
    assert opened.slot_ids == ("A",)
    assert SealedSpace.unlock(opened.seal(MARKER), "A", PASS_A)[1] == MARKER


def test_the_save_counter_goes_up_and_is_authenticated() -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    first, second = space.seal(MARKER), space.seal(MARKER)
    assert split_file(first)["header"]["counter"] + 1 == split_file(second)["header"]["counter"]
    reopened, _ = SealedSpace.unlock(second, "A", PASS_A)
    assert reopened.counter == split_file(second)["header"]["counter"]
    proof = reopened.counter_proof(reopened.counter)
    assert reopened.check_counter_proof(reopened.counter, proof)
    assert not reopened.check_counter_proof(reopened.counter - 1, proof)
    header = split_file(second)["header"]
    header["counter"] += 5  # someone without the key moves it
    with pytest.raises(sealed.SealedTampered):
        SealedSpace.unlock(rebuild(second, header), "A", PASS_A)


def test_rewrap_refuses_another_spaces_file() -> None:
    mine = SealedSpace.create("A", PASS_A, TEST)
    theirs = SealedSpace.create("A", PASS_A, TEST).seal(MARKER)
    with pytest.raises(SealedDamaged) as caught:
        mine.rewrap(theirs)
    assert caught.value.user_message == sealed.OTHER_SPACE_MESSAGE
    with pytest.raises(SealedDamaged):
        mine.open(theirs)


def test_remove_slot() -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    space.add_slot("B", PASS_B, TEST)
    space.remove_slot("B")
    blob = space.seal(MARKER)
    assert sealed_slot_ids(blob) == ("A",)
    with pytest.raises(WrongPassphrase):
        SealedSpace.unlock(blob, None, PASS_B)
    with pytest.raises(ValueError):
        space.remove_slot("A")
    with pytest.raises(KeyError):
        space.remove_slot("nobody")


def test_recovery_key_opens_the_space_and_is_normalised() -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    key = space.add_recovery_key(TEST)
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{5}-){7}[0-9A-HJKMNP-TV-Z]{5}", key)  # Crockford: no I, L, O, U
    blob = space.seal(MARKER)
    assert key.encode() not in blob

    typed = "  " + key.lower().replace("-", " ") + "\n"
    assert SealedSpace.unlock(blob, "recovery", typed)[1] == MARKER
    assert SealedSpace.unlock(blob, None, key.replace("-", ""))[1] == MARKER
    reopened, _ = SealedSpace.unlock(blob, "recovery", key)
    assert reopened.has_recovery_key


def test_a_new_recovery_key_replaces_the_old_one() -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    old_key = space.add_recovery_key(TEST)
    new_key = space.add_recovery_key(TEST)
    blob = space.seal(MARKER)
    assert sealed_slot_ids(blob) == ("A", "recovery")
    with pytest.raises(WrongPassphrase):
        SealedSpace.unlock(blob, "recovery", old_key)
    assert SealedSpace.unlock(blob, "recovery", new_key)[1] == MARKER


def test_recovery_key_mistakes_are_wrong_passphrase_not_damage() -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    no_recovery = space.seal(MARKER)
    with pytest.raises(WrongPassphrase) as caught:
        SealedSpace.unlock(no_recovery, "recovery", "AAAAA-" * 7 + "AAAAA")
    assert caught.value.user_message == sealed.NO_RECOVERY_KEY_MESSAGE

    key = space.add_recovery_key(TEST)
    blob = space.seal(MARKER)
    with pytest.raises(WrongPassphrase) as caught:
        SealedSpace.unlock(blob, "recovery", key[:-1])
    assert caught.value.user_message == sealed.MALFORMED_RECOVERY_KEY_MESSAGE
    with pytest.raises(WrongPassphrase):
        SealedSpace.unlock(blob, "recovery", PASS_A)


def test_unicode_passphrases_are_normalised() -> None:
    composed, decomposed = "caf\u00e9 au lait", "cafe\u0301 au lait"
    blob = SealedSpace.create("A", composed, TEST).seal(MARKER)
    assert SealedSpace.unlock(blob, "A", decomposed)[1] == MARKER
    with pytest.raises(WrongPassphrase):
        SealedSpace.unlock(blob, "A", "\ud800 not encodable")


def test_empty_passphrase_is_refused() -> None:
    with pytest.raises(ValueError):
        SealedSpace.create("A", "", TEST)
    space = SealedSpace.create("A", PASS_A, TEST)
    with pytest.raises(ValueError):
        space.add_slot("B", "", TEST)
    with pytest.raises(ValueError):
        space.change_passphrase("A", "", TEST)


def test_slot_ids_are_checked() -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    with pytest.raises(ValueError):
        space.add_slot("A", PASS_B, TEST)
    with pytest.raises(ValueError):
        space.add_slot("recovery", PASS_B, TEST)
    with pytest.raises(ValueError):
        space.add_slot("", PASS_B, TEST)


def test_forget_locks_the_space() -> None:
    space = SealedSpace.create("A", PASS_A, TEST)
    blob = space.seal(MARKER)
    space.forget()
    assert not space.is_unlocked
    with pytest.raises(RuntimeError):
        space.seal(MARKER)
    with pytest.raises(RuntimeError):
        space.open(blob)
    with pytest.raises(RuntimeError):
        space.add_slot("B", PASS_B, TEST)


def test_kdf_params_are_bounded_in_code_too() -> None:
    assert KdfParams.REAL.opslimit >= 3 and KdfParams.REAL.memlimit >= 64 * 1024 * 1024
    with pytest.raises(ValueError):
        KdfParams(opslimit=0, memlimit=KdfParams.TEST.memlimit)
    with pytest.raises(ValueError):
        KdfParams(opslimit=1, memlimit=2**40)


def test_every_bit_flip_and_every_truncation_is_damage(shared_blob: bytes) -> None:
    wrong_class: list[tuple[str, int, str]] = []
    for position in range(len(shared_blob)):
        for bit in range(8):
            flipped = bytearray(shared_blob)
            flipped[position] ^= 1 << bit
            try:
                SealedSpace.unlock(bytes(flipped), "A", PASS_A)
            except SealedDamaged:
                continue
            except Exception as error:  # noqa: BLE001 - the sweep reports every kind
                wrong_class.append(("flip", position * 8 + bit, type(error).__name__))
            else:
                wrong_class.append(("flip", position * 8 + bit, "opened"))
    for length in range(len(shared_blob)):
        try:
            SealedSpace.unlock(shared_blob[:length], "A", PASS_A)
        except SealedDamaged:
            continue
        except Exception as error:  # noqa: BLE001
            wrong_class.append(("truncate", length, type(error).__name__))
        else:
            wrong_class.append(("truncate", length, "opened"))
    assert wrong_class == []
    assert SealedSpace.unlock(shared_blob, "A", PASS_A)[1] == MARKER


def test_open_with_the_key_in_memory_also_reports_damage(shared_blob: bytes) -> None:
    space, _ = SealedSpace.unlock(shared_blob, "A", PASS_A)
    for position in range(0, len(shared_blob), 7):
        flipped = bytearray(shared_blob)
        flipped[position] ^= 0x10
        with pytest.raises(SealedDamaged):
            space.open(bytes(flipped))
    with pytest.raises(SealedDamaged):
        space.open(shared_blob[:-1])


def test_body_damage_behind_a_valid_checksum_is_damage_not_wrong_passphrase(
    shared_blob: bytes,
) -> None:
    parts = split_file(shared_blob)
    content = shared_blob[:-32]
    body_start = len(content) - len(parts["ciphertext"])
    flipped = bytearray(content)
    flipped[body_start + 3] ^= 0x01
    with pytest.raises(SealedDamaged) as caught:
        SealedSpace.unlock(with_checksum(bytes(flipped)), "A", PASS_A)
    assert caught.value.user_message == sealed.CONTENTS_DAMAGED_MESSAGE


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("memlimit", 2**40),
        ("memlimit", 1024**3 + 1),
        ("memlimit", 8 * 1024 * 1024 - 1),
        ("memlimit", 10**10),
        ("opslimit", 21),
        ("opslimit", 10**9),
        ("opslimit", 0),
        ("opslimit", True),
        ("opslimit", 3.0),
        ("salt", base64.b64encode(b"s" * 15).decode()),
        ("salt", base64.b64encode(b"s" * 4096).decode()),
    ],
)
def test_unreasonable_settings_are_refused_before_any_kdf(
    shared_blob: bytes, monkeypatch: pytest.MonkeyPatch, field: str, value: object
) -> None:
    def no_kdf(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the KDF ran on unreasonable settings")

    monkeypatch.setattr(sealed, "_derive_key", no_kdf)
    header = split_file(shared_blob)["header"]
    header["slots"][0][field] = value
    crafted = rebuild(shared_blob, header)
    with pytest.raises(SealedDamaged) as caught:
        SealedSpace.unlock(crafted, None, PASS_A)
    assert caught.value.user_message == sealed.UNREASONABLE_SETTINGS_MESSAGE


def test_a_newer_format_version_says_so(shared_blob: bytes) -> None:
    crafted = rebuild(shared_blob, split_file(shared_blob)["header"], version=sealed.NEWEST_VERSION + 1)
    with pytest.raises(SealedDamaged) as caught:
        SealedSpace.unlock(crafted, "A", PASS_A)
    assert caught.value.user_message == sealed.NEWER_VERSION_MESSAGE


@pytest.mark.parametrize(
    "edit",
    [
        lambda h: h["slots"].append(dict(h["slots"][0])),
        lambda h: h["slots"].clear(),
        lambda h: h["slots"][0].update(extra=1),
        lambda h: h["slots"][0].update(kdf="scrypt"),
        lambda h: h["slots"][0].update(id=""),
        lambda h: h["slots"][0].update(nonce="!!!"),
        lambda h: h["space"].update(cipher="rot13"),
        lambda h: h.update(slots={}),
        lambda h: h.pop("space"),
    ],
)
def test_hand_edited_headers_are_damage(shared_blob: bytes, edit) -> None:
    header = split_file(shared_blob)["header"]
    edit(header)
    with pytest.raises(SealedDamaged):
        SealedSpace.unlock(rebuild(shared_blob, header), None, PASS_A)


@pytest.mark.parametrize(
    "raw_header",
    [
        b"[" * 30_000 + b"]" * 30_000,
        b'{"space":' + b"9" * 5000 + b',"slots":[]}',
        b'{"space":NaN,"slots":[]}',
        b'{"space":{},"slots":[],"slots":[]}',
        b"\xff\xfe{}",
        b"",
    ],
)
def test_headers_that_do_not_parse_are_damage(shared_blob: bytes, raw_header: bytes) -> None:
    with pytest.raises(SealedDamaged):
        SealedSpace.unlock(rebuild(shared_blob, raw_header), None, PASS_A)


@pytest.mark.slow
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000), slot_id=st.sampled_from(["A", "recovery", None]))
def test_random_bytes_only_ever_give_the_two_errors(data: bytes, slot_id: str | None) -> None:
    for candidate in (data, sealed.MAGIC + data, with_checksum(sealed.MAGIC + b"\x01" + data)):
        with pytest.raises((SealedDamaged, WrongPassphrase)):
            SealedSpace.unlock(candidate, slot_id, PASS_A)


@functools.cache
def _shared_file_for_hypothesis() -> bytes:
    space = SealedSpace.create("A", PASS_A, TEST)
    space.add_slot("B", PASS_B, TEST)
    return space.seal(MARKER)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    position=st.integers(min_value=0),
    new_byte=st.integers(min_value=0, max_value=255),
    slot_id=st.sampled_from(["A", "B", None]),
)
def test_edits_behind_a_recomputed_checksum_never_open_wrongly(
    position: int, new_byte: int, slot_id: str | None
) -> None:
    content = bytearray(_shared_file_for_hypothesis()[:-32])
    slot_b_start = content.index(b'{"id":"B"')
    position %= len(content)
    if content[position] == new_byte:
        return
    content[position] = new_byte
    try:
        _, body = SealedSpace.unlock(with_checksum(bytes(content)), slot_id, PASS_A)
    except (SealedDamaged, WrongPassphrase):
        return
    # Partner B's slot is not needed to open with A's passphrase, so an edit
    # there may leave the space openable, but never with a different body.
    assert body == MARKER
    assert position > slot_b_start


@pytest.mark.slow
def test_real_settings_round_trip() -> None:
    space = SealedSpace.create("A", PASS_A, KdfParams.REAL)
    blob = space.seal(MARKER)
    slot = split_file(blob)["header"]["slots"][0]
    assert (slot["opslimit"], slot["memlimit"]) == (3, 64 * 1024 * 1024)
    assert SealedSpace.unlock(blob, "A", PASS_A)[1] == MARKER
    with pytest.raises(WrongPassphrase):
        SealedSpace.unlock(blob, "A", PASS_B)
