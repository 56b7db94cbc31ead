"""The sealed envelope: one space, encrypted as a whole, openable by passphrase.

A space (one person's private journal, or a couple's shared space) is one file.
A random 32-byte *data key* is the root of everything in it. The data key is
stored only *wrapped* in one or more *key slots*: one per person who may open
the space (a shared space has one slot per partner), plus optionally a
recovery slot opened by a one-time recovery key. A slot wraps the data key
with XChaCha20-Poly1305 under a key derived from that person's passphrase with
Argon2id.

Two keys are derived from the data key with keyed BLAKE2b (distinct
"personalisation" labels): a *header key* and a *body key*. The header key
authenticates the whole header; the body key encrypts the body with
XChaCha20-Poly1305 and a fresh random 24-byte nonce on every save.

All cryptography comes from libsodium through PyNaCl and from ``hashlib``'s
BLAKE2b (imported as ``storage.heads`` imports it, without OpenSSL). Nothing
here is hand-made cryptography.

File format, version 2 (all lengths in bytes, integers big-endian)::

    offset    size  field
    0         8     magic  b"RFLXSEAL"
    8         1     format version, 2
    9         4     header length N (unsigned)
    13        N     header: UTF-8 JSON, sorted keys, no spaces (see below)
    13+N      32    header MAC: keyed BLAKE2b-256 (header key) of bytes 0..13+N
    45+N      24    body nonce
    69+N      M     body ciphertext: XChaCha20-Poly1305 (IETF) under the body
                    key, 16-byte tag at its end
    end-32    32    checksum: unkeyed BLAKE2b-256 of every byte before it

    header = {
      "space": {"cipher": "xchacha20poly1305-ietf",
                "id": <base64, 16 bytes>,
                "name": <the space's name, e.g. "private-<id>" or "shared">,
                "owner": <profile id for a private space, "" for a shared one>,
                "kind": "private" | "shared"},
      "counter": <int: how many times this space has been saved>,
      "slots": [                                   # 1 to 16 slots, ids unique
        {"id": <slot id: a profile id, or "recovery-<profile id>">,
         "kdf": "argon2id13",
         "opslimit": <int, 1..20>,
         "memlimit": <int, 8 MiB..1 GiB, in bytes>,
         "salt": <base64, 16 bytes>,
         "nonce": <base64, 24 bytes>,
         "wrapped": <base64, 48 bytes: the data key sealed with XChaCha20-Poly1305>}
      ]
    }

What authenticates what:

- each slot's AEAD takes as associated data ``magic + version + canonical JSON
  of "space" + 0x00 + canonical JSON of the slot without "wrapped"``: a slot is
  bound to the space's id, *name, owner and kind*, and to its own id, KDF
  settings and salt. A slot copied from the shared space into a file that
  claims to be someone's private space therefore does not open;
- the header MAC (header key, from the data key) covers the magic, version
  and the whole header: space identity, save counter, every slot and its KDF
  settings. Only someone who holds this space's data key can change the slot
  list or the counter without it being noticed;
- the body AEAD takes as associated data every byte before the body nonce
  (prefix, header and header MAC), so a body belongs to exactly one header;
- the trailing checksum covers the whole file and tells damage (a flipped
  bit, a cut-off file) apart from a wrong passphrase and from tampering.

Rules checked before any key derivation: the space in the header is the one
the caller expected (the name the file is filed under, its owner and kind);
a *private* space carries only its owner's slot and its owner's recovery slot.

How opening tells the cases apart, in this order:

1. too short, checksum mismatch, wrong magic, unknown version, header that does
   not parse or has out-of-range settings: :class:`SealedDamaged`;
2. the header names another space, a private space has a foreign slot, or the
   person's own slot is missing: :class:`SealedTampered`;
3. the file is intact but no slot unwraps with the passphrase given:
   :class:`WrongPassphrase`;
4. a slot unwrapped but the header MAC does not match: :class:`SealedTampered`;
5. the header is authentic but the body does not decrypt: :class:`SealedDamaged`.

The save counter goes up by one on every seal. The caller keeps the last
counter it saw somewhere else (see :meth:`SealedSpace.counter_proof`) to
notice a file put back to an older copy.

Format version 3 is format 2 with one more header field, ``"log"``: the
base64 id of the change log that extends the snapshot in the body (its
``_log`` table, which every snapshot the store writes puts first). It is
written whenever the body starts with that table, so that a command can
append to the log after checking the header alone
(:meth:`SealedSpace.unlock_header`). Its slots are bound exactly as in format
2 (their associated data says version 2); the header MAC and the body's
associated data cover the version byte 3 and the new field.

Format version 4 is format 3 whose body is sealed in two parts, for a body in
the current snapshot layout (a *head part* first: every table and the newest
entries; then the older entries, see ``records.snapshot_bytes``). The header
gets one more field, ``"parts"``: the lengths of the two ciphertexts (each
with its tag); after the header MAC come the head part's nonce and
ciphertext, then the rest's nonce and ciphertext, then the checksum. The head
part's associated data is every byte before its nonce and the index byte 0;
the rest's is the same bytes, the index byte 1 and the head part's nonce, so
parts of two files never mix. :meth:`SealedSpace.unlock_head` reads the
prefix, header, MAC and head part only, checks the file is exactly as long as
the header says, and returns nothing on any surprise; the whole open checks the
checksum and both parts. A reflect that knows only formats 1 to 3 calls a
format 4 file "saved by a newer version of reflect".

Format version 1 (no name, owner, kind, counter or header MAC; the body was
encrypted with the data key itself) is still read, so that old data folders
can be brought up to date; it is never written.

KDF settings read from a file are checked against fixed bounds before any key
derivation runs, so a hand-edited file cannot make reflect allocate gigabytes.
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import nacl.bindings
import nacl.exceptions
import nacl.pwhash.argon2id
import nacl.utils

from pathlib import Path

from reflect.domain import recovery_keys
from reflect.storage.heads import FIRST_READ_BYTES, HeadPart, HeadReader, blake2b, stamp_of
from reflect.storage.heads import digest as head_digest
from reflect.storage.errors import StoreError
from reflect.storage.records import LOG_BASE_BYTES, head_end_at_start, log_base_at_start
from reflect.storage.errors import WRONG_PASSPHRASE, WrongPassphrase

MAGIC = b"RFLXSEAL"
FORMAT_VERSION = 2
LEGACY_VERSION = 1
# Format 2 with the id of the snapshot's change log in the header ("log"), so
# that an append can be made after reading the header alone (see ``unlock_header``).
LOG_HEADER_VERSION = 3
# Format 3 whose body is sealed in two parts, the head part first (see ``unlock_head``).
SEGMENTED_VERSION = 4
NEWEST_VERSION = SEGMENTED_VERSION
RECOVERY_SLOT_ID = "recovery"

KIND_PRIVATE = "private"
KIND_SHARED = "shared"

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
MAC_BYTES = 32

MAX_HEADER_BYTES = 64 * 1024
MAX_SLOTS = 16
MAX_SLOT_ID_CHARS = 128
MAX_NAME_CHARS = 128
MAX_COUNTER = 2**53
MAX_PART_BYTES = 2**40

# BLAKE2b personalisation labels (at most 16 bytes) that keep derived keys apart.
_HEADER_KEY_LABEL = b"reflect:hdr-key"
_BODY_KEY_LABEL = b"reflect:body-key"
_SEEN_KEY_LABEL = b"reflect:seen-key"
_LOG_KEY_LABEL = b"reflect:log-key"
LOG_RECORD_MAGIC = b"RFLXLREC"

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
    "Nothing in it has been changed. `reflect check` shows the backups you can go back to."
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
    "damaged, so it can't be opened. Nothing in it has been changed. "
    "`reflect check` shows the backups you can go back to."
)
OTHER_SPACE_MESSAGE = (
    "This file belongs to a different space, so it can't be opened here."
)
WRONG_PASSPHRASE_MESSAGE = WRONG_PASSPHRASE
NO_RECOVERY_KEY_MESSAGE = "This space has no recovery key."
MALFORMED_RECOVERY_KEY_MESSAGE = (
    "That recovery key doesn't look complete. It has 40 letters and digits, "
    "in 8 groups of 5."
)
_NOT_OPENED = (
    " It was not opened and nothing has been changed. `reflect check` lists the "
    "backups; someone with access to this computer account may have done this."
)
SWAPPED_MESSAGE = (
    "This space's file holds a different space than the one it is named for: "
    "it was swapped or changed outside reflect." + _NOT_OPENED
)
FOREIGN_SLOT_MESSAGE = (
    "This private space's file would let someone other than its owner in: "
    "it was changed outside reflect." + _NOT_OPENED
)
MISSING_SLOT_MESSAGE = (
    "This space's file no longer has a way in for you: it was changed outside "
    "reflect." + _NOT_OPENED
)
TAMPERED_MESSAGE = (
    "Your passphrase is right, but this space's file was changed outside "
    "reflect." + _NOT_OPENED
)


class SealedDamaged(StoreError):
    """The file is damaged, cut short, edited by hand, or not a sealed space.

    ``user_message`` is a plain sentence that can be shown as it is.
    """

    def __init__(self, user_message: str = DAMAGED_MESSAGE) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class SealedTampered(SealedDamaged):
    """The file is intact as bytes, but not what reflect wrote for this space:
    another space's file, a foreign or missing slot, or a header changed by
    someone without this space's key."""

    def __init__(self, user_message: str = TAMPERED_MESSAGE) -> None:
        super().__init__(user_message)


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
class SpaceIdentity:
    """Which space a file holds: bound into every slot and the header MAC.

    ``owner`` is the profile id of a private space's owner, ``""`` for a
    shared space.
    """

    name: str
    owner: str
    kind: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not 0 < len(self.name) <= MAX_NAME_CHARS:
            raise ValueError("a space name is text of 1 to 128 characters")
        if self.kind not in (KIND_PRIVATE, KIND_SHARED):
            raise ValueError("a space is private or shared")
        if not isinstance(self.owner, str) or len(self.owner) > MAX_SLOT_ID_CHARS:
            raise ValueError("an owner is a profile id")
        if (self.kind == KIND_PRIVATE) != bool(self.owner):
            raise ValueError("a private space has an owner, a shared one has none")

    @classmethod
    def private(cls, name: str, owner: str) -> SpaceIdentity:
        return cls(name=name, owner=owner, kind=KIND_PRIVATE)

    @classmethod
    def shared(cls, name: str) -> SpaceIdentity:
        return cls(name=name, owner="", kind=KIND_SHARED)

    def allows_slot(self, slot_id: str) -> bool:
        """A private space opens only for its owner and its owner's recovery key."""
        if self.kind == KIND_SHARED:
            return True
        return slot_id in (self.owner, RECOVERY_SLOT_ID, f"{RECOVERY_SLOT_ID}-{self.owner}")


