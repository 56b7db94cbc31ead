"""The sealed envelope: one space, encrypted as a whole, openable by passphrase.

A space (one person's private journal, or a couple's shared space) is one file.
A random 32-byte *data key* encrypts the whole body with XChaCha20-Poly1305 and
a fresh random 24-byte nonce on every save. The data key itself is stored only
*wrapped* in one or more *key slots*: one per person who may open the space
(a shared space has one slot per partner), plus optionally a ``recovery`` slot
opened by a one-time recovery key. A slot wraps the data key under a key
derived from that person's passphrase with Argon2id. Changing a passphrase
re-wraps the data key in one slot and leaves the body ciphertext as it is.

All cryptography comes from libsodium through PyNaCl; the checksum is
``hashlib.blake2b``. Nothing here is hand-made cryptography.

File format, version 1 (all lengths in bytes, integers big-endian)::

    offset    size  field
    0         8     magic  b"RFLXSEAL"
    8         1     format version, 1
    9         4     header length N (unsigned)
    13        N     header: UTF-8 JSON, sorted keys, no spaces (see below)
    13+N      24    body nonce
    37+N      M     body ciphertext: XChaCha20-Poly1305 (IETF), 16-byte tag at its end
    end-32    32    BLAKE2b-256 of every byte before it

    header = {
      "space": {"cipher": "xchacha20poly1305-ietf", "id": <base64, 16 bytes>},
      "slots": [                                   # 1 to 16 slots, ids unique
        {"id": <slot id, e.g. a profile id or "recovery">,
         "kdf": "argon2id13",
         "opslimit": <int, 1..20>,
         "memlimit": <int, 8 MiB..1 GiB, in bytes>,
         "salt": <base64, 16 bytes>,
         "nonce": <base64, 24 bytes>,
         "wrapped": <base64, 48 bytes: the data key sealed with XChaCha20-Poly1305>}
      ]
    }

What authenticates what:

- the body AEAD takes as associated data ``magic + version + canonical JSON of
  "space"``, so the format version, the cipher and the space id are bound to
  the body;
- each slot's AEAD takes as associated data ``magic + version + canonical JSON
  of "space" + 0x00 + canonical JSON of the slot without "wrapped"``, so every
  slot is bound to its own id, KDF settings and salt, and to this space. The
  slot list is deliberately *not* part of the body's associated data: that is
  what lets a passphrase change re-wrap the key without re-encrypting the body;
- the trailing checksum covers the whole file and tells damage apart from a
  wrong passphrase.

How opening tells damage from a wrong passphrase, in this order:

1. too short, checksum mismatch, wrong magic, unknown version, header that does
   not parse or has out-of-range settings: :class:`SealedDamaged`. The
   checksum runs first, so a flipped bit or a cut-off file never reaches the
   key derivation;
2. the file is intact but no slot unwraps with the passphrase given:
   :class:`WrongPassphrase`;
3. a slot unwrapped but the body does not decrypt: :class:`SealedDamaged`.

KDF settings read from a file are checked against fixed bounds before any key
derivation runs, so a hand-edited file cannot make reflect allocate gigabytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import struct
import unicodedata
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import nacl.bindings
import nacl.exceptions
import nacl.pwhash.argon2id

from reflect.domain import recovery_keys
from reflect.storage.errors import StoreError
from reflect.storage.errors import WrongPassphrase as StoreWrongPassphrase
import nacl.utils

MAGIC = b"RFLXSEAL"
FORMAT_VERSION = 1
RECOVERY_SLOT_ID = "recovery"

CIPHER_NAME = "xchacha20poly1305-ietf"
KDF_NAME = "argon2id13"

MIN_OPSLIMIT = 1
MAX_OPSLIMIT = 20
MIN_MEMLIMIT = 8 * 1024 * 1024
MAX_MEMLIMIT = 1024 * 1024 * 1024

KEY_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_KEYBYTES
NONCE_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
TAG_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_ABYTES
SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES
SPACE_ID_BYTES = 16
WRAPPED_KEY_BYTES = KEY_BYTES + TAG_BYTES
CHECKSUM_BYTES = 32

MAX_HEADER_BYTES = 64 * 1024
MAX_SLOTS = 16
MAX_SLOT_ID_CHARS = 128

RECOVERY_KEY_BYTES = 25
RECOVERY_GROUPS = 8
RECOVERY_GROUP_CHARS = 5
_RECOVERY_KEY_CHARS = RECOVERY_GROUPS * RECOVERY_GROUP_CHARS
# Old keys (RFC 4648) and new ones (Crockford, see reflect.domain.recovery_keys).
_BASE32_ALPHABET = frozenset(recovery_keys.RFC4648) | frozenset(recovery_keys.CROCKFORD)

_PREFIX = struct.Struct(">8sBI")
_MIN_FILE_BYTES = _PREFIX.size + NONCE_BYTES + TAG_BYTES + CHECKSUM_BYTES

DAMAGED_MESSAGE = (
    "This space's file is damaged or incomplete, so it can't be opened. "
    "Nothing in it has been changed."
)
NEWER_VERSION_MESSAGE = (
    "This space was saved by a newer version of reflect. "
    "Updating reflect should let you open it."
)
UNREASONABLE_SETTINGS_MESSAGE = (
    "This space's file asks for unreasonable unlocking settings, far beyond "
    "what reflect ever uses, so it was not opened. The file may be damaged "
    "or edited by hand."
)
NOT_ENOUGH_MEMORY_MESSAGE = (
    "This space needs more memory to unlock than this computer could give "
    "just now. Closing other programs and trying again may help."
)
CONTENTS_DAMAGED_MESSAGE = (
    "The passphrase is right, but the contents of this space's file are "
    "damaged, so it can't be opened. Nothing in it has been changed."
)
OTHER_SPACE_MESSAGE = (
    "This file belongs to a different space, so it can't be opened here."
)
WRONG_PASSPHRASE_MESSAGE = (
    "That passphrase doesn't open this space. Please check it and try again."
)
NO_RECOVERY_KEY_MESSAGE = "This space has no recovery key."
MALFORMED_RECOVERY_KEY_MESSAGE = (
    "That recovery key doesn't look complete. It has 40 letters and digits, "
    "in 8 groups of 5."
)


class SealedDamaged(StoreError):
    """The file is damaged, cut short, edited by hand, or not a sealed space.

    ``user_message`` is a plain sentence that can be shown as it is.
    """

    def __init__(self, user_message: str = DAMAGED_MESSAGE) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class WrongPassphrase(StoreWrongPassphrase):
    """The file is intact but the passphrase (or recovery key) does not open it.

    ``user_message`` is a plain sentence that can be shown as it is.
    """

    def __init__(self, user_message: str = WRONG_PASSPHRASE_MESSAGE) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def _params_in_bounds(opslimit: object, memlimit: object) -> bool:
    return (
        type(opslimit) is int
        and type(memlimit) is int
        and MIN_OPSLIMIT <= opslimit <= MAX_OPSLIMIT
        and MIN_MEMLIMIT <= memlimit <= MAX_MEMLIMIT
    )


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost settings for turning a passphrase into a key.

    ``REAL`` is what people's spaces use (3 passes over 64 MiB, about a tenth
    of a second on a modest machine). ``TEST`` is the cheapest setting the
    file format accepts, for tests only.
    """

    opslimit: int
    memlimit: int

    REAL: ClassVar[KdfParams]
    TEST: ClassVar[KdfParams]

    def __post_init__(self) -> None:
        if not _params_in_bounds(self.opslimit, self.memlimit):
            raise ValueError(
                f"KDF settings out of bounds: opslimit must be "
                f"{MIN_OPSLIMIT}..{MAX_OPSLIMIT} and memlimit "
                f"{MIN_MEMLIMIT}..{MAX_MEMLIMIT} bytes"
            )


