"""``reflect list --contains WORD`` with one read of the journal, when that is safe.

For the common case (a folder set up for one person with no passphrase, no
shared space, their own journal) :func:`entries_containing` reads the journal
as the usual unlock does and checks every record, but builds entries only for
those that match (see :mod:`reflect.storage.space_scan`). Anything else, or
anything unusual -- a damaged or hand-edited record, an older format -- returns
``None`` and the caller unlocks the usual way, which says what is wrong in its
usual words. Nothing is written here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflect.domain.entries import EntryFilter
from reflect.domain.profiles import Profile
from reflect.usecases.data_folder import DataFolder

if TYPE_CHECKING:
    from reflect.domain.entries import Entry


def entries_containing(
    folder: DataFolder, profile: Profile, flt: EntryFilter, *, ending: bool = False
) -> list[Entry] | None:
    """The entries of the person's own journal that ``flt`` matches, newest
    first, or ``None``: then unlock the usual way (nothing was changed).

    ``ending``: the process ends once the entries are shown (a command), so
    the records read are left for its end to free (see ``entries_matching``).
    """
    if not flt.contains or profile.protected or not folder.is_alone_here(profile):
        return None
    folder.refuse_downgrade()
    space = profile.space
    if folder.space_is_sealed(space):
        return None
    path = folder.space_path(space)
    if not path.exists():
        return None
    from reflect.storage.errors import StoreError
    from reflect.storage.space_scan import entries_matching

    try:
        return entries_matching(path, flt, space=space, leave_for_exit=ending)
    except StoreError:
        return None  # the usual unlock reads it again and says what is wrong, in its words