# What tests and tools get when they make a space without saying which: a
# shared space, the only kind that accepts any slot.
_UNNAMED = SpaceIdentity.shared("space")


@dataclass(frozen=True)
class KeySlot:
    """One way into a space: the data key wrapped under one passphrase."""

    slot_id: str
    params: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes
    # Made by format 1: the wrapped key is bound to the space id only, not to
    # the space's name, owner and kind. Such a slot is wrapped again, bound,
    # as soon as its owner opens the space with it.
    format1: bool = False

    def to_json(self) -> dict[str, Any]:
        """The slot as it appears in the header."""
        fields = {**self._authenticated_fields(), "wrapped": _b64(self.wrapped)}
        if self.format1:
            fields["bound"] = "format1"
        return fields

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
    version: int
    space_id: bytes
    identity: SpaceIdentity | None  # None in a version 1 file
    counter: int
    slots: tuple[KeySlot, ...]
    log_base: bytes | None  # the body's change-log id, in a format 3 or 4 header
    parts: tuple[int, int] | None  # format 4: the head part's and the rest's ciphertext lengths
    authenticated: bytes  # prefix and header: what the header MAC covers
    mac: bytes
    body_nonce: bytes
    ciphertext: bytes


class SealedSpace:
    """An unlocked space: its data key, identity, counter and key slots, in memory.

    Works as a codec for the storage layer: :meth:`encode` seals a body,
    :meth:`decode` opens a sealed file with the key already in memory. Neither
    runs the key derivation; only :meth:`create`, :meth:`unlock` and the slot
    methods do.

    The Argon2id-derived wrapping keys of the slots this object opened or made
    are kept (like the data key, until :meth:`forget`), so that :meth:`rekey`
    can wrap a brand-new data key for them without asking again.
    """

    def __init__(
        self,
        space_id: bytes,
        data_key: bytes,
        slots: list[KeySlot],
        *,
        identity: SpaceIdentity = _UNNAMED,
        counter: int = 0,
        version: int = FORMAT_VERSION,
    ) -> None:
        self._space_id = space_id
        self._data_key: bytes | None = data_key
        self._slots: dict[str, KeySlot] = {slot.slot_id: slot for slot in slots}
        self._wrapping: dict[str, bytes] = {}
        self.identity = identity
        self._counter = counter
        self.read_version = version
        self._log_cache: tuple[bytes, bytes, bytes] | None = None
        self.log_base: bytes | None = None
        """The change-log id the header of the file last read or sealed names (format 3)."""
        self.opened_unbound = False
        """True when opened through a format 1 slot, not bound to the space's identity:
        the caller must rule out a forgery made with another space's key."""

    @classmethod
    def create(
        cls,
        slot_id: str,
        passphrase: str,
        params: KdfParams,
        *,
        identity: SpaceIdentity = _UNNAMED,
    ) -> SealedSpace:
        """A new space with a fresh random data key and one passphrase slot."""
        _check_new_slot_id(slot_id)
        if not identity.allows_slot(slot_id):
            raise ValueError("a private space opens only for its owner")
        secret = _passphrase_secret(passphrase)
        space = cls(
            nacl.utils.random(SPACE_ID_BYTES), nacl.utils.random(KEY_BYTES), [], identity=identity
        )
        space._put_slot(slot_id, secret, params)
        return space

    @classmethod
    def unlock(
        cls,
        blob: bytes,
        slot_id: str | None,
        passphrase: str,
        *,
        expect: SpaceIdentity | None = None,
    ) -> tuple[SealedSpace, bytes]:
        """Open a sealed file; return the unlocked space and the decrypted body.

        ``slot_id`` picks the slot to try (a profile id, or a recovery slot id
        with a recovery key as the passphrase); ``None`` tries every slot in
        turn. ``expect`` is the space the caller is opening (from the name the
        file is filed under): a file that holds another space, or whose own
        slot for ``slot_id`` is gone, is :class:`SealedTampered`. A version 1
        file has no identity of its own and takes ``expect`` as it is.
        Raises :class:`SealedDamaged` (or its :class:`SealedTampered`) or
        :class:`WrongPassphrase`, nothing else.
        """
        parsed = _parse(blob)
        if expect is not None and parsed.identity is not None and parsed.identity != expect:
            raise SealedTampered(SWAPPED_MESSAGE)
        identity = parsed.identity or expect or _UNNAMED
        if not all(identity.allows_slot(s.slot_id) for s in parsed.slots):
            raise SealedTampered(FOREIGN_SLOT_MESSAGE)
        candidates = [s for s in parsed.slots if slot_id is None or s.slot_id == slot_id]
        if not candidates:
            if is_recovery_slot(slot_id):
                raise WrongPassphrase(NO_RECOVERY_KEY_MESSAGE)
            if expect is not None:
                raise SealedTampered(MISSING_SLOT_MESSAGE)
            raise WrongPassphrase()
        data_key = wrapping_key = used = None
        for slot in candidates:
            secret = _unlock_secret(slot.slot_id, passphrase)
            if secret is None:
                if is_recovery_slot(slot_id):
                    raise WrongPassphrase(MALFORMED_RECOVERY_KEY_MESSAGE)
                continue
            wrapping_key = _wrapping_key(slot, secret)
            if slot.format1:
                slot_aad = _space_aad(LEGACY_VERSION, parsed.space_id, None)
            else:
                slot_aad = _space_aad(_slot_version(parsed.version), parsed.space_id, parsed.identity)
            data_key = _unwrap(slot, wrapping_key, slot_aad)
            if data_key is not None:
                used = slot
                break
        if data_key is None or used is None or wrapping_key is None:
            raise WrongPassphrase()
        space = cls(
            parsed.space_id,
            data_key,
            list(parsed.slots),
            identity=identity,
            counter=parsed.counter,
            version=parsed.version,
        )
        body = space._open_parsed(parsed)
        space.log_base = parsed.log_base
        space.opened_unbound = used.format1
        if used.format1:
            # From now on this slot is bound to the space it opens.
            space._wrap_slot(used.slot_id, wrapping_key, used.params, used.salt)
        space._wrapping[used.slot_id] = wrapping_key
        return space, body

    @classmethod
    def unlock_header(
        cls,
        head: bytes,
        slot_id: str,
        passphrase: str,
        *,
        expect: SpaceIdentity,
        meanwhile: Callable[[], object] | None = None,
    ) -> SealedSpace | None:
        """Unlock from the start of a format 3 file alone: prefix, header, header MAC.

        For appending one change-log record without reading the body (see
        :mod:`reflect.storage.quick_append`): the header is authenticated by
        its MAC, names the space, its save counter and the body's change-log
        id. The body and the whole-file checksum are *not* checked here; the
        next whole open checks them. Returns ``None`` whenever anything is not
        exactly as expected (another format, a damaged or changed header, a
        wrong passphrase, a slot of format 1): the caller then unlocks the whole
        file with :meth:`unlock`, which tells damage, tampering and a wrong
        passphrase apart as always. ``meanwhile``: work that needs no key,
        done while the key is derived (see :func:`_derive_key`); it runs only
        when a key is derived.
        """
        try:
            parsed = _parse_content(bytes(head), whole=False)
        except SealedDamaged:
            return None
        if (
            parsed.version not in (LOG_HEADER_VERSION, SEGMENTED_VERSION)
            or parsed.identity != expect
            or parsed.log_base is None
        ):
            return None
        slot = next((s for s in parsed.slots if s.slot_id == slot_id), None)
        secret = _unlock_secret(slot_id, passphrase) if isinstance(passphrase, str) else None
        if slot is None or slot.format1 or secret is None:
            return None
        try:
            wrapping_key = _wrapping_key(slot, secret, meanwhile)
        except SealedDamaged:
            return None
        data_key = _unwrap(slot, wrapping_key, _space_aad(FORMAT_VERSION, parsed.space_id, parsed.identity))
        if data_key is None or not _same(_header_mac(data_key, parsed.authenticated), parsed.mac):
            return None
        space = cls(
            parsed.space_id,
            data_key,
            list(parsed.slots),
            identity=expect,
            counter=parsed.counter,
            version=parsed.version,
        )
        space.log_base = parsed.log_base
        space._wrapping[slot_id] = wrapping_key
        return space

    @classmethod
    def unlock_head(
        cls, path: Path, slot_id: str, passphrase: str, *, expect: SpaceIdentity
    ) -> tuple[SealedSpace, HeadPart] | None:
        """Unlock a format 4 file from its start alone: prefix, header, MAC and head part.

        Reads no more of the file than that (the older entries are not read,
        nor is the whole-file checksum checked: :meth:`read_rest` and the whole
        open do that). Checks the header MAC, that the file is exactly as long
        as the header says, and decrypts the head part. Returns the unlocked
        space (counter and change-log id as the header says) and the head
        part, or ``None`` on *any* surprise (another format, damage, a wrong
        passphrase, a format 1 slot, a file cut short or grown): the caller
        then unlocks the whole file with :meth:`unlock`, which tells damage,
        tampering, a rollback and a wrong passphrase apart.
        """
        try:
            with HeadReader(Path(path)) as reader:
                first = reader.read(0, FIRST_READ_BYTES)
                space = cls.unlock_header(first, slot_id, passphrase, expect=expect)
                if space is None:
                    return None
                part = space._head_from(reader, first)
        except OSError:
            return None
        if part is None:
            space.forget()
            return None
        return space, part

    def read_head_part(self, path: Path) -> HeadPart | None:
        """The head part of this space's format 4 file, with the key in memory.

        Changes nothing (call :meth:`adopt_head` to take its counter); ``None``
        on any surprise, as :meth:`unlock_head`.
        """
        try:
            with HeadReader(Path(path)) as reader:
                return self._head_from(reader, reader.read(0, FIRST_READ_BYTES))
        except OSError:
            return None

    def adopt_head(self, part: HeadPart) -> None:
        """Take the save counter and change-log id of a head part read (as :meth:`decode` does)."""
        self._counter = part.counter
        self.log_base = part.log_base
        self.read_version = SEGMENTED_VERSION

    def read_rest(self, path: Path, head: HeadPart) -> bytes:
        """The rest of the body of the file whose head part was ``head`` (the bytes
        after the head part), read whole and checked: checksum, header MAC,
        that the file's start is byte for byte the one read then, and the rest's AEAD.

        Changes nothing held here (safe in a worker thread while the key stays
        unlocked). Raises :class:`SealedDamaged`, or :class:`SpaceChanged` when
        the file is another one now.
        """
        from reflect.storage.atomic import read_private_bytes
        from reflect.storage.errors import SpaceChanged

        try:
            blob = read_private_bytes(Path(path))
        except OSError:
            raise SpaceChanged(Path(path)) from None
        try:
            parsed = self._parse_own(blob)
        except SealedDamaged:
            if stamp_of(Path(path)) != head.stamp:
                raise SpaceChanged(Path(path)) from None
            raise
        start = len(parsed.authenticated) + len(parsed.mac) + NONCE_BYTES
        if parsed.parts is None or head_digest(blob[: start + parsed.parts[0]]) != head.digest:
            raise SpaceChanged(Path(path))
        if not _same(_header_mac(self._require_unlocked(), parsed.authenticated), parsed.mac):
            raise SealedTampered(TAMPERED_MESSAGE)
        rest = self._open_rest_part(parsed)
        if rest is None:
            raise SealedDamaged(CONTENTS_DAMAGED_MESSAGE)
        return rest

    def _head_from(self, reader: HeadReader, first: bytes) -> HeadPart | None:
        try:
            parsed = _parse_content(first, whole=False)
        except SealedDamaged:
            return None
        data_key = self._data_key
        if (
            data_key is None
            or parsed.version != SEGMENTED_VERSION
            or parsed.parts is None
            or not _same(parsed.space_id, self._space_id)
            or parsed.identity != self.identity
            or not _same(_header_mac(data_key, parsed.authenticated), parsed.mac)
        ):
            return None
        body_start = len(parsed.authenticated) + len(parsed.mac)
        head_end = body_start + NONCE_BYTES + parsed.parts[0]
        if head_end + NONCE_BYTES + parsed.parts[1] + CHECKSUM_BYTES != reader.stamp.size:
            return None
        data = first[:head_end] if len(first) >= head_end else first + reader.read(len(first), head_end - len(first))
        if len(data) != head_end:
            return None
        try:
            parsed = _parse_content(data, whole=False)
        except SealedDamaged:
            return None
        plain = self._open_head_part(parsed)
        if plain is None or head_end_at_start(plain) != len(plain):
            return None
        return HeadPart(
            plain=plain,
            digest=head_digest(data),
            stamp=reader.stamp,
            counter=parsed.counter,
            log_base=parsed.log_base,
        )

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
        return any(is_recovery_slot(slot_id) for slot_id in self._slots)

    @property
    def counter(self) -> int:
        """How many times this space had been saved when it was last sealed or read."""
        return self._counter

    @property
    def needs_upgrade(self) -> bool:
        """True when the file was read in an older format and should be re-sealed."""
        return self.read_version < FORMAT_VERSION

    def add_slot(self, slot_id: str, passphrase: str, params: KdfParams) -> None:
        """Let one more passphrase open this space (e.g. the second partner's)."""
        _check_new_slot_id(slot_id)
        if slot_id in self._slots:
            raise ValueError(f"slot {slot_id!r} already exists; change its passphrase instead")
        if not self.identity.allows_slot(slot_id):
            raise ValueError("a private space opens only for its owner")
        self._put_slot(slot_id, _passphrase_secret(passphrase), params)

    def change_passphrase(self, slot_id: str, new_passphrase: str, params: KdfParams) -> None:
        """Wrap the data key for one slot under a new passphrase.

        The data key stays the same: call :meth:`rekey` too when the old
        passphrase must stop opening copies of the file.
        """
        if is_recovery_slot(slot_id):
            raise ValueError("the recovery slot is replaced with add_recovery_key()")
        if slot_id not in self._slots:
            raise KeyError(slot_id)
        self._put_slot(slot_id, _passphrase_secret(new_passphrase), params)

    def rekey(self) -> tuple[str, ...]:
        """Replace the data key with a new random one, keeping every slot it can.

        A slot can be kept when this object holds its wrapping key (the slot it
        was opened with, and slots it made since). The other slots are removed
        and their ids returned: their passphrase or recovery key no longer
        opens this space. Copies sealed under the old key (backups) are not
        touched here; :meth:`reseal_from` moves them to the new key.
        """
        self._require_unlocked()
        kept = [slot_id for slot_id in self._slots if slot_id in self._wrapping]
        if not kept:
            raise ValueError("no slot could be kept: nobody could open the space")
        dropped = tuple(slot_id for slot_id in self._slots if slot_id not in self._wrapping)
        old_slots = dict(self._slots)
        self._data_key = nacl.utils.random(KEY_BYTES)
        self._slots = {}
        for slot_id in kept:
            old = old_slots[slot_id]
            self._wrap_slot(old.slot_id, self._wrapping[slot_id], old.params, old.salt)
        return dropped

    def slots_snapshot(self) -> tuple[bytes | None, dict[str, KeySlot], dict[str, bytes], int]:
        """The keys and slots as they are now, to put back if a change cannot be saved."""
        return self._data_key, dict(self._slots), dict(self._wrapping), self._counter

    def restore_slots(self, snapshot: tuple[bytes | None, dict[str, KeySlot], dict[str, bytes], int]) -> None:
        """Undo key and slot changes that never reached the disk."""
        data_key, slots, wrapping, counter = snapshot
        self._data_key, self._slots, self._wrapping, self._counter = (
            data_key, dict(slots), dict(wrapping), counter
        )

    def clone(self) -> SealedSpace:
        """An independent copy holding the same keys (e.g. the key before a rekey)."""
        copy = SealedSpace(
            self._space_id,
            self._require_unlocked(),
            list(self._slots.values()),
            identity=self.identity,
            counter=self._counter,
            version=self.read_version,
        )
        copy._wrapping = dict(self._wrapping)
        return copy

    def remove_slot(self, slot_id: str) -> None:
        """Stop a passphrase (or the recovery key) from opening this space."""
        self._require_unlocked()
        if slot_id not in self._slots:
            raise KeyError(slot_id)
        if len(self._slots) == 1:
            raise ValueError("the last slot cannot be removed: nobody could open the space")
        del self._slots[slot_id]
        self._wrapping.pop(slot_id, None)

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
        if not self.identity.allows_slot(slot_id):
            raise ValueError("a private space opens only for its owner")
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

        Every seal counts one more save. Never runs the key derivation, so it
        is cheap to call on every save.
        """
        self._require_unlocked()
        if self._counter + 1 >= MAX_COUNTER:
            raise ValueError("the save counter is used up")
        blob = self._seal_at(body, self._counter + 1)
        self._counter += 1
        self.read_version = FORMAT_VERSION
        self.log_base = log_base_at_start(body)
        return blob

    def adopt_seal(self, other: SealedSpace) -> None:
        """``other`` (a :meth:`clone` of this space) sealed a new snapshot that is now
        on disk: count that save here as :meth:`seal` would have."""
        self._counter = other._counter
        self.read_version = other.read_version
        self.log_base = other.log_base

    def seal_copy(self, body: bytes) -> bytes:
        """``body`` sealed at the current save counter, without counting a save:
        a copy of the space as it stands (e.g. kept before a format change)."""
        return self._seal_at(body, self._counter)

    def not_saved(self, counter: int) -> None:
        """A sealed file made since :attr:`counter` was ``counter`` never reached the
        disk: count saves as before it, so the counter kept elsewhere never runs
        ahead of the file."""
        if 0 <= counter <= self._counter:
            self._counter = counter

    def passphrase_opens(self, slot_id: str, passphrase: str) -> bool:
        """True if ``passphrase`` opens this space's slot ``slot_id`` as it is in memory
        (to check who is at the keyboard before a key change). Runs the key derivation."""
        slot = self._slots.get(slot_id)
        secret = _unlock_secret(slot_id, passphrase) if isinstance(passphrase, str) and passphrase else None
        if slot is None or slot.format1 or secret is None:
            return False
        aad = _space_aad(FORMAT_VERSION, self._space_id, self.identity)
        data_key = _unwrap(slot, _wrapping_key(slot, secret), aad)
        return data_key is not None and _same(data_key, self._require_unlocked())

    def open(self, blob: bytes) -> bytes:
        """Decrypt a sealed file of this space with the key already in memory.

        For re-reading the file, e.g. after a save that may not have finished.
        Raises :class:`SealedDamaged` if the file is damaged or is another space's.
        """
        return self._open_parsed(self._parse_own(blob))

    def rewrap(self, blob: bytes) -> bytes:
        """Return ``blob`` sealed again with this space's current key and slots.

        The header (slots included) is authenticated by the body, so the body
        is decrypted and sealed again; this counts as one more save. Raises
        :class:`SealedDamaged` like :meth:`open`.
        """
        return self.seal(self.open(blob))

    def reseal_from(self, old: SealedSpace, blob: bytes) -> bytes:
        """A copy of this space sealed under ``old``'s key, sealed under ours instead.

        Keeps the copy's own save counter, so an older copy stays recognisably
        older. For moving backups to a new data key.
        """
        parsed = old._parse_own(blob)
        body = old._open_parsed(parsed)
        return self._seal_at(body, parsed.counter)

    def counter_proof(self, counter: int) -> bytes:
        """A tag that this space's key vouches for ``counter`` having been seen.

        Kept outside the space file (so that rolling back the file alone is
        noticed); only someone with this space's data key can make one.
        """
        key = _subkey(self._require_unlocked(), _SEEN_KEY_LABEL)
        message = _canonical_json({"name": self.identity.name, "counter": counter})
        return blake2b(message, digest_size=MAC_BYTES, key=key).digest()

    def same_key_as(self, other: SealedSpace) -> bool:
        """True if both hold the same data key (a forged file made with another's key)."""
        return _same(self._require_unlocked(), other._require_unlocked())

    def check_counter_proof(self, counter: int, proof: bytes) -> bool:
        return _same(self.counter_proof(counter), bytes(proof))

    def seal_record(self, base: bytes, seq: int, plain: bytes) -> bytes:
        """One change-log record: ``plain`` sealed for position ``seq`` of log ``base``.

        XChaCha20-Poly1305 under a log key derived from the data key, with a
        fresh random nonce; the associated data binds the record to this
        space (id, name, owner, kind), to the snapshot its log extends
        (``base``) and to its position, so a record moved from another space or
        log, or to another place in the same log, does not open. Does not
        count a save: see :meth:`count_appended`.
        """
        key = self._log_key()
        nonce = nacl.utils.random(NONCE_BYTES)
        return nonce + nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
            bytes(plain), self._record_aad(base, seq), nonce, key
        )

    def open_record(self, base: bytes, seq: int, sealed: bytes) -> bytes | None:
        """The plain bytes of a record made by :meth:`seal_record`, or ``None`` if it
        does not open at that place (damaged, moved, or another space's)."""
        key = self._log_key()
        if len(sealed) < NONCE_BYTES + TAG_BYTES:
            return None
        try:
            return nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                bytes(sealed[NONCE_BYTES:]), self._record_aad(base, seq), bytes(sealed[:NONCE_BYTES]), key
            )
        except nacl.exceptions.CryptoError:
            return None

    def count_appended(self, records: int = 1) -> None:
        """Count saves made as change-log records (each one is a save)."""
        self._require_unlocked()
        if self._counter + records >= MAX_COUNTER:
            raise ValueError("the save counter is used up")
        self._counter += records

    def _log_key(self) -> bytes:
        # Derived once per data key: a log of thousands of records is read in one go.
        data_key = self._require_unlocked()
        cached = self._log_cache
        if cached is None or cached[0] is not data_key:
            prefix = LOG_RECORD_MAGIC + _canonical_json(_space_json(self._space_id, self.identity)) + b"\x00"
            cached = self._log_cache = (data_key, _subkey(data_key, _LOG_KEY_LABEL), prefix)
        return cached[1]

    def _record_aad(self, base: bytes, seq: int) -> bytes:
        self._log_key()
        assert self._log_cache is not None
        return self._log_cache[2] + bytes(base) + struct.pack(">Q", seq)

    def encode(self, plain: bytes) -> bytes:
        """Codec name for :meth:`seal`."""
        return self.seal(plain)

    def decode(self, stored: bytes) -> bytes:
        """Codec name for :meth:`open`; the counter becomes the one of the file read
        (the store then counts the records of its change log on top)."""
        parsed = self._parse_own(stored)
        body = self._open_parsed(parsed)
        self._counter = parsed.counter
        self.log_base = parsed.log_base
        return body

    def forget(self) -> None:
        """Drop this object's references to the data key and wrapping keys (locking).

        Best effort only: Python cannot wipe memory, and copies of the key and
        of passphrase-derived keys may linger in freed memory until reused.
        """
        self._data_key = None
        self._wrapping = {}
        self._log_cache = None

    def _require_unlocked(self) -> bytes:
        if self._data_key is None:
            raise RuntimeError("the space is locked; unlock it again first")
        return self._data_key

    def _parse_own(self, blob: bytes) -> _ParsedFile:
        self._require_unlocked()
        parsed = _parse(blob)
        if not _same(parsed.space_id, self._space_id):
            raise SealedDamaged(OTHER_SPACE_MESSAGE)
        if parsed.identity is not None and parsed.identity != self.identity:
            raise SealedTampered(SWAPPED_MESSAGE)
        return parsed

    def _put_slot(self, slot_id: str, secret: bytes, params: KdfParams) -> None:
        self._require_unlocked()
        salt = nacl.utils.random(SALT_BYTES)
        wrapping_key = _derive_key(secret, salt, params)
        self._wrap_slot(slot_id, wrapping_key, params, salt)

    def _wrap_slot(self, slot_id: str, wrapping_key: bytes, params: KdfParams, salt: bytes) -> None:
        data_key = self._require_unlocked()
        unsealed = KeySlot(
            slot_id=slot_id,
            params=params,
            salt=salt,
            nonce=nacl.utils.random(NONCE_BYTES),
            wrapped=b"",
        )
        wrapped = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
            data_key,
            unsealed.associated_data(_space_aad(FORMAT_VERSION, self._space_id, self.identity)),
            unsealed.nonce,
            wrapping_key,
        )
        self._slots[slot_id] = replace(unsealed, wrapped=wrapped)
        self._wrapping[slot_id] = wrapping_key

    def _seal_at(self, body: bytes, counter: int) -> bytes:
        data_key = self._require_unlocked()
        fields: dict[str, Any] = {
            "space": _space_json(self._space_id, self.identity),
            "counter": counter,
            "slots": [slot.to_json() for slot in self._slots.values()],
        }
        # A body that starts with its change-log id (every snapshot the store
        # writes) gets it in the header too: format 3.
        base = log_base_at_start(body)
        version = FORMAT_VERSION
        if base is not None:
            fields["log"] = _b64(base)
            version = LOG_HEADER_VERSION
        # A body in the current layout (a head part first) is sealed in two parts: format 4.
        head_end = head_end_at_start(body) if base is not None else None
        if head_end is not None and not 0 < head_end < len(body):
            head_end = None
        if head_end is not None:
            fields["parts"] = [head_end + TAG_BYTES, len(body) - head_end + TAG_BYTES]
            version = SEGMENTED_VERSION
        header = _canonical_json(fields)
        authenticated = _PREFIX.pack(MAGIC, version, len(header)) + header
        mac = _header_mac(data_key, authenticated)
        key = _subkey(data_key, _BODY_KEY_LABEL)
        nonce = nacl.utils.random(NONCE_BYTES)
        encrypt = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt
        if head_end is None:
            pieces: tuple[bytes, ...] = (nonce, encrypt(bytes(body), authenticated + mac, nonce, key))
        else:
            view = memoryview(body)
            rest_nonce = nacl.utils.random(NONCE_BYTES)
            pieces = (
                nonce,
                encrypt(bytes(view[:head_end]), _part_aad(authenticated, mac, 0, b""), nonce, key),
                rest_nonce,
                encrypt(bytes(view[head_end:]), _part_aad(authenticated, mac, 1, nonce), rest_nonce, key),
            )
        content = b"".join((authenticated, mac, *pieces))
        return content + _checksum(content)

    def _open_parsed(self, parsed: _ParsedFile) -> bytes:
        data_key = self._require_unlocked()
        if parsed.version == LEGACY_VERSION:
            key, aad = data_key, _space_aad(LEGACY_VERSION, parsed.space_id, None)
        else:
            if not _same(_header_mac(data_key, parsed.authenticated), parsed.mac):
                raise SealedTampered(TAMPERED_MESSAGE)
            key, aad = _subkey(data_key, _BODY_KEY_LABEL), parsed.authenticated + parsed.mac
        if parsed.parts is not None:
            head = self._open_head_part(parsed)
            rest = self._open_rest_part(parsed)
            if head is None or rest is None or head_end_at_start(head) != len(head):
                raise SealedDamaged(CONTENTS_DAMAGED_MESSAGE)
            return head + rest
        try:
            return nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                parsed.ciphertext, aad, parsed.body_nonce, key
            )
        except nacl.exceptions.CryptoError:
            raise SealedDamaged(CONTENTS_DAMAGED_MESSAGE) from None

    def _open_head_part(self, parsed: _ParsedFile) -> bytes | None:
        """Format 4: the head part's plain bytes (``None`` if it does not open).
        The header MAC must have been checked."""
        assert parsed.parts is not None
        key = _subkey(self._require_unlocked(), _BODY_KEY_LABEL)
        try:
            return nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                parsed.ciphertext[: parsed.parts[0]],
                _part_aad(parsed.authenticated, parsed.mac, 0, b""),
                parsed.body_nonce,
                key,
            )
        except nacl.exceptions.CryptoError:
            return None

    def _open_rest_part(self, parsed: _ParsedFile) -> bytes | None:
        """Format 4: the rest's plain bytes (``None`` if it does not open)."""
        assert parsed.parts is not None
        key = _subkey(self._require_unlocked(), _BODY_KEY_LABEL)
        at = parsed.parts[0]
        try:
            return nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                parsed.ciphertext[at + NONCE_BYTES :],
                _part_aad(parsed.authenticated, parsed.mac, 1, parsed.body_nonce),
                parsed.ciphertext[at : at + NONCE_BYTES],
                key,
            )
        except nacl.exceptions.CryptoError:
            return None