KdfParams.REAL = KdfParams(opslimit=3, memlimit=64 * 1024 * 1024)
KdfParams.TEST = KdfParams(opslimit=MIN_OPSLIMIT, memlimit=MIN_MEMLIMIT)


@dataclass(frozen=True)
class KeySlot:
    """One way into a space: the data key wrapped under one passphrase."""

    slot_id: str
    params: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes

    def to_json(self) -> dict[str, Any]:
        """The slot as it appears in the header."""
        return {
            **self._authenticated_fields(),
            "wrapped": _b64(self.wrapped),
        }

    def associated_data(self, space_aad: bytes) -> bytes:
        """What the wrapped key is bound to: this space and this slot's settings."""
        return space_aad + b"\x00" + _canonical_json(self._authenticated_fields())

    def _authenticated_fields(self) -> dict[str, Any]:
        return {
            "id": self.slot_id,
            "kdf": KDF_NAME,
            "opslimit": self.params.opslimit,
            "memlimit": self.params.memlimit,
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
        }


@dataclass(frozen=True)
class _ParsedFile:
    space_id: bytes
    slots: tuple[KeySlot, ...]
    body_nonce: bytes
    ciphertext: bytes


class SealedSpace:
    """An unlocked space: its data key and key slots, held in memory.

    Works as a codec for the storage layer: :meth:`encode` seals a body,
    :meth:`decode` opens a sealed file with the key already in memory. Neither
    runs the key derivation; only :meth:`create`, :meth:`unlock` and the slot
    methods do.

    A partner who has unlocked a shared space holds its data key, so this class
    cannot stop them changing or removing the other partner's slot; who may do
    what with whose slot is decided above this layer.
    """

    def __init__(self, space_id: bytes, data_key: bytes, slots: list[KeySlot]) -> None:
        self._space_id = space_id
        self._data_key: bytes | None = data_key
        self._slots: dict[str, KeySlot] = {slot.slot_id: slot for slot in slots}

    @classmethod
    def create(cls, slot_id: str, passphrase: str, params: KdfParams) -> SealedSpace:
        """A new space with a fresh random data key and one passphrase slot."""
        _check_new_slot_id(slot_id)
        secret = _passphrase_secret(passphrase)
        space = cls(nacl.utils.random(SPACE_ID_BYTES), nacl.utils.random(KEY_BYTES), [])
        space._put_slot(slot_id, secret, params)
        return space

    @classmethod
    def unlock(
        cls, blob: bytes, slot_id: str | None, passphrase: str
    ) -> tuple[SealedSpace, bytes]:
        """Open a sealed file; return the unlocked space and the decrypted body.

        ``slot_id`` picks the slot to try (a profile id, or ``"recovery"`` with
        a recovery key as the passphrase); ``None`` tries every slot in turn.
        Raises :class:`SealedDamaged` or :class:`WrongPassphrase`, nothing else.
        """
        parsed = _parse(blob)
        space_aad = _space_aad(parsed.space_id)
        candidates = [s for s in parsed.slots if slot_id is None or s.slot_id == slot_id]
        if not candidates:
            if is_recovery_slot(slot_id):
                raise WrongPassphrase(NO_RECOVERY_KEY_MESSAGE)
            raise WrongPassphrase()
        data_key = None
        for slot in candidates:
            secret = _unlock_secret(slot.slot_id, passphrase)
            if secret is None:
                if is_recovery_slot(slot_id):
                    raise WrongPassphrase(MALFORMED_RECOVERY_KEY_MESSAGE)
                continue
            data_key = _unwrap(slot, secret, space_aad)
            if data_key is not None:
                break
        if data_key is None:
            raise WrongPassphrase()
        space = cls(parsed.space_id, data_key, list(parsed.slots))
        return space, space._decrypt_body(parsed)

    @property
    def is_unlocked(self) -> bool:
        """False once :meth:`forget` has been called."""
        return self._data_key is not None

    @property
    def slot_ids(self) -> tuple[str, ...]:
        """The ids of the slots that can open this space, in file order."""
        return tuple(self._slots)

    @property
    def has_recovery_key(self) -> bool:
        """True if a recovery key can open this space."""
        return RECOVERY_SLOT_ID in self._slots

    def add_slot(self, slot_id: str, passphrase: str, params: KdfParams) -> None:
        """Let one more passphrase open this space (e.g. the second partner's)."""
        _check_new_slot_id(slot_id)
        if slot_id in self._slots:
            raise ValueError(f"slot {slot_id!r} already exists; change its passphrase instead")
        self._put_slot(slot_id, _passphrase_secret(passphrase), params)

    def change_passphrase(self, slot_id: str, new_passphrase: str, params: KdfParams) -> None:
        """Re-wrap the data key for one slot under a new passphrase.

        The body is not re-encrypted: :meth:`rewrap` writes the new slot into an
        existing sealed file, and every later :meth:`seal` carries it too.
        """
        if is_recovery_slot(slot_id):
            raise ValueError("the recovery slot is replaced with add_recovery_key()")
        if slot_id not in self._slots:
            raise KeyError(slot_id)
        self._put_slot(slot_id, _passphrase_secret(new_passphrase), params)

    def slots_snapshot(self) -> dict[str, KeySlot]:
        """The key slots as they are now, to put back if a change cannot be saved."""
        return dict(self._slots)

    def restore_slots(self, snapshot: dict[str, KeySlot]) -> None:
        """Undo slot changes that never reached the disk."""
        self._slots = dict(snapshot)

    def remove_slot(self, slot_id: str) -> None:
        """Stop a passphrase (or the recovery key) from opening this space."""
        self._require_unlocked()
        if slot_id not in self._slots:
            raise KeyError(slot_id)
        if len(self._slots) == 1:
            raise ValueError("the last slot cannot be removed: nobody could open the space")
        del self._slots[slot_id]

    def add_recovery_key(
        self, params: KdfParams, *, slot_id: str = RECOVERY_SLOT_ID, key: str | None = None
    ) -> str:
        """Make a new recovery key and return it, to be shown to the person once.

        Only its wrapped slot is kept; any earlier key in that slot stops working.
        The key reads as 8 groups of 5 base32 characters (200 random bits).
        ``slot_id`` (``recovery`` or ``recovery-<who>``) and an existing ``key``
        let one person's single recovery key open every space they may open.
        """
        if not is_recovery_slot(slot_id):
            raise ValueError("a recovery slot id starts with 'recovery'")
        if key is None:
            encoded = recovery_keys.new_key_text(nacl.utils.random(RECOVERY_KEY_BYTES))
        else:
            encoded = normalise_recovery_key(key) or ""
            if not encoded:
                raise ValueError("not a recovery key")
        self._put_slot(slot_id, encoded.encode("ascii"), params)
        return "-".join(
            encoded[i : i + RECOVERY_GROUP_CHARS]
            for i in range(0, _RECOVERY_KEY_CHARS, RECOVERY_GROUP_CHARS)
        )

    def seal(self, body: bytes) -> bytes:
        """Encrypt ``body`` into a complete sealed file, with a fresh nonce.

        Never runs the key derivation, so it is cheap to call on every save.
        """
        data_key = self._require_unlocked()
        nonce = nacl.utils.random(NONCE_BYTES)
        ciphertext = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
            bytes(body), _space_aad(self._space_id), nonce, data_key
        )
        return _assemble(self._header_bytes(), nonce, ciphertext)

    def open(self, blob: bytes) -> bytes:
        """Decrypt a sealed file of this space with the key already in memory.

        For re-reading the file, e.g. after a save that may not have finished.
        Raises :class:`SealedDamaged` if the file is damaged or is another space's.
        """
        return self._decrypt_body(self._parse_own(blob))

    def rewrap(self, blob: bytes) -> bytes:
        """Return ``blob`` with this space's current slots, body ciphertext unchanged.

        The body is checked to decrypt first, so slots are never attached to a
        body this key cannot read. Raises :class:`SealedDamaged` like :meth:`open`.
        """
        parsed = self._parse_own(blob)
        self._decrypt_body(parsed)
        return _assemble(self._header_bytes(), parsed.body_nonce, parsed.ciphertext)

    def encode(self, plain: bytes) -> bytes:
        """Codec name for :meth:`seal`."""
        return self.seal(plain)

    def decode(self, stored: bytes) -> bytes:
        """Codec name for :meth:`open`."""
        return self.open(stored)

    def forget(self) -> None:
        """Drop this object's references to the data key (locking the space).

        Best effort only: Python cannot wipe memory, and copies of the key and
        of passphrase-derived keys may linger in freed memory until reused.
        """
        self._data_key = None

    def _require_unlocked(self) -> bytes:
        if self._data_key is None:
            raise RuntimeError("the space is locked; unlock it again first")
        return self._data_key

    def _parse_own(self, blob: bytes) -> _ParsedFile:
        self._require_unlocked()
        parsed = _parse(blob)
        if not hmac.compare_digest(parsed.space_id, self._space_id):
            raise SealedDamaged(OTHER_SPACE_MESSAGE)
        return parsed

    def _put_slot(self, slot_id: str, secret: bytes, params: KdfParams) -> None:
        data_key = self._require_unlocked()
        unsealed = KeySlot(
            slot_id=slot_id,
            params=params,
            salt=nacl.utils.random(SALT_BYTES),
            nonce=nacl.utils.random(NONCE_BYTES),
            wrapped=b"",
        )
        wrapping_key = _derive_key(secret, unsealed.salt, params)
        wrapped = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
            data_key,
            unsealed.associated_data(_space_aad(self._space_id)),
            unsealed.nonce,
            wrapping_key,
        )
        self._slots[slot_id] = replace(unsealed, wrapped=wrapped)

    def _header_bytes(self) -> bytes:
        return _canonical_json(
            {
                "space": _space_json(self._space_id),
                "slots": [slot.to_json() for slot in self._slots.values()],
            }
        )

    def _decrypt_body(self, parsed: _ParsedFile) -> bytes:
        try:
            return nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                parsed.ciphertext,
                _space_aad(parsed.space_id),
                parsed.body_nonce,
                self._require_unlocked(),
            )
        except nacl.exceptions.CryptoError:
            raise SealedDamaged(CONTENTS_DAMAGED_MESSAGE) from None


