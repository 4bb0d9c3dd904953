"""The matcher on small, hand-made content: each kind of question and each decision."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.clock import Clock
from bot.content import load_content
from bot.matching.analyzer import Analyzer
from bot.matching.index import Document, Field, Target
from bot.matching.matcher import Candidate, Matcher, MatchSettings
from tests.content_builder import write_content

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def answerer(tmp_path) -> Answerer:
    content = load_content(*write_content(tmp_path))
    clock = Clock(content.conference.timezone, datetime(2027, 2, 16, 9, 10))
    return Answerer(content, clock)


@pytest.fixture(scope="module")
def sample() -> Answerer:
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    return Answerer(content, Clock(content.conference.timezone, datetime(2027, 2, 16, 11, 30)))


def best_key(answerer: Answerer, question: str) -> str | None:
    reply = answerer.ask(question)
    return reply.best.target.key if reply.decision == "answer" and reply.best else None


@pytest.mark.parametrize(
    "question",
    [
        "wifi",
        "WIFI PASSWORD???",
        "what's the wifi pasword",
        "password for the wi-fi",
        "internet kaise chalega",
        "Hi, quick question: can you please tell me the wifi password? thanks",
    ],
)
def test_wifi_in_many_forms(answerer, question):
    assert best_key(answerer, question) == "faq:wifi"


@pytest.mark.parametrize(
    "question",
    [
        "registration kab band hogi",
        "registration kb band hogi",
        "رجسٹریشن کب بند ہوگی",
        "رجسٹريشن كب بند هوگی",
        "when does registration close",
        "close registration when",
    ],
)
def test_registration_deadline_in_three_scripts(answerer, question):
    assert best_key(answerer, question) == "faq:registration-deadline"


def test_agenda_questions_by_topic_place_and_person(answerer):
    assert best_key(answerer, "where's the forensics lab") == "session:forensics"
    assert best_key(answerer, "when is the opening keynote") == "session:opening"
    reply = answerer.ask("is anyone from the election commission speaking")
    assert reply.decision == "answer"
    assert reply.best.target.key in {"speaker:ecp", "session:elections"}


def test_unrelated_questions_are_left_alone(answerer):
    for question in (
        "is there a bowling alley",
        "tell me a joke",
        "what is the capital of peru",
        "",
        "   ",
        "🙂🙂",
        "?!",
    ):
        assert answerer.ask(question).decision == "none", question


def test_long_rambling_question_still_finds_the_entry(sample):
    question = (
        "Hello! I am coming from Rawalpindi with two colleagues from our bank's security "
        "team. We will drive there early in the morning. I was wondering where we can park "
        "the car once we arrive, because last year it was a problem. Thank you so much."
    )
    reply = sample.ask(question)
    assert reply.decision in {"answer", "suggest"}
    assert reply.best.target.key == "faq:parking"


def test_now_and_next_use_the_conference_clock(answerer):
    reply = answerer.ask("what's on now")
    assert reply.decision == "answer" and reply.agenda_view is not None
    assert [c.target.id for c in reply.candidates] == ["opening"]
    assert answerer.ask("abhi kya ho raha hai").agenda_view.sessions[0].id == "opening"
    nxt = answerer.ask("what is next").agenda_view
    assert [s.id for s in nxt.sessions] == ["forensics"]


@pytest.mark.parametrize("question", ["whats coming next", "what comes next", "whats coming up"])
def test_what_comes_next_is_a_clock_question(answerer, question):
    # Coming and going are one term with arriving; they still only say "the programme".
    reply = answerer.ask(question)
    assert reply.source == "clock"
    assert [s.id for s in reply.agenda_view.sessions] == ["forensics"]


def test_session_answer_has_title_day_time_room_and_speakers(answerer):
    reply = answerer.ask("when is the opening keynote")
    text = answerer.answer_text(reply)
    assert "Opening keynote on national cyber policy" in text
    assert "Day 1, Tuesday 16 February, 09:00–09:45" in text
    assert "Hall A, Ground floor" in text
    assert "Dr. Sana Rehman, Conference Chair" in text


def documents(*entries: tuple[str, list[str]]) -> list[Document]:
    return [
        Document(
            Target("faq", key, phrasings[0]), [Field(p, 1.0, phrasing=True) for p in phrasings]
        )
        for key, phrasings in entries
    ]


def test_decisions_at_the_thresholds():
    matcher = Matcher(
        documents(("a", ["x"]), ("b", ["y"])),
        Analyzer(),
        MatchSettings(
            answer_threshold=0.6,
            answer_margin=0.1,
            suggest_threshold=0.4,
            suggest_window=0.25,
            standout_floor=0.25,
            standout_ratio=1.5,
            clear_threshold=0.45,
            clear_margin=0.3,
        ),
    )
    a, b, c = (Target("faq", k, k) for k in "abc")
    # A clear winner: lower score, but nothing else near it.
    assert matcher.decide("q", [Candidate(a, 0.45), Candidate(b, 0.14)]).decision == "answer"
    assert matcher.decide("q", [Candidate(a, 0.45), Candidate(b, 0.16)]).decision == "suggest"
    assert matcher.decide("q", [Candidate(a, 0.44), Candidate(b, 0.1)]).decision == "suggest"
    assert matcher.decide("q", [Candidate(a, 0.6), Candidate(b, 0.49)]).decision == "answer"
    assert matcher.decide("q", [Candidate(a, 0.6), Candidate(b, 0.51)]).decision == "suggest"
    assert matcher.decide("q", [Candidate(a, 0.59), Candidate(b, 0.3)]).decision == "suggest"
    assert matcher.decide("q", [Candidate(a, 0.4), Candidate(b, 0.3)]).decision == "suggest"
    assert matcher.decide("q", [Candidate(a, 0.39), Candidate(b, 0.27)]).decision == "none"
    assert matcher.decide("q", [Candidate(a, 0.24)]).decision == "none"
    close_call = matcher.decide("q", [Candidate(a, 0.7), Candidate(b, 0.65), Candidate(c, 0.3)])
    assert close_call.decision == "suggest"
    assert [s.target.id for s in close_call.suggestions] == ["a", "b"]


def test_a_weak_match_far_ahead_of_the_rest_gets_one_button():
    matcher = Matcher(
        documents(("a", ["x"])),
        Analyzer(),
        MatchSettings(suggest_threshold=0.4, standout_floor=0.25, standout_ratio=1.5),
    )
    a, b = (Target("faq", k, k) for k in "ab")
    standout = matcher.decide("q", [Candidate(a, 0.31), Candidate(b, 0.2)])
    assert standout.decision == "suggest"
    assert [s.target.id for s in standout.suggestions] == ["a"]
    assert matcher.decide("q", [Candidate(a, 0.31), Candidate(b, 0.22)]).decision == "none"


def test_a_close_call_offers_buttons_down_to_the_suggestion_floor():
    matcher = Matcher(
        documents(("a", ["x"])),
        Analyzer(),
        MatchSettings(
            suggest_threshold=0.3,
            suggest_window=0.2,
            suggestion_floor=0.2,
            clear_threshold=0.6,
        ),
    )
    a, b, c, d = (Target("faq", k, k) for k in "abcd")
    # Only a reaches the suggest threshold, but b and c are close enough to offer too.
    close = matcher.decide(
        "q", [Candidate(a, 0.33), Candidate(b, 0.3), Candidate(c, 0.21), Candidate(d, 0.19)]
    )
    assert close.decision == "suggest"
    assert [s.target.id for s in close.suggestions] == ["a", "b", "c"]
    # The window still applies: far below the best is not offered, whatever the floor.
    wide = matcher.decide("q", [Candidate(a, 0.45), Candidate(b, 0.3), Candidate(c, 0.24)])
    assert [s.target.id for s in wide.suggestions] == ["a", "b"]


def test_suggests_when_two_entries_tie():
    matcher = Matcher(
        documents(
            ("ctf-rules", ["What are the CTF rules?"]),
            ("ctf-prizes", ["What are the CTF prizes?"]),
        ),
        Analyzer(),
    )
    result = matcher.match("ctf")
    assert result.decision == "suggest"
    assert {s.target.id for s in result.suggestions} == {"ctf-rules", "ctf-prizes"}


def test_scores_are_between_zero_and_one(sample):
    for question in ("wifi", "registration kab band hogi", "x" * 5000, "the the the"):
        for candidate in sample.ask(question).candidates:
            assert 0.0 <= candidate.score <= 1.0


def test_sample_content_spot_checks(sample):
    assert best_key(sample, "namaz kahan parhein") == "faq:prayer-room"
    assert best_key(sample, "parking kahan hai") == "faq:parking"
    assert best_key(sample, "certificate kab milega") == "faq:certificate-attendance"
    assert sample.ask("can I bring my pet tiger").decision != "answer"


def test_a_wifi_network_is_not_the_networking_dinner(sample):
    # The sample's dinner synonyms once listed "networking", whose stem "network" made
    # every Wi-Fi network question a dinner question.
    reply = sample.ask("which wifi network do i join")
    assert reply.best is not None and reply.best.target.key == "faq:wifi"
    assert "session:networking-hi-tea" not in {c.target.key for c in reply.candidates[:2]}
    assert best_key(sample, "networking event kab hai") == "faq:networking-reception"


@pytest.mark.parametrize(
    "question",
    [
        "do you charge for the workshops",
        "is there any charge for parking",
        "extra charges for lunch?",
    ],
)
def test_a_charge_for_something_is_a_price_not_a_battery(sample, question):
    # "charge" and "charging" share a stem, so only the words around it tell them apart.
    reply = sample.ask(question)
    assert reply.best is not None and reply.best.target.key != "faq:charging-points"


def test_charging_a_phone_still_finds_the_charging_points(sample):
    assert best_key(sample, "where can i charge my phone") == "faq:charging-points"


def test_missing_a_talk_is_not_losing_something(sample):
    # "missing" shares its stem with "missed"; the sample's lost-property synonyms list
    # "is missing", "went missing" instead.
    reply = sample.ask("i missed the keynote")
    assert reply.best is not None and not reply.best.target.id.startswith("lost")
    assert "lost" in sample.analyzer.terms("my wallet went missing")


def test_english_loanwords_typed_in_urdu_script(sample):
    assert best_key(sample, "چارجنگ پوائنٹ کہاں ہیں") == "faq:charging-points"


def test_a_room_question_is_not_crowded_out_by_the_sessions_held_there(sample):
    assert best_key(sample, "hall b kidhar hai") == "faq:floor-plan"


def test_a_sum_does_not_match_an_answer_listing_times(sample):
    # "11:15 to 11:45" in the CTF schedule once made its 15 and 45 match any number.
    assert sample.ask("whats 15 times 17").decision != "answer"


def test_vowel_dropped_shorthand_finds_the_organisers_word():
    docs = [
        Document(
            Target("faq", "slides", "Where can I download the slides?"),
            [Field("Where can I download the slides?", phrasing=True)],
        ),
        Document(
            Target("faq", "discount", "Is there a student discount?"),
            [Field("Is there a student discount?", phrasing=True)],
        ),
        Document(
            Target("faq", "bottles", "Can I bring a water bottle or battle gear?"),
            [Field("Can I bring a water bottle or battle gear?", phrasing=True)],
        ),
    ]
    index = Matcher(docs, Analyzer()).index
    assert index.resolve("dwnld") == index.resolve("download")
    assert index.resolve("stdnt") == index.resolve("student")
    assert index.resolve("bttl") is None  # bottle or battle: no guess
    assert index.resolve("xyzzy") is None


def test_the_event_name_is_implied_in_every_question():
    # The organisers wrote the event's name into one entry's question; attendees leave it
    # out, so it is not a qualifier the question fails to cover ("CTF" still is).
    entries = documents(
        ("register", ["How do I register for NCSC 2027?"]),
        ("ctf", ["How do I register for the CTF?"]),
    )
    plain = Matcher(entries, Analyzer()).score("how do i register")
    named = Matcher(entries, Analyzer(), implied="NCSC 2027").score("how do i register")
    plain_score = next(c.score for c in plain if c.target.id == "register")
    assert named[0].target.id == "register"
    assert named[0].score > plain_score
    assert named[1].score < named[0].score


def test_general_registration_is_not_the_ctf_team_registration(sample):
    assert best_key(sample, "where do i register") != "faq:ctf-registration"
    assert best_key(sample, "how do i register for ncsc") == "faq:how-to-register"
    assert best_key(sample, "how do i register a team for the ctf") == "faq:ctf-registration"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # Roman Urdu
        ("tabiyat kharab ho jaye to kahan jaun", "faq:first-aid"),
        ("net nahi chal raha", "faq:wifi"),
        ("shalwar kameez pehen sakte hain?", "faq:dress-code"),
        ("naye logon ke liye ctf mushkil to nahi", "faq:ctf-beginners"),
        # English
        ("where's the gents", "faq:washrooms"),
        ("someone stole my phone", "faq:lost-and-found"),
        ("what if there's an earthquake", "faq:emergency-evacuation"),
        ("where exactly is the jcc", "faq:venue-address"),
        ("how do i get online at the venue", "faq:wifi"),
        ("is there an evening get-together", "faq:networking-reception"),
        ("where do i get my name tag", "faq:badge-collection"),
    ],
)
def test_everyday_words_reach_the_entry(sample, question, expected):
    assert best_key(sample, question) == expected


def test_presenting_research_is_not_a_question_about_slides(sample):
    # "presentation" is a synonym of slides; its stem "present" is another word.
    reply = sample.ask("can i still present my research")
    assert reply.decision != "answer" or reply.best.target.key == "faq:call-for-papers"
    assert best_key(sample, "will the presentations be shared") == "faq:slides"


def test_the_event_name_in_a_question_says_little(sample):
    # "event" and "conference" are in every question by implication: "how many days is the
    # event" must not lean on the one entry whose phrasing says "event".
    reply = sample.ask("how many days is the event")
    assert reply.decision != "answer" or reply.best.target.key == "faq:event-dates"
    assert best_key(sample, "kitne din ki conference hai") == "faq:event-dates"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("is there a nurse", "faq:first-aid"),  # not the nursing room
        ("where can i breastfeed my baby", "faq:quiet-room"),
        ("ctf for noobs?", "faq:ctf-beginners"),
        ("samosay kahan milenge", "faq:snack-kiosk"),
    ],
)
def test_sample_synonyms_keep_near_words_apart(sample, question, expected):
    reply = sample.ask(question)
    assert expected in {c.target.key for c in (reply.suggestions or reply.candidates[:1])}
    assert reply.decision != "answer" or reply.best.target.key == expected


def test_how_far_in_roman_urdu_is_not_a_door(sample):
    # "kitni door": how far. An unknown place ("murree") must not become the airport.
    reply = sample.ask("islamabad se murree kitni door hai")
    assert reply.decision != "answer"