def is_sealed(blob: bytes) -> bool:
    """True if ``blob`` starts like a sealed space (it may still be damaged)."""
    return bytes(blob[: len(MAGIC)]) == MAGIC


def sealed_slot_ids(blob: bytes) -> tuple[str, ...]:
    """The slot ids of a sealed file, without unlocking it.

    Raises :class:`SealedDamaged` if the file is damaged.
    """
    return tuple(slot.slot_id for slot in _parse(blob).slots)


def sealed_counter(blob: bytes) -> int:
    """The save counter a sealed file claims (unauthenticated until unlocked; 0 in format 1)."""
    return _parse(blob).counter


def sealed_identity(blob: bytes) -> SpaceIdentity | None:
    """The space a sealed file claims to hold (unauthenticated until unlocked).

    ``None`` for a version 1 file, which does not say. Raises :class:`SealedDamaged`.
    """
    return _parse(blob).identity


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


def _derive_key(
    secret: bytes, salt: bytes, params: KdfParams, meanwhile: Callable[[], object] | None = None
) -> bytes:
    """Argon2id. ``meanwhile``, if given, runs on a helper thread while the key
    is derived here: libsodium derives it without holding Python's lock, so
    the two go side by side on two cores. It is for work that needs no key
    and changes nothing, such as loading modules used next; it runs whatever
    the passphrase, is waited for before this returns, and what it raises is
    dropped (the work is done again where it is needed, and fails there in
    its usual words). When no thread can be started, it is not done here."""
    helper = None
    if meanwhile is not None:
        import threading

        helper = threading.Thread(target=_quietly, args=(meanwhile,), name="reflect-meanwhile", daemon=True)
        try:
            helper.start()
        except RuntimeError:  # no thread to be had (a process or memory limit): the key comes first
            helper = None
    try:
        return nacl.pwhash.argon2id.kdf(
            KEY_BYTES, secret, salt, opslimit=params.opslimit, memlimit=params.memlimit
        )
    finally:
        if helper is not None:
            helper.join()