def is_sealed(blob: bytes) -> bool:
    """True if ``blob`` starts like a sealed space (it may still be damaged)."""
    return bytes(blob[: len(MAGIC)]) == MAGIC


def sealed_slot_ids(blob: bytes) -> tuple[str, ...]:
    """The slot ids of a sealed file, without unlocking it.

    Raises :class:`SealedDamaged` if the file is damaged.
    """
    return tuple(slot.slot_id for slot in _parse(blob).slots)


def normalise_passphrase(passphrase: str) -> bytes:
    """The bytes a passphrase stands for: Unicode NFC, then UTF-8.

    NFC makes "é" typed as one character or as "e" plus an accent the same.
    """
    if not isinstance(passphrase, str):
        raise TypeError("a passphrase is text")
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def normalise_recovery_key(text: str) -> str | None:
    """The canonical 40-character form of a recovery key, or None if it can't be one.

    Spaces, dashes and letter case are ignored, as people copy keys by hand.
    """
    if not isinstance(text, str):
        return None
    compact = "".join(ch for ch in text if not ch.isspace() and ch not in "-_").upper()
    if len(compact) != _RECOVERY_KEY_CHARS or not set(compact) <= _BASE32_ALPHABET:
        return None
    return compact


def _passphrase_secret(passphrase: str) -> bytes:
    secret = normalise_passphrase(passphrase)
    if not secret:
        raise ValueError("a passphrase cannot be empty")
    return secret


