"""Sentences the app and the command line both say, in one place.

Plain words: what happened and what to do. Never any journal text. The
command line's own sentences are in :mod:`reflect.cli.wording`.
"""

PACK_SKIPPED = "A prompt pack was skipped because it has problems: {path}. `reflect packs validate {path}` shows them."
PASSPHRASE_CHANGED = (
    "Passphrase changed. The old one no longer opens anything in this folder, backups included. "
    "Your journal also has a new key, so a copy of it taken before now shows nothing written from now on."
)
RECOVERY_KEY_CHANGED = (
    "A new recovery key was made. The earlier one no longer opens anything in this folder, backups "
    "included. Your journal also has a new key, so a copy of it taken before now shows nothing written "
    "from now on."
)
SHARED_KEEPS_ITS_KEY = (
    "The shared space keeps its key, because a new one needs both of your passphrases: a copy of it "
    "taken before now could still be opened with the old one, and would show what you both write later."
)
RECOVERY_KEY_DROPPED = (
    "Your recovery key stopped working with this change. Make a new one in Preferences."
)
IMPORTED = "Imported {entries} {reflections} and {checkins} {check_ins} ({already} {were} already here)."
IMPORTED_EXERCISES = "Also {sentences} {sentence_word} and {notes} {note_word} of the touch ladder."
IMPORT_UNREADABLE = "{count} {records} in the file could not be read and {were} left out."
IMPORT_REPEATED = "{count} {records} {appear} more than once in the file; {each} imported once."
NOT_ENCRYPTED_WORDS = (
    "The saved file is not encrypted. Anyone who can use this computer account, "
    "including a partner who shares it, can open it."
)
SAVE_FOLDER_MISSING = "The folder {folder} does not exist. Choose another place."
SAVE_IS_A_FOLDER = "That is a folder. Add a file name at the end."
SAVE_NOT_WRITTEN = "{what} ({reason}). Choose another place."
NOT_THE_CURRENT_PASSPHRASE = (
    "That is not the passphrase this journal was unlocked with, so nothing was changed. "
    "Please type your passphrase as it is now."
)
CURRENT_PASSPHRASE_NEEDED = "Please type your passphrase as it is now first. Nothing was changed."
NO_PASSPHRASE_TO_CHECK = "This journal has no passphrase, so nothing was changed."

# The shared space: who wrote what.
NOT_THE_AUTHOR = "{name} wrote this, so only {name} can change or delete it. Nothing was changed."
NOT_THE_AUTHOR_HINT = "Only {name} can change or delete it. You can write your own beside it."
WHO_IS_WRITING = "Who is writing?"
WHO_IS_WRITING_DETAIL = "It is saved in the shared space under your name, and only you can change it later."
WHO_IS_CHANGING = "Who is changing this?"
WHO_IS_CHANGING_DETAIL = "Only the person who wrote it can change or delete it."
AUTHOR_NOT_NOTED = "Written before reflect noted who wrote what, so either of you can change it."
SOMEONE = "your partner"

# profiles.json's names, compared at each unlock with the shared space's (usecases/couple_names.py).
NAMES_CHANGED = (
    "The names in profiles.json were changed outside reflect. The shared space keeps the names as "
    "{couple}, and it vouches for who is who: {changes}.{you} reflect uses "
    "the names the shared space keeps, for who wrote what, the titles and the exports. Nothing anyone "
    "wrote was changed. Until profiles.json has the names back as they were, the lock screen may "
    "show them the wrong way round before anyone unlocks, and the command line's --profile goes by "
    "them as the file has them now."
)
PARTNERS_PASSPHRASE = (
    "That passphrase is {other}'s, not {chosen}'s. If the names look swapped, they were changed "
    "outside reflect; once you are in, reflect uses the names the shared space keeps."
)
NAMES_CHANGED_YOU = " This is {name}'s journal."
NAMES_CHANGED_ONE = "the person listed as {listed} is {vouched}"

# seen.json: reflect's note of the last save of each sealed space (usecases/seen_doubt.py).
SEEN_DOUBT = (
    "reflect cannot tell whether {which} {are} the newest {copies}: its note of the last save "
    "(seen.json, in the data folder) {how} by something other than reflect, and an older copy put back "
    "would look just like this. Please compare what you see with the copies in the backups folder "
    "(`reflect check` lists them). If you did not {change} that note yourself, something else did: a "
    "sync or backup tool, a restore, or someone else using this computer."
)
SEEN_NOTE_CHANGED = "was changed"
SEEN_NOTE_MISSING = "was removed"
SEEN_DOUBT_GOES_ON = "reflect goes on with the copy it found, and notes its saves again from now on."
SEEN_DOUBT_KEPT = (
    "reflect goes on with the copy it found, and notes its saves again from now on. The changed note "
    "is kept beside it as {kept} for you to compare; delete it once you are sure."
)
SEEN_DOUBT_NOTHING_CHANGED = "Nothing was changed."
SEEN_LINE_MISSING = "was removed"
CHECK_SEEN_LINE = (
    "reflect's note of this space's last save (its line in seen.json) {how} by something other than "
    "reflect, so reflect cannot tell whether this file is its newest copy or an older one put back. "
    "Compare it with its backups below. If you did not change seen.json yourself, something else did: "
    "a sync or backup tool, a restore, or someone else using this computer. Unlocking the space says "
    "this too, and notes its saves again."
)
CHECK_SEEN_UNREADABLE = (
    "reflect's note of the last save of each space could not be read ({reason}): it was changed by "
    "something other than reflect. If you did not change it yourself, something else did: a sync or "
    "backup tool, a restore, or someone else using this computer. Unlocking says this too, keeps the "
    "changed note aside and starts a new one."
)
CHECK_SEEN_SPACES = (
    "So reflect cannot tell whether these are their newest copies or older ones put back: {spaces}. "
    "Compare them with their backups below."
)
CHECK_SEEN_MISSING = (
    "reflect's note of the last save of each space is missing, though reflect has saved these sealed "
    "spaces: {spaces}. It was removed by something other than reflect, so reflect cannot tell whether "
    "they are their newest copies or older ones put back. Compare them with their backups below. If you "
    "did not remove it yourself, something else did: a sync or backup tool, a restore, or someone else "
    "using this computer. Unlocking says this too, and starts a new note."
)
CHECK_SEEN_KEPT = (
    "reflect found its note of the last saves changed outside reflect, told whoever unlocked, and kept "
    "the changed note here for you to compare. reflect does not use it; once you are sure your spaces "
    "are the copies you want, delete it while reflect is closed."
)

# A pending answer of a together session the shared space no longer knows (usecases/couple_sessions.py).
UNKNOWN_SESSION_ANSWER = (
    "your answer from a together session the shared space no longer knows; it is kept here, in your "
    "own journal, and nobody else sees it"
)

# Found as reflect locked: a space's file removed or replaced while it was open (see Session.lock).
REPLACED_WRITTEN_AT_LOCK = (
    "While reflect had {where} open, its file on disk was removed, replaced or changed by something "
    "other than reflect. reflect wrote it again as it locked, from what it had open, so everything "
    "saved is on disk again.{kept} If you did not change those files, someone or something with "
    "access to this computer did."
)
REPLACED_KEPT_ASIDE = " What was found in its place is kept beside it as {kept}."
REPLACED_FOUND_AT_LOCK = (
    "While reflect had {where} open, its file on disk was replaced by something other than reflect. "
    "reflect has not written anything over it; unlock again and reflect will say what it finds. "
    "`reflect check` lists the backups."
)