def _quietly(work: Callable[[], object]) -> None:
    try:
        work()
    except Exception:  # see _derive_key: never a traceback from the helper thread
        pass


def _wrapping_key(slot: KeySlot, secret: bytes, meanwhile: Callable[[], object] | None = None) -> bytes:
    try:
        return _derive_key(secret, slot.salt, slot.params, meanwhile)
    except nacl.exceptions.RuntimeError:
        # Settings were already bounded, so this is the machine running short of memory.
        raise SealedDamaged(NOT_ENOUGH_MEMORY_MESSAGE) from None


def _unwrap(slot: KeySlot, wrapping_key: bytes, space_aad: bytes) -> bytes | None:
    try:
        return nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            slot.wrapped, slot.associated_data(space_aad), slot.nonce, wrapping_key
        )
    except nacl.exceptions.CryptoError:
        return None


def _same(one: bytes, other: bytes) -> bool:
    """Whether two secrets or tags are equal, compared in constant time (libsodium's
    ``sodium_memcmp``; ``hmac.compare_digest`` would load OpenSSL for a command's start-up)."""
    return nacl.bindings.sodium_memcmp(bytes(one), bytes(other))


def _subkey(data_key: bytes, label: bytes) -> bytes:
    """A key for one purpose, derived from the data key with keyed BLAKE2b."""
    return blake2b(digest_size=KEY_BYTES, key=data_key, person=label).digest()


