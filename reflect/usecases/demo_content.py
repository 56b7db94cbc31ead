"""Sample journal entries for demo mode (``reflect --demo``).

Every entry is invented. The people in them do not exist. They are here so a
newcomer can look around the journal, search, tags and stars on throw-away
data without writing anything personal first. Each ``prompt_id`` names a
prompt in the default ``after-betrayal`` pack, or is empty for free writing.
One entry contains markup-like text on purpose, to show that reflect displays
text exactly as typed.
"""

from __future__ import annotations

SAMPLE_ENTRIES: tuple[dict, ...] = (
    {
        "text": (
            "When Sam leaned over to pass me the salt tonight, my shoulders went up "
            "before I even thought about it. My chest got tight and I wanted to leave "
            "the table. I did not leave. I just noticed it, and that felt like something."
        ),
        "prompt_id": "body-now",
        "tags": ["body", "evenings"],
        "days_ago": 52,
        "starred": False,
    },
    {
        "text": (
            "When Sam goes quiet and moves to the other end of the sofa, I tell "
            "myself it means I have already lost. Reading about a body on alert helped "
            "a little. Maybe it is not a verdict on me. Maybe it is just not safe yet."
        ),
        "prompt_id": "reading-the-pullback",
        "tags": ["waiting"],
        "days_ago": 47,
        "starred": False,
    },
    {
        "text": (
            "Today I wrote [b]not bold[/b] in a note to myself, just to see what "
            "this journal would do with it. It shows the brackets as I typed them, "
            "which I like. Nothing here changes my words."
        ),
        "prompt_id": "",
        "tags": ["testing"],
        "days_ago": 44,
        "starred": False,
    },
    {
        "text": (
            "Something steady this week: Sam was home when he said he would be, "
            "three evenings in a row. It sounds small written down. It did not feel small."
        ),
        "prompt_id": "small-reliable",
        "tags": ["steady", "together"],
        "days_ago": 39,
        "starred": True,
    },
    {
        "text": (
            "I want to be close to you and it's hard right now because every time "
            "your phone lights up I start guessing. I am not asking you to fix that "
            "tonight. I just wanted it said out loud instead of sitting in my throat."
        ),
        "prompt_id": "finish-the-sentence",
        "tags": ["naming", "phone"],
        "days_ago": 33,
        "starred": True,
    },
    {
        "text": (
            "We tried sitting a little closer while the film was on. I asked to stop "
            "after about ten minutes and Sam just nodded and moved back. No sigh, no "
            "questions. That part mattered more than the sitting."
        ),
        "prompt_id": "ladder-after-try",
        "tags": ["touch-ladder"],
        "days_ago": 27,
        "starred": True,
    },
    {
        "text": (
            "I keep wanting to hurry the ladder along, and I think it is because a hug "
            "would feel like proof that we are going to be all right. That is my need, "
            "not Sam's job. I am going to take it to my own counsellor instead."
        ),
        "prompt_id": "ladder-urge",
        "tags": ["own-work", "waiting"],
        "days_ago": 22,
        "starred": False,
    },
    {
        "text": (
            "For Thursday's session: the argument about the weekend plans. It looked "
            "like it was about the car. Underneath, I was afraid of being left on my own "
            "with the children and my thoughts again."
        ),
        "prompt_id": "moment-to-bring",
        "tags": ["session"],
        "days_ago": 16,
        "starred": True,
    },
    {
        "text": (
            "Most of my energy goes to replaying things, even at work. My sister said "
            "I look tired all the time. I think I would like someone of my own to talk "
            "to, someone who is not in the middle of this."
        ),
        "prompt_id": "running-on-empty",
        "tags": ["support"],
        "days_ago": 11,
        "starred": False,
    },
    {
        "text": (
            "A good Sunday morning, pancakes and an old joke that made us both laugh. "
            "Then Monday felt far away again. I am trying to look at the last couple "
            "of months instead of the last two days."
        ),
        "prompt_id": "more-or-fewer",
        "tags": ["check-in", "ups-and-downs"],
        "days_ago": 6,
        "starred": False,
    },
    {
        "text": (
            "Sam and I have both tried, and the closeness has not come back. I am "
            "sad, and I am also a bit calmer than I expected. What I want to keep is "
            "that I learned to say what is hard without apologising for it."
        ),
        "prompt_id": "what-to-keep",
        "tags": ["ending"],
        "days_ago": 3,
        "starred": False,
    },
    {
        "text": (
            "Walked by the canal at lunch. No big thoughts. My breathing slowed down "
            "for the first time in days and I wanted to remember that it can."
        ),
        "prompt_id": "",
        "tags": [],
        "days_ago": 1,
        "starred": False,
    },
)


