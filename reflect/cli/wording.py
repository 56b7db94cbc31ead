"""Every sentence only the command line says to a person, in one place (the app shares :mod:`reflect.usecases.wording`).

Plain words: what happened and what to do. Never any journal text.
"""

NO_TEXT = "There was no text to save. Type it when asked (end with Ctrl+D), or pipe it in."
TYPE_THE_TEXT = "Type your reflection. When you are done, press Ctrl+D on a new line (Ctrl+C stops without saving)."
TYPE_THE_NOTE = "Type your note. When you are done, press Ctrl+D on a new line (Ctrl+C stops without saving)."
SAVED = "Saved."
ARGV_WARNING = (
    "Text given as an argument can be seen by other programs on this computer while reflect "
    "runs, and is kept in your shell history."
)
ARGV_WARNING_SHORT = "as an argument, other programs can see it and your shell history keeps it"
NO_ENTRIES = "No reflections yet."
NO_MATCHES = "Nothing matches that search."
UNKNOWN_PROMPT = "There is no prompt with the id '{prompt_id}'. `reflect packs validate` lists problems with packs; the prompt ids are in the pack's files."
BAD_COUNT = "-n needs a whole number of 1 or more."
INTERRUPTED = "Stopped. Nothing was changed after the last save."
NOT_A_TERMINAL_APP = (
    "reflect needs a terminal to open. For scripts, use `reflect write`, `reflect list` "
    "or `reflect export`; `reflect --help` lists them."
)
UNEXPECTED = (
    "Something went wrong that reflect did not expect ({kind}). Your saved reflections are untouched. "
    "If it keeps happening, `reflect check` verifies the data files."
)
CHECK_OK = "All data files are sound ({count} checked)."
CHECK_ROLES_NOT_HERE = (
    "Who was hurt and who caused the hurt, and each person's name, are kept in profiles.json and, "
    "sealed, in the shared space. This check has no passphrase, so it cannot compare the two and "
    "cannot vouch for the names and roles profiles.json shows; unlocking does: it keeps the shared "
    "space closed if the roles differ, and if the names differ it says so and uses the names the "
    "shared space keeps."
)
CHECK_PROBLEMS = "Some data files have problems. Nothing was changed."
CHECK_BACKUPS = "Backups you can restore from (copy one over the damaged file while reflect is closed):"
CHECK_FOUND_BACKUPS = "Backups, the newest of each file first (to go back to one, copy it over its file while reflect is closed):"
CHECK_OTHER_BACKUPS = "Other backups:"
CHECK_BACKUP_LINE = "  {name}  (a copy of {original}, taken {when}){damaged}"
CHECK_BACKUP_DAMAGED = ": damaged, do not use it"
CHECK_NO_BACKUPS = "There are no backups in {path}."
DATA_DIR_NOT_A_FOLDER = (
    "{path} is a file, not a folder. --data-dir (or REFLECT_HOME) needs the folder that holds "
    "reflect's data. Nothing was changed."
)
CHECKIN_SAVED = "Check-in saved."
BAD_MOMENTS = "--{option} needs a whole number from 0 to 99 (it was given '{value}')."
EXPORT_WRITTEN = "Written to {path}."
EXPORT_EXISTS = "There is already a file at {path}. Choose another name, or add --force to replace it."
EXPORT_NO_FOLDER = "The folder {folder} does not exist. Create it first, or choose another place."
EXPORT_IS_FOLDER = "{path} is a folder. Give the name of the file to write, inside it."
EXPORT_IN_DATA_FOLDER = (
    "{path} is inside reflect's own data folder, so nothing was written there. "
    "Choose a place outside it, or its exports folder ({exports})."
)
EXPORT_FAILED = "The export could not be written to {path} ({reason}). Nothing else was changed."
CHECKINS_SKIPPED = (
    "Some saved check-ins ({count}) could not be read and were left out of the export. "
    "They are still in the data file, unchanged."
)

PASSPHRASE_PROMPT = "Passphrase for {name}: "
NEW_PASSPHRASE_PROMPT = "A new passphrase for {name} (at least 8 characters): "
REPEAT_PASSPHRASE_PROMPT = "The same passphrase again: "
PARTNER_PASSPHRASE_PROMPT = "{name}'s passphrase, to create the shared space: "
NO_PASSPHRASE_TYPED = "No passphrase was typed; nothing was changed."
PASSPHRASES_DIFFER = "The two passphrases are not the same. Nothing was changed."
NO_PASSPHRASE_GIVEN = (
    "A passphrase is needed. Type it when asked, or give it as the first line of standard input "
    "(never as an argument)."
)
UNKNOWN_PROFILE = "There is no profile called {name}. The profiles here: {names}."
WHOSE_JOURNAL = "Two people use reflect here. Say whose journal with --profile NAME."
NO_SHARED_SPACE = "There is no shared space: only a couple has one."
NO_PROFILES = "Nobody is set up yet. Open reflect, or use `reflect profiles add NAME --role ROLE`."
SHARED_SPACE_LINE = "and a shared space that both of you can open"
NAMES_AS_LISTED = (
    "(The names and roles as profiles.json has them. Each unlock checks them against the "
    "shared space and says so if they were changed outside reflect.)"
)
NO_SUCH_PROTECTED_PROFILE = "There is no profile called {name} with a passphrase."
PROFILE_ADDED = "{name} is set up."
NO_PASSPHRASE_WARNING = (
    "Note: without a passphrase this journal is saved unencrypted. Anyone who can use this "
    "computer account, or gets hold of its disk, could read it."
)
CHECK_NOTHING = "There is no data folder at {path} yet; nothing to check."
EMPTY_DATA_DIR = "--data-dir needs a folder. Leave it out to use the usual place."
OS_PROBLEM = "reflect could not use {where}: {reason}. Nothing was changed."
PARTNER_PASSPHRASE_MISSING = (
    "Adding a second person makes a shared space, so {name}'s passphrase is needed too: "
    "give the new passphrase on the first line of standard input and {name}'s on the second."
)
NOBODY_SET_UP_YET = (
    "Note: nobody is set up here yet, so what you write now is saved without a passphrase. To set "
    "one up first, stop here (Ctrl+C) and open reflect, or run `reflect profiles add NAME --role ROLE`; "
    "either seals what is here."
)
SAVED_WITHOUT_PASSPHRASE = (
    "Note: nobody is set up here yet, so this was saved without a passphrase. Opening reflect "
    "(or `reflect profiles add NAME --role ROLE`) sets up a passphrase and seals what is here."
)
EXPORT_NOT_ENCRYPTED = (
    "The exported file is not encrypted: anyone who can use this computer account can open it."
)