def _header_mac(data_key: bytes, authenticated: bytes) -> bytes:
    key = _subkey(data_key, _HEADER_KEY_LABEL)
    return blake2b(authenticated, digest_size=MAC_BYTES, key=key).digest()


def _checksum(data: bytes) -> bytes:
    return blake2b(data, digest_size=CHECKSUM_BYTES).digest()


def _canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _space_json(space_id: bytes, identity: SpaceIdentity | None) -> dict[str, str]:
    fields = {"cipher": CIPHER_NAME, "id": _b64(space_id)}
    if identity is not None:
        fields.update(name=identity.name, owner=identity.owner, kind=identity.kind)
    return fields


def _slot_version(version: int) -> int:
    """The version a slot is bound to: formats 3 and 4 only add to format 2's header."""
    return FORMAT_VERSION if version in (LOG_HEADER_VERSION, SEGMENTED_VERSION) else version


def _part_aad(authenticated: bytes, mac: bytes, index: int, head_nonce: bytes) -> bytes:
    """What a format 4 body part is bound to: the prefix, header and MAC, its index,
    and (the rest) the head part's nonce, so parts of two files never mix."""
    return authenticated + mac + bytes([index]) + head_nonce


def _space_aad(version: int, space_id: bytes, identity: SpaceIdentity | None) -> bytes:
    if version == LEGACY_VERSION:
        identity = None
    return MAGIC + bytes([version]) + _canonical_json(_space_json(space_id, identity))