def is_recovery_slot(slot_id: str | None) -> bool:
    """Recovery slots are ``recovery``, or ``recovery-<who>`` when a space has several."""
    return isinstance(slot_id, str) and (
        slot_id == RECOVERY_SLOT_ID or slot_id.startswith(RECOVERY_SLOT_ID + "-")
    )


def _unlock_secret(slot_id: str, passphrase: str) -> bytes | None:
    if is_recovery_slot(slot_id):
        key = normalise_recovery_key(passphrase)
        return None if key is None else key.encode("ascii")
    try:
        return normalise_passphrase(passphrase)
    except (TypeError, UnicodeError):
        # Not text, or text that cannot be UTF-8 (a lone surrogate): opens nothing.
        return None


def _check_new_slot_id(slot_id: str) -> None:
    if not isinstance(slot_id, str) or not 0 < len(slot_id) <= MAX_SLOT_ID_CHARS:
        raise ValueError(f"a slot id is text of 1 to {MAX_SLOT_ID_CHARS} characters")
    if is_recovery_slot(slot_id):
        raise ValueError("the recovery slot is made with add_recovery_key()")


def _derive_key(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    return nacl.pwhash.argon2id.kdf(
        KEY_BYTES, secret, salt, opslimit=params.opslimit, memlimit=params.memlimit
    )


def _unwrap(slot: KeySlot, secret: bytes, space_aad: bytes) -> bytes | None:
    try:
        wrapping_key = _derive_key(secret, slot.salt, slot.params)
    except nacl.exceptions.RuntimeError:
        # Settings were already bounded, so this is the machine running short of memory.
        raise SealedDamaged(NOT_ENOUGH_MEMORY_MESSAGE) from None
    try:
        return nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            slot.wrapped, slot.associated_data(space_aad), slot.nonce, wrapping_key
        )
    except nacl.exceptions.CryptoError:
        return None


