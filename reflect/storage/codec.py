"""How the bytes of a space file are turned into JSON bytes and back.

Every byte of a space passes through a codec, so encryption at rest can wrap a
whole file without the store knowing anything about keys.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Codec(Protocol):
    """Turns plain JSON bytes into the bytes kept on disk, and back.

    ``decode`` raises :class:`~reflect.storage.errors.SpaceDamaged` when the
    stored bytes cannot be decoded (it may pass ``None`` as the path).
    """

    def encode(self, plain: bytes) -> bytes: ...

    def decode(self, stored: bytes) -> bytes: ...


class PlainCodec:
    """Keeps bytes as they are: a space file that is readable JSON."""

    def encode(self, plain: bytes) -> bytes:
        return plain

    def decode(self, stored: bytes) -> bytes:
        return stored

    def __repr__(self) -> str:
        return "PlainCodec()"