def _parse(blob: bytes) -> _ParsedFile:
    """Check and split a sealed file; every problem is :class:`SealedDamaged`."""
    if not isinstance(blob, (bytes, bytearray, memoryview)):
        raise SealedDamaged()
    blob = bytes(blob)
    if len(blob) < _MIN_FILE_BYTES:
        raise SealedDamaged()
    content, checksum = blob[:-CHECKSUM_BYTES], blob[-CHECKSUM_BYTES:]
    if not _same(_checksum(content), checksum):
        raise SealedDamaged()
    return _parse_content(content, whole=True)


def _parse_content(content: bytes, *, whole: bool) -> _ParsedFile:
    """Split a sealed file without its checksum; ``whole=False``: only its start
    (up to the header MAC) is given, and the body is left empty."""
    if len(content) < _PREFIX.size:
        raise SealedDamaged()
    magic, version, header_len = _PREFIX.unpack_from(content)
    if magic != MAGIC:
        raise SealedDamaged()
    if version not in (LEGACY_VERSION, FORMAT_VERSION, LOG_HEADER_VERSION, SEGMENTED_VERSION):
        raise SealedDamaged(NEWER_VERSION_MESSAGE if version > NEWEST_VERSION else DAMAGED_MESSAGE)
    mac_bytes = MAC_BYTES if version >= FORMAT_VERSION else 0
    header_end = _PREFIX.size + header_len
    body_start = header_end + mac_bytes
    needed = body_start + NONCE_BYTES + TAG_BYTES if whole else body_start
    if header_len > MAX_HEADER_BYTES or needed > len(content):
        raise SealedDamaged()
    header = _parse_header(content[_PREFIX.size : header_end], version)
    space_id = _field_bytes(header["space"], "id", SPACE_ID_BYTES)
    if header["space"].get("cipher") != CIPHER_NAME:
        raise SealedDamaged()
    identity = None
    counter = 0
    log_base = _field_bytes(header, "log", LOG_BASE_BYTES) if version >= LOG_HEADER_VERSION else None
    parts = None
    if version == SEGMENTED_VERSION:
        parts = _parse_parts(header["parts"])
        if whole and body_start + 2 * NONCE_BYTES + parts[0] + parts[1] != len(content):
            raise SealedDamaged()
    if version >= FORMAT_VERSION:
        identity = _parse_identity(header["space"])
        counter = header["counter"]
        if type(counter) is not int or not 0 <= counter < MAX_COUNTER:
            raise SealedDamaged()
    slots = _parse_slots(header["slots"], version)
    if identity is not None and not all(identity.allows_slot(s.slot_id) for s in slots):
        raise SealedTampered(FOREIGN_SLOT_MESSAGE)
    return _ParsedFile(
        version=version,
        space_id=space_id,
        identity=identity,
        counter=counter,
        slots=slots,
        log_base=log_base,
        parts=parts,
        authenticated=content[:header_end],
        mac=content[header_end:body_start],
        body_nonce=content[body_start : body_start + NONCE_BYTES],
        ciphertext=content[body_start + NONCE_BYTES :],
    )


