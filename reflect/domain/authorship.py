"""Who wrote what in the shared space, and who may change it.

In a couple's shared space every reflection and check-in keeps the profile id
of the person who wrote it. Either partner reads everything there; only the
person who wrote a reflection changes it (its words, tags or star) or
deletes it. These are the rules, with no storage and no screen.
"""

from __future__ import annotations


def may_change(author: str, changer: str) -> bool:
    """Whether ``changer`` may edit, tag, star or delete something written by ``author``.

    ``changer`` is empty where authors are not recorded (a private journal,
    whose owner changes everything in it). A shared reflection with no
    recorded author was written before reflect noted authors; nobody can say
    whose it is, so it stays open to either partner, as it always was.
    """
    return not changer or not author or author == changer


def whose(author: str, person: str) -> str:
    """'mine', 'theirs' or 'unknown': how ``author`` relates to ``person`` (both profile ids)."""
    if not author:
        return "unknown"
    return "mine" if author == person else "theirs"
