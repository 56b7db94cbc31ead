"""How recovery keys are written, and how a key typed by hand is read back.

New keys use Crockford's base32 alphabet: digits and capital letters without
I, L, O and U, so no two characters look alike. Keys made before that used
the RFC 4648 alphabet (A to Z, 2 to 7), which has I, L and O; someone copying
one by hand may type 0 for O and 1 for I or L. A typed key is therefore read
in every way it can stand for, and each reading is tried: the person never
has to know which kind of key they wrote down.
"""

from __future__ import annotations

import base64
import itertools

GROUPS = 8
GROUP_CHARS = 5
KEY_CHARS = GROUPS * GROUP_CHARS
KEY_BYTES = KEY_CHARS * 5 // 8

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""The alphabet of new keys: no I, L, O or U."""
RFC4648 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
"""The alphabet of keys made before; it has the lookalikes I, L and O."""

_TO_CROCKFORD = str.maketrans(RFC4648, CROCKFORD)
_CROCKFORD_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = frozenset(" -_\t\r\n")
# Each typed '1' in an old key could be an I or an L: past this many the
# readings (each a key derivation) would take too long, so 1 is left as it is.
MAX_AMBIGUOUS_ONES = 3

WRONG_LENGTH = (
    "That recovery key has {count} letters and digits, but a recovery key has 40, "
    "in 8 groups of 5. Check for a group left out or typed twice."
)
STRANGE_CHARACTER = (
    "A recovery key has only letters and digits (spaces and dashes do not matter), "
    "but this one also has {character}. Check that character against what you wrote down."
)
NOT_A_KEY = (
    "That is not a recovery key reflect made: it mixes characters that are never in the same key. "
    "Check it against what you wrote down."
)
DOES_NOT_OPEN = (
    "That recovery key is complete, but it does not open {name}'s spaces. Check each group of "
    "five against what you wrote down (0 and O, 1 and I or L are read either way), and that "
    "it is {name}'s key and the newest one made."
)


def new_key_text(random_bytes: bytes) -> str:
    """A new key's 40 characters (no dashes) from 25 random bytes, in the Crockford alphabet."""
    if len(random_bytes) != KEY_BYTES:
        raise ValueError(f"a recovery key needs {KEY_BYTES} random bytes")
    return base64.b32encode(random_bytes).decode("ascii").translate(_TO_CROCKFORD)


def grouped(key_text: str) -> str:
    """The key as people read and write it: 8 groups of 5, joined by dashes."""
    return "-".join(key_text[i : i + GROUP_CHARS] for i in range(0, len(key_text), GROUP_CHARS))


def _compact(typed: str) -> str:
    return "".join(ch for ch in typed if ch not in _SEPARATORS).upper()


def readings(typed: str) -> list[str]:
    """Every key ``typed`` can stand for, new keys' reading first; empty if it can be none.

    Spaces, dashes and letter case never matter; lookalikes are read both ways.
    """
    if not isinstance(typed, str):
        return []
    compact = _compact(typed)
    if len(compact) != KEY_CHARS or not (compact.isascii() and compact.isalnum()):
        return []
    found: list[str] = []
    crockford = compact.translate(_CROCKFORD_LOOKALIKES)
    if set(crockford) <= set(CROCKFORD):
        found.append(crockford)
    old = compact.replace("0", "O")
    ones = [i for i, ch in enumerate(old) if ch == "1"]
    if set(old) <= set(RFC4648) | {"1"} and len(ones) <= MAX_AMBIGUOUS_ONES:
        for letters in itertools.product("IL", repeat=len(ones)):
            chars = list(old)
            for index, letter in zip(ones, letters):
                chars[index] = letter
            reading = "".join(chars)
            if reading not in found:
                found.append(reading)
    return found


def problem_with(typed: str) -> str:
    """What is really wrong with a typed key that has no reading (see :func:`readings`)."""
    compact = _compact(typed if isinstance(typed, str) else "")
    strange = next((ch for ch in compact if not (ch.isascii() and ch.isalnum())), None)
    if strange is not None:
        return STRANGE_CHARACTER.format(character=repr(strange))
    if len(compact) != KEY_CHARS:
        return WRONG_LENGTH.format(count=len(compact))
    return NOT_A_KEY