def _parse_identity(space: dict[str, Any]) -> SpaceIdentity:
    try:
        return SpaceIdentity(name=space["name"], owner=space["owner"], kind=space["kind"])
    except (ValueError, TypeError):
        raise SealedDamaged() from None


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


_HEADER_KEYS = {
    LEGACY_VERSION: {"space", "slots"},
    FORMAT_VERSION: {"space", "counter", "slots"},
    LOG_HEADER_VERSION: {"space", "counter", "slots", "log"},
    SEGMENTED_VERSION: {"space", "counter", "slots", "log", "parts"},
}
_SPACE_KEYS = {
    LEGACY_VERSION: {"cipher", "id"},
    FORMAT_VERSION: {"cipher", "id", "name", "owner", "kind"},
    LOG_HEADER_VERSION: {"cipher", "id", "name", "owner", "kind"},
    SEGMENTED_VERSION: {"cipher", "id", "name", "owner", "kind"},
}


def _parse_header(raw: bytes, version: int) -> dict[str, Any]:
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
        or set(header) != _HEADER_KEYS[version]
        or not isinstance(header["space"], dict)
        or set(header["space"]) != _SPACE_KEYS[version]
        or not isinstance(header["slots"], list)
    ):
        raise SealedDamaged()
    return header


def _parse_parts(raw: object) -> tuple[int, int]:
    if (
        not isinstance(raw, list)
        or len(raw) != 2
        or not all(type(n) is int and TAG_BYTES <= n <= MAX_PART_BYTES for n in raw)
        or raw[0] == TAG_BYTES
    ):
        raise SealedDamaged()
    return raw[0], raw[1]


_SLOT_FIELDS = frozenset({"id", "kdf", "opslimit", "memlimit", "salt", "nonce", "wrapped"})


def _parse_slots(raw_slots: list[Any], version: int) -> tuple[KeySlot, ...]:
    if not 0 < len(raw_slots) <= MAX_SLOTS:
        raise SealedDamaged()
    slots: list[KeySlot] = []
    for raw in raw_slots:
        if not isinstance(raw, dict):
            raise SealedDamaged()
        format1 = version == LEGACY_VERSION
        if version >= FORMAT_VERSION and set(raw) == _SLOT_FIELDS | {"bound"}:
            if raw["bound"] != "format1":
                raise SealedDamaged()
            format1 = True
        elif set(raw) != _SLOT_FIELDS:
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
                format1=format1,
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