def _checksum(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=CHECKSUM_BYTES).digest()


def _assemble(header: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    content = b"".join(
        (_PREFIX.pack(MAGIC, FORMAT_VERSION, len(header)), header, nonce, ciphertext)
    )
    return content + _checksum(content)


def _canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _space_json(space_id: bytes) -> dict[str, str]:
    return {"cipher": CIPHER_NAME, "id": _b64(space_id)}


def _space_aad(space_id: bytes) -> bytes:
    return MAGIC + bytes([FORMAT_VERSION]) + _canonical_json(_space_json(space_id))


def _parse(blob: bytes) -> _ParsedFile:
    """Check and split a sealed file; every problem is :class:`SealedDamaged`."""
    if not isinstance(blob, (bytes, bytearray, memoryview)):
        raise SealedDamaged()
    blob = bytes(blob)
    if len(blob) < _MIN_FILE_BYTES:
        raise SealedDamaged()
    content, checksum = blob[:-CHECKSUM_BYTES], blob[-CHECKSUM_BYTES:]
    if not hmac.compare_digest(_checksum(content), checksum):
        raise SealedDamaged()
    magic, version, header_len = _PREFIX.unpack_from(content)
    if magic != MAGIC:
        raise SealedDamaged()
    if version != FORMAT_VERSION:
        raise SealedDamaged(NEWER_VERSION_MESSAGE if version > FORMAT_VERSION else DAMAGED_MESSAGE)
    body_start = _PREFIX.size + header_len
    if header_len > MAX_HEADER_BYTES or body_start + NONCE_BYTES + TAG_BYTES > len(content):
        raise SealedDamaged()
    header = _parse_header(content[_PREFIX.size : body_start])
    space_id = _field_bytes(header["space"], "id", SPACE_ID_BYTES)
    if header["space"].get("cipher") != CIPHER_NAME:
        raise SealedDamaged()
    return _ParsedFile(
        space_id=space_id,
        slots=_parse_slots(header["slots"]),
        body_nonce=content[body_start : body_start + NONCE_BYTES],
        ciphertext=content[body_start + NONCE_BYTES :],
    )


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def _parse_header(raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_reject_duplicate_keys,
            parse_constant=_reject_constant,
        )
    except (ValueError, RecursionError):
        # ValueError covers bad UTF-8, bad JSON and over-long integers.
        raise SealedDamaged() from None
    if (
        not isinstance(header, dict)
        or set(header) != {"space", "slots"}
        or not isinstance(header["space"], dict)
        or set(header["space"]) != {"cipher", "id"}
        or not isinstance(header["slots"], list)
    ):
        raise SealedDamaged()
    return header


_SLOT_FIELDS = frozenset({"id", "kdf", "opslimit", "memlimit", "salt", "nonce", "wrapped"})


def _parse_slots(raw_slots: list[Any]) -> tuple[KeySlot, ...]:
    if not 0 < len(raw_slots) <= MAX_SLOTS:
        raise SealedDamaged()
    slots: list[KeySlot] = []
    for raw in raw_slots:
        if not isinstance(raw, dict) or set(raw) != _SLOT_FIELDS:
            raise SealedDamaged()
        slot_id = raw["id"]
        if not isinstance(slot_id, str) or not 0 < len(slot_id) <= MAX_SLOT_ID_CHARS:
            raise SealedDamaged()
        if raw["kdf"] != KDF_NAME:
            raise SealedDamaged()
        # Bounded before anything derives a key, so a file cannot ask for 1 TB.
        if not _params_in_bounds(raw["opslimit"], raw["memlimit"]):
            raise SealedDamaged(UNREASONABLE_SETTINGS_MESSAGE)
        salt = _field_bytes(raw, "salt", SALT_BYTES, UNREASONABLE_SETTINGS_MESSAGE)
        slots.append(
            KeySlot(
                slot_id=slot_id,
                params=KdfParams(opslimit=raw["opslimit"], memlimit=raw["memlimit"]),
                salt=salt,
                nonce=_field_bytes(raw, "nonce", NONCE_BYTES),
                wrapped=_field_bytes(raw, "wrapped", WRAPPED_KEY_BYTES),
            )
        )
    if len({slot.slot_id for slot in slots}) != len(slots):
        raise SealedDamaged()
    return tuple(slots)


def _field_bytes(
    obj: dict[str, Any], name: str, size: int, message: str = DAMAGED_MESSAGE
) -> bytes:
    value = obj.get(name)
    if not isinstance(value, str) or len(value) > 4 * size:
        raise SealedDamaged(message)
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SealedDamaged(message) from None
    if len(raw) != size or _b64(raw) != value:
        raise SealedDamaged(message)
    return raw