# The couple demo (``reflect --demo couple``): Ana, the partner who was hurt, and
# Ben, the partner who caused the hurt. Invented people, invented words.

DEMO_COUPLE = (
    ("Ana", "hurt", "ana demo passphrase"),
    ("Ben", "involved", "ben demo passphrase"),
)
"""(name, role, passphrase) of each demo partner. The passphrases are shown on the lock screen."""

COUPLE_PRIVATE: dict[str, tuple[dict, ...]] = {
    "Ana": (
        {
            "text": (
                "Ben reached for the remote and his arm brushed mine, and my whole body "
                "went stiff. He did not notice. I did not say anything. I want to be able "
                "to tell him when that happens without it becoming a whole evening."
            ),
            "prompt_id": "body-now",
            "tags": ["body"],
            "days_ago": 40,
        },
        {
            "text": (
                "What would tell me things are a little safer? Probably this: that I stop "
                "rehearsing what I will say if I find something else. I did not rehearse "
                "it once this week."
            ),
            "prompt_id": "safe-enough-signs",
            "tags": ["steady"],
            "days_ago": 18,
            "starred": True,
        },
        {
            "text": "A tired day. I am keeping this one for myself.",
            "prompt_id": "",
            "tags": [],
            "days_ago": 4,
        },
    ),
    "Ben": (
        {
            "text": (
                "When Ana brings it up, the first thing in me is the urge to explain. "
                "Tonight I counted to ten in my head and just let her finish. It was "
                "uncomfortable. It was also the first time she did not walk away."
            ),
            "prompt_id": "staying-present",
            "tags": ["listening"],
            "days_ago": 33,
        },
        {
            "text": (
                "I want things to move faster, and I can see that wanting is about my "
                "own relief more than about her. Writing that down so I remember it."
            ),
            "prompt_id": "ladder-urge",
            "tags": ["waiting"],
            "days_ago": 12,
        },
    ),
}
"""Each partner's private journal in the couple demo."""

COUPLE_SHARED: tuple[dict, ...] = (
    {
        "author": "Ana",
        "text": "Something steady: Ben texted when the train was late, before I had to ask.",
        "prompt_id": "small-reliable",
        "tags": ["steady"],
        "days_ago": 26,
    },
    {
        "author": "Ben",
        "text": "Something steady: Ana kept our Sunday walk, even on a hard week.",
        "prompt_id": "small-reliable",
        "tags": ["steady"],
        "days_ago": 26,
    },
    {
        "author": "Ana",
        "text": (
            "Our last hard talk went somewhere because we stopped after twenty minutes "
            "and agreed to come back to it. Coming back is what made it different."
        ),
        "prompt_id": "where-talks-go",
        "tags": [],
        "days_ago": 9,
    },
    {
        "author": "Ben",
        "text": "Sitting on the same side of the table felt fine today. Same step again next time, I think.",
        "prompt_id": "ladder-after-try",
        "tags": ["ladder"],
        "days_ago": 5,
    },
)
"""The couple's shared space in the demo; ``author`` names who wrote each one."""

COUPLE_SESSIONS: tuple[dict, ...] = (
    {
        "prompt_id": "pace-in-words",
        "revealed": True,
        "answers": {
            "Ana": "Slow is fine for me, as long as I can say 'not today' and it is heard the first time.",
            "Ben": "What I heard: slow is fine for you, and a 'not today' needs to be heard the first time, with no questions after it.",
        },
    },
    {
        "prompt_id": "hopes-and-worries",
        "revealed": False,
        "answers": {
            "Ana": (
                "I hope a therapist can slow us down when we start going in circles. "
                "I worry that I will spend the whole hour crying."
            ),
        },
    },
)
"""Sample couple sessions in the demo: one revealed, one waiting for Ben's answer."""

DEMO_LADDER: dict = {
    "own_step": "Sitting on the same side of the table",
    "suggested": "Walking side by side after dinner",
    "stop": "Either of us says 'pause'",
    "felt": {
        "Ana": "Easier than I thought. I liked knowing I could say 'pause' and it would be enough.",
        "Ben": "I was careful not to lean in. It was good just to be next to you.",
    },
}
"""The demo couple's touch ladder: Ana's step of her own, a step Ben suggested, the stop word
of their one try, and how that try felt for each."""
