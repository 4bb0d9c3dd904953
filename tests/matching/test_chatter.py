"""The chatter reader on the dev set (tests/data/chatter.yaml) and on chosen cases.

The held-out set, tests/data/chatter_heldout.yaml, is for bench/chatter.py only: these tests
check its shape, never what the reader makes of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.matching.chatter import CHATTER_KINDS, ChatterReader

DATA = Path(__file__).resolve().parents[1] / "data"
MESSAGES = yaml.safe_load((DATA / "chatter.yaml").read_text(encoding="utf-8"))["messages"]
HELD_OUT = yaml.safe_load((DATA / "chatter_heldout.yaml").read_text(encoding="utf-8"))["messages"]
DEV = MESSAGES


@pytest.fixture(scope="module")
def reader() -> ChatterReader:
    return ChatterReader()


@pytest.mark.parametrize(("messages", "split"), [(MESSAGES, "dev"), (HELD_OUT, "test")])
def test_each_set_is_large_and_covers_every_kind_in_every_language(
    messages: list[dict[str, str]], split: str
) -> None:
    assert len(messages) >= 250
    assert {m["split"] for m in messages} == {split}
    for kind in CHATTER_KINDS:
        languages = {m["lang"] for m in messages if m["kind"] == kind and m["question"] is None}
        # Keyboard mash has no language: Latin mash counts as English.
        assert ({"en", "ur"} if kind == "nonsense" else {"en", "ru", "ur"}) <= languages, kind
    assert any(m["kind"] == "question" for m in messages)
    assert any(m["kind"] != "question" and m["question"] for m in messages)


@pytest.mark.parametrize("messages", [MESSAGES, HELD_OUT], ids=["dev", "test"])
def test_no_set_holds_a_text_twice(messages: list[dict[str, str]]) -> None:
    texts = [" ".join(str(m["text"]).casefold().split()) for m in messages]
    assert len(texts) == len(set(texts))


# Dev messages the reader gets wrong, left so on purpose: labels another reader could
# fairly dispute ("😂😂😂" as nonsense, "got it, ty" as a nod rather than thanks) or a
# rule that would cost more questions than it saves. Strict: fixing one fails the test,
# so this list only shrinks.
KNOWN_MISREADS = {
    "🤝",
    "got it, ty",
    "pata nahi kya likhun",
    "😂😂😂",
    "tumse kuch nahi hota",
    "🤣🤣",
    "ye bot kis cheez ke liye hai",
    "noted with thanks",
    "Could you put me in touch with the conference secretariat regarding our delegation?",
    # From the sixth held-out set (moved here after its one look).
    "😂",
    # From the seventh held-out set (moved here after its one look).
    "I don't want a bot, I want a person",
    # From the ninth held-out set (moved here after its one look).
    "I want to talk to Dr Imran Shahid",
    "The food was cold and there was no veg option",
    "Mm hmm yeah so the",
    # From the tenth held-out set (moved here after its one look).
    "😂😂",
    # From the eleventh held-out set (moved here after its one look).
    "🤣",
    # From the twelfth held-out set (moved here after its one look). "sorry wrong chat" is
    # nonsense as set 9's "oops wrong chat" is here; the wifi complaints stay questions (as
    # "the wifi is not working" is here), which get the Wi-Fi entry's button.
    "sorry wrong chat",
    "wifi is not working at all!!!",
    "why do you keep saying you passed it to the organisers, nobody replied",
    "wifi bilkul nahi chal raha",
    "bhai gari gate 2 pe khari kar di hai aa jao",
}


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(m, marks=pytest.mark.xfail(strict=True, reason="known misread"))
        if m["text"] in KNOWN_MISREADS
        else m
        for m in DEV
        if m["question"] is None
    ],
    ids=lambda m: m["text"],
)
def test_pure_chatter_gets_its_kind(reader: ChatterReader, message: dict[str, str]) -> None:
    reading = reader.read(message["text"])
    assert (reading.kind, reading.question) == (message["kind"], None)
    assert reading.is_chatter


@pytest.mark.parametrize(
    "message", [m for m in DEV if m["question"] is not None], ids=lambda m: m["text"]
)
def test_a_question_in_or_like_chatter_stays_a_question(
    reader: ChatterReader, message: dict[str, str]
) -> None:
    reading = reader.read(message["text"])
    assert reading.question is not None
    assert not reading.is_chatter


@pytest.mark.parametrize(
    ("text", "kind", "question"),
    [
        ("hi, where is lunch", "greeting", "where is lunch"),
        ("thanks! and the prayer room?", "thanks", "and the prayer room?"),
        ("salam, registration kab band hogi", "greeting", "registration kab band hogi"),
        ("السلام علیکم، رجسٹریشن کب بند ہوگی", "greeting", "رجسٹریشن کب بند ہوگی"),
        ("ok so where do I park", "acknowledgement", "ok so where do I park"),
        ("help desk kahan hai", None, "help desk kahan hai"),
        ("where is the help desk", None, "where is the help desk"),
        ("thanks for the wifi info", "thanks", None),
    ],
)
def test_the_question_inside(
    reader: ChatterReader, text: str, kind: str | None, question: str | None
) -> None:
    reading = reader.read(text)
    assert (reading.kind, reading.question) == (kind, question)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("bohat bura system hai", "rudeness"),
        ("pathetic arrangements", "rudeness"),
        ("very poor management", "rudeness"),
        ("ye bot chal raha hai?", "anyone_there"),
        ("کیا یہ بوٹ کام کر رہا ہے", "anyone_there"),
        ("kisi incharge se milwa do", "ask_for_person"),
        ("koi guide kr de", "help"),
        ("g bhai", "acknowledgement"),
        ("hogaya sir", "acknowledgement"),
    ],
)
def test_set_seven_classes(reader: ChatterReader, text: str, kind: str) -> None:
    """The kinds of chatter the seventh blind set found missing, in other words than its own."""
    assert (reader.read(text).kind, reader.read(text).question) == (kind, None)


@pytest.mark.parametrize(
    "text",
    [
        "the arrangements for lunch",
        "arrangements kahan hain",
        "incharge kaun hai",
        "wifi chal raha hai?",
        "registration ho gya?",
    ],
)
def test_their_look_alike_questions_stay_questions(reader: ChatterReader, text: str) -> None:
    assert reader.read(text).question is not None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A judgement on something at the event, nothing asked or requested.
        ("the food is terrible", "rudeness"),
        ("wifi is useless", "rudeness"),
        ("terrible food", "rudeness"),
        ("the parking is a joke", "rudeness"),
        ("the sound in hall A was horrible", "rudeness"),
        ("the volunteers were so rude", "rudeness"),
        ("registration system bilkul bakwas hai", "rudeness"),
        ("khana bohat ghatiya tha", "rudeness"),
        ("parking ka intezam bekar hai", "rudeness"),
        ("ye queue mazaq hai", "rudeness"),
        ("وائی فائی بالکل بکواس ہے", "rudeness"),
        ("کھانا بہت برا تھا", "rudeness"),
        # Management missing.
        ("no arrangements at all", "rudeness"),
        ("koi intezam nahi hai yahan", "rudeness"),
        ("کوئی انتظام نہیں", "rudeness"),
        # What went wrong, then the complaint.
        ("the AC is not working, pathetic", "rudeness"),
        ("wifi kaam nahi kar raha, bekar intezam", "rudeness"),
        ("pani khatam ho gaya, sharam karo", "rudeness"),
        ("پانی ختم ہو گیا، شرم کرو", "rudeness"),
        ("hall bohat garam hai 😡", "rudeness"),
        ("kuch nahi aata tumhe", "rudeness"),
        # Trying whether the bot answers.
        ("bot test", "anyone_there"),
        ("testing 123", "anyone_there"),
        ("ٹیسٹ", "anyone_there"),
        ("is the bot live?", "anyone_there"),
        ("bot online hai?", "anyone_there"),
        ("کیا بوٹ چل رہا ہے؟", "anyone_there"),
        # Passing the message on to someone.
        ("forward this to the organisers", "ask_for_person"),
        ("pass my message to the team", "ask_for_person"),
        ("please put me through to reception", "ask_for_person"),
        ("ye message organisers ko pass kar do", "ask_for_person"),
        ("mera message team tak pohncha do", "ask_for_person"),
        # A greeting with who is writing; thanks with a remark; a salute; long salams.
        ("Hello, I am Ayesha from Karachi", "greeting"),
        ("hi, my name is Bilal, a student from FAST", "greeting"),
        ("salam, mera naam Usman hai", "greeting"),
        ("السلام علیکم، میرا نام احمد ہے", "greeting"),
        ("aslamualaikum wa rahmatullah", "greeting"),
        ("thanks, found it", "thanks"),
        ("ok found it", "acknowledgement"),
        ("شکریہ، مل گیا", "thanks"),
        ("may Allah bless you sir", "thanks"),
        ("God bless you", "thanks"),
        ("🫡🫡", "acknowledgement"),
        ("waise hi", "nonsense"),
        ("ؤؤ", "nonsense"),
        ("سدفگحج", "nonsense"),
    ],
)
def test_set_eight_classes(reader: ChatterReader, text: str, kind: str) -> None:
    """The kinds of chatter the eighth blind set found missing, in other words than its own.

    By the readings: the learned second opinion may still send a message it has never seen
    the like of to the matcher ("the parking is a joke": P(question) >= 0.9), the safe side.
    """
    reading = reader.read_by_rules(text)
    assert (reading.kind, reading.question) == (kind, None)


@pytest.mark.parametrize(
    "text",
    [
        "wifi not working, what is the password?",
        "AC kab theek hoga",
        "is the queue always this long?",
        "where do I complain about the food",
        "the wifi is not working",
        "AC kharab hai",
        "wifi is slow",
        "line bohat lambi hai",
        "khana khatam ho gaya",
        "وائی فائی نہیں چل رہا",
        "is the wifi bad in hall B?",
        "why is the wifi so bad",
        "food was bad, is there a cafe nearby",
        "bad actors workshop",
        "worst case scenarios talk kab hai",
        "lunch ke baad kaunsa session hai",
        "useless question maybe but is there an atm nearby",
        "AC theek karo, bohat garmi hai",
        "koi intezam hai parking ka?",
        "koi intezam nahi hai parking ka",
        "waited 2 hours for my badge, ridiculous",
        "is there a test?",
        "CTF test kab hai",
        "pen testing workshop",
        "wifi chal raha hai?",
        "is the registration portal live?",
        "pass for my team",
        "I need a pass for my colleague",
        "is anyone at the helpdesk right now",
        "madad ke liye helpdesk kahan hai",
        "I am looking for the registration desk",
        "my name is wrong on the badge",
        "mera naam list mein nahi hai",
        "found a wallet near hall B",
        "lost and found kahan hai",
        "who do you work for",
        "are you working for me",
    ],
)
def test_set_eight_look_alike_questions_stay_questions(reader: ChatterReader, text: str) -> None:
    assert reader.read_by_rules(text).question is not None
    assert reader.read(text).question is not None


@pytest.mark.parametrize(
    ("text", "kind", "question"),
    [
        ("the food is terrible, where else can I eat?", "rudeness", "where else can I eat?"),
        ("wifi bakwas hai, password kya hai?", "rudeness", "password kya hai?"),
        # A complaint with a request asks the organisers to act: all of it reaches them.
        ("wifi is pathetic, please fix it", "rudeness", "wifi is pathetic, please fix it"),
        (
            "the AC is not working, pathetic, fix it",
            "rudeness",
            "the AC is not working, pathetic, fix it",
        ),
        ("I'm Daniel, where is the speakers lounge?", "greeting", "where is the speakers lounge?"),
        ("hi I am stuck at gate 2", "greeting", "hi I am stuck at gate 2"),
        ("thanks, found it. where is hall C?", "thanks", "where is hall C?"),
    ],
)
def test_a_complaint_or_introduction_keeps_its_question(
    reader: ChatterReader, text: str, kind: str, question: str
) -> None:
    reading = reader.read(text)
    assert (reading.kind, reading.question) == (kind, question)


def test_a_complaint_about_the_bot_with_fix_it_stays_a_complaint(reader: ChatterReader) -> None:
    """The organisers cannot fix the bot during the event: no question for them."""
    assert reader.read("this bot is trash, fix it").is_chatter


@pytest.mark.parametrize(
    "text",
    [
        "whom do I contact for help",
        "who should I talk to about my badge",
        "help ke liye kis se rabta karun",
        "kis se baat karun",
        "مدد کے لیے کس سے رابطہ کروں",
    ],
)
def test_asking_whom_to_contact_is_a_question(reader: ChatterReader, text: str) -> None:
    """The FAQ answers whom to contact (the helpdesk): not the help message, not a handoff."""
    reading = reader.read(text)
    assert reading.question == text
    assert "help" not in reading.kinds and not reading.is_chatter


@pytest.mark.parametrize("text", ["لنچ؟", "lunch?", "wifi?", "نماز؟", "parking?", "چائے؟"])
def test_one_word_asked_about_is_a_question(reader: ChatterReader, text: str) -> None:
    """Set 11 lost "لنچ؟": the learned model took the Urdu word for keyboard mash. A word
    with a question mark names what the attendee wants; only the readings' own chatter
    words ("hello?", "ok?") may stand so as chatter."""
    reading = reader.read(text)
    assert not reading.is_chatter and reading.question == text


@pytest.mark.parametrize(("text", "kind"), [("hello?", "anyone_there"), ("ok?", "acknowledgement")])
def test_chatter_words_with_a_question_mark_stay_chatter(
    reader: ChatterReader, text: str, kind: str
) -> None:
    assert reader.read(text).kind == kind


def test_thanks_for_something_that_asks_is_a_question(reader: ChatterReader) -> None:
    reading = reader.read("thanks for the wifi info, but is there a prayer room")
    assert reading.kind == "thanks"
    assert reading.question == "but is there a prayer room"


@pytest.mark.parametrize("text", ["salam", "aoa", "Assalam-o-Alaikum", "السلام علیکم", "slm bhai"])
def test_salam_is_marked_to_be_returned_in_kind(reader: ChatterReader, text: str) -> None:
    reading = reader.read(text)
    assert reading.kind == "greeting" and reading.salam


@pytest.mark.parametrize("text", ["hi", "good morning", "hey there"])
def test_other_greetings_are_not_salam(reader: ChatterReader, text: str) -> None:
    assert not reader.read(text).salam


@pytest.mark.parametrize(
    ("text", "kind"),
    [("👍", "acknowledgement"), ("🙏", "thanks"), ("❤️", "thanks"), ("👋🏽", "greeting")],
)
def test_emoji_alone(reader: ChatterReader, text: str, kind: str) -> None:
    assert reader.read(text).kind == kind


@pytest.mark.parametrize("text", ["???", "asdfgh", "qwerty", "jjjjjj", "ااااا", "."])
def test_mash_and_bare_punctuation_are_nonsense(reader: ChatterReader, text: str) -> None:
    assert reader.read(text).kind == "nonsense"


@pytest.mark.parametrize(
    "text",
    ["wifi", "parking?", "dumb question but where is lunch", "i need help with registration"],
)
def test_when_in_doubt_a_message_is_a_question(reader: ChatterReader, text: str) -> None:
    reading = reader.read(text)
    assert reading.question == text and not reading.is_chatter


def test_several_kinds_the_most_demanding_wins(reader: ChatterReader) -> None:
    assert reader.read("ok thanks").kind == "thanks"
    assert reader.read("thanks, bye").kind == "goodbye"
    assert reader.read("hello? anyone?").kind == "anyone_there"


@pytest.mark.parametrize(
    "text",
    [
        "i need to speak to someone from the team",
        "can I talk to someone from your organising team",
        "connect me to a human from the support desk",
    ],
)
def test_who_the_person_should_be_is_part_of_the_request(reader: ChatterReader, text: str):
    assert (reader.read(text).kind, reader.read(text).question) == ("ask_for_person", None)


@pytest.mark.parametrize(
    "text",
    [
        "talk to someone from the cloud panel",
        "i need to talk to someone from the team about my refund",
        "can someone from the ctf team check my flag",
        "can i talk to someone about volunteering",  # found in the held-out look, then fixed
    ],
)
def test_a_request_for_a_person_with_more_in_it_stays_a_question(reader: ChatterReader, text: str):
    assert reader.read(text).question == text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("this thing is garbage", "rudeness"),
        ("you're not helping at all", "rudeness"),
        ("why are you so dumb", "rudeness"),
        ("kia haal hy", "greeting"),
        ("السَّلَامُ عَلَيْكُمْ", "greeting"),
        ("hellow", "greeting"),
        ("helloooo??", "anyone_there"),
        ("bhai koi online hai?", "anyone_there"),
        ("am i talking to a bot", "anyone_there"),
        ("put me through to support", "ask_for_person"),
        ("admin se baat karao", "ask_for_person"),
        ("how does this bot work", "help"),
        ("mujhe samajh nahi aa raha ye kaise chalta hai", "help"),
        ("see ya tomorrow", "goodbye"),
        ("test 123", "anyone_there"),
        ("ضصثق", "nonsense"),
        ("🐸", "nonsense"),
    ],
)
def test_chatter_no_phrase_lists_is_read_word_by_word(
    reader: ChatterReader, text: str, kind: str
) -> None:
    assert (reader.read(text).kind, reader.read(text).question) == (kind, None)


@pytest.mark.parametrize(
    "text",
    [
        "how do I contact the organisers",  # contact details: the FAQ answers it
        "is there a human rights talk",  # "rights" is not a misspelt "right"
        "hall a kahan hai",  # "hall" squashes to "hal" (as in "kya haal")
        "what time is it",
        "i need to transfer my 401 k",  # "k" is "ok" alone, a letter in a sentence
        "can you tell me where i am",
        "thanks for the agenda but when is the ctf prize ceremony",
        "terrible wifi in hall b?",
    ],
)
def test_a_word_that_may_carry_a_question_keeps_it_a_question(
    reader: ChatterReader, text: str
) -> None:
    assert reader.read(text).question is not None


@pytest.mark.parametrize(
    "text",
    ["🕌?", "🅿️?", "🚻 ?", "🕌 ؟", "☕?", "🕌❓", "🅿️❔", "🚻？", "🍽️⏰❓", "📶❓❓", "🕌 ?!"],
)
def test_a_picture_asked_about_is_a_question(reader: ChatterReader, text: str) -> None:
    """An emoji with no chatter meaning and a question mark, in any of its forms (ASCII,
    Urdu, full-width, the emoji ❓ and ❔), names what they look for (the prayer room,
    parking): a question, even though the learned model has no words to read."""
    for read in (reader.read_by_rules, reader.read):
        reading = read(text)
        assert reading.question == text and not reading.is_chatter


@pytest.mark.parametrize(
    "text", ["👋 🕌❓", "👋🕌?", "🙋‍♂️ 🅿️？", "🙏 🚻❔", "hi 🕌❓", "salam, 🕌❓", "السلام علیکم 🕌؟"]
)
def test_a_picture_asked_about_after_chatter_is_a_question(
    reader: ChatterReader, text: str
) -> None:
    """Set 12 lost "👋 🕌❓": the greeting's emoji made the whole clause chatter."""
    for read in (reader.read_by_rules, reader.read):
        assert read(text).question is not None


@pytest.mark.parametrize("text", ["❓", "❔❔", "？", "hello❓", "👍❓", "ok❓", "thanks ❓"])
def test_the_emoji_question_marks_ask_as_the_typed_ones(reader: ChatterReader, text: str) -> None:
    """❓ alone is "?" alone (a hint, nothing asked), "hello❓" is "hello?"."""
    typed = text.replace("❓", "?").replace("❔", "?").replace("？", "?")
    assert reader.read(text).kind == reader.read(typed).kind
    assert reader.read(text).question is None


def test_a_time_is_no_clause_boundary(reader: ChatterReader) -> None:
    """ "1:30" is one time: cut at its colon, "lunch 1" was left asking something."""
    assert reader.read_by_rules("lunch 1:30 pe khatam, ye kya tareeqa hai").question is None
    reading = reader.read("lunch 1:30 pe hai? thanks")
    assert (reading.kind, reading.question) == ("thanks", "lunch 1:30 pe hai?")


@pytest.mark.parametrize(
    "text", ["khana khatam ho gaya", "chai khatam", "پانی ختم ہو گیا", "the coffee is finished"]
)
def test_a_thing_run_out_reported_plainly_stays_a_question(
    reader: ChatterReader, text: str
) -> None:
    """The organisers can restock: the learned model may not make a complaint of it."""
    assert reader.read(text).question is not None


@pytest.mark.parametrize(("text", "kind"), [("👍?", "acknowledgement"), ("🐸", "nonsense")])
def test_a_picture_with_a_meaning_or_no_question_mark_stays_chatter(
    reader: ChatterReader, text: str, kind: str
) -> None:
    assert (reader.read(text).kind, reader.read(text).question) == (kind, None)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A letter's opening, festive and patriotic wishes.
        ("Dear all", "greeting"),
        ("Respected organisers", "greeting"),
        ("محترم جناب", "greeting"),
        ("Eid Mubarak to all", "greeting"),
        ("jummah mubarak sir", "greeting"),
        ("happy independence day", "greeting"),
        ("عید مبارک", "greeting"),
        ("pakistan zindabad", "greeting"),
        ("پاکستان زندہ باد", "greeting"),
        # Praise of the event, in other words than the set's.
        ("amazing sessions today", "thanks"),
        ("well organised conference", "thanks"),
        ("zabardast intezam tha", "thanks"),
        ("بہترین انتظامات", "thanks"),
        ("the keynote on ransomware was brilliant", "thanks"),
        ("looking forward to the next edition", "thanks"),
        ("thank you, found it", "thanks"),
        ("found the parking, thanks", "thanks"),
        # Checking the line, asking for a reply.
        ("can anyone hear me", "anyone_there"),
        ("aap sun rahe hain?", "anyone_there"),
        ("reply please", "anyone_there"),
        ("jawab dein", "anyone_there"),
        ("جواب دیں", "anyone_there"),
        # Someone from a part of the organisers' side; a callback.
        ("I need to speak to someone from accreditation", "ask_for_person"),
        ("media team se baat karwa dein", "ask_for_person"),
        ("connect me to the security team", "ask_for_person"),
        ("please call me", "ask_for_person"),
        ("mujh se rabta karein, mera number 03211234567 hai", "ask_for_person"),
        ("my whatsapp is +92 300 1234567", "ask_for_person"),
        # A complaint with nothing asked.
        ("the sound is so bad", "rudeness"),
        ("ye kya jawab hai", "rudeness"),
        ("what kind of arrangement is this", "rudeness"),
        ("I asked something else", "rudeness"),
        ("maine kuch aur poocha tha", "rudeness"),
        # Sent by mistake, a bare start, "nothing".
        ("sorry wrong group", "nonsense"),
        ("galti se bhej diya", "nonsense"),
        ("oops", "nonsense"),
        ("sent by mistake, please ignore", "nonsense"),
        ("kuch nahi", "nonsense"),
        ("lets start", "help"),
        ("شروع کریں", "help"),
    ],
)
def test_set_nine_classes(reader: ChatterReader, text: str, kind: str) -> None:
    """The kinds of chatter the ninth blind set found missing, in other words than its own.

    The learned model keeps its veto: a few of these ("the keynote on ransomware was
    brilliant") use words no dev chatter has, and it still sends them on as questions."""
    assert (reader.read_by_rules(text).kind, reader.read_by_rules(text).question) == (kind, None)
    assert reader.read(text).kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "is the food vegetarian?",
        "what number do I call for registration?",
        "sound in Hall B?",
        "is the keynote good?",
        "best talks on ai security",
        "start time?",
        "when does it start",
        "registration kab band hogi",
        "need registration help",
        "talk to someone from the cloud panel",
        "security team ka number?",
        "Mubarak Ali ka session kab hai",
        "eid ki chutti hai?",
        "the food is good",
        "call for papers deadline",
        "I found a wallet in hall B",
        "what kind of system is this",
        "wrong room?",
        "I registered by mistake for two workshops, can I cancel one?",
        "jawab do ke lunch kab hai",
        "reply to my email about visa",
        "lunch ke baad kaunsa session hai",
        "is the sound very bad in hall b",
        "great event but where is the certificate",
        "which workshop was the best",
    ],
)
def test_set_nine_look_alikes_stay_questions(reader: ChatterReader, text: str) -> None:
    assert reader.read_by_rules(text).question is not None
    assert reader.read(text).question is not None


def test_a_callback_about_a_topic_asks_for_a_person(reader: ChatterReader) -> None:
    """A callback is the organisers' to give, whatever it is about; "talk to someone about
    volunteering" keeps its topic for the FAQ."""
    assert reader.read_by_rules("can someone call me about my registration?").kind == (
        "ask_for_person"
    )
    assert reader.read("can i talk to someone about volunteering").question is not None


def test_a_thing_volunteers_get_is_no_department(reader: ChatterReader) -> None:
    """ "get" reaches someone and volunteers are people, but a certificate is a thing."""
    text = "do volunteers get a certificate or just a thank you"
    assert reader.read_by_rules(text).question == text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A complaint: what went wrong at length (the attendee's own wait in a queue
        # included), then a judgement, nothing asked.
        (
            "The registration queue is a mess, I have been standing in line for 2 hours and"
            " nobody is helping. Very poor management.",
            "rudeness",
        ),
        (
            "Lunch was served an hour late and the hall was overcrowded, nobody was managing"
            " it. Very poor arrangements.",
            "rudeness",
        ),
        (
            "registration ki line do ghante se ruki hui hai aur koi guide nahi kar raha."
            " bohat bura intezam.",
            "rudeness",
        ),
        (
            "رجسٹریشن کی قطار دو گھنٹے سے رکی ہوئی ہے اور کوئی رہنمائی نہیں کر رہا۔"
            " انتظام بہت برا ہے",
            "rudeness",
        ),
        # Nobody answering right now: is anyone there?
        ("no one is answering", "anyone_there"),
        ("nobody is replying here", "anyone_there"),
        ("کوئی جواب نہیں دے رہا", "anyone_there"),
        ("koi reply nahi kar raha", "anyone_there"),
        # A person, reached by phone.
        ("kisi volunteer se phone pe baat karwa dein", "ask_for_person"),
        ("organiser se phone par baat karwa dein", "ask_for_person"),
        ("please connect me to an organiser on the phone", "ask_for_person"),
        ("کسی منتظم سے فون پر بات کروا دیں", "ask_for_person"),
        # A newcomer saying so, with or without a hello.
        ("hi, first time using this bot", "greeting"),
        ("first time using this", "greeting"),
        ("assalam o alaikum, pehli dafa use kar raha hun", "greeting"),
        ("السلام علیکم، پہلی بار استعمال کر رہا ہوں", "greeting"),
        # A question word alone, asked.
        ("kya??", "nonsense"),
        ("what??", "nonsense"),
        ("کیا؟", "nonsense"),
    ],
)
def test_set_ten_classes(reader: ChatterReader, text: str, kind: str) -> None:
    """The kinds of chatter the tenth blind set found missing, in other words than its own."""
    assert (reader.read_by_rules(text).kind, reader.read_by_rules(text).question) == (kind, None)
    assert (reader.read(text).kind, reader.read(text).question) == (kind, None)


@pytest.mark.parametrize(
    "text",
    [
        "no one is answering at the registration desk phone",
        "no one is answering the phone at the help desk?",
        "koi jawab nahi de raha registration desk ka phone",
        "phone pe baat ho sakti hai?",
        "registration desk ka phone number kya hai",
        "can I talk to an organiser on the phone about my visa?",
        "first time here?",
        "is this the first time this conference is held",
        "first time attendees",
        "what time??",
        "kya time??",
        "kyun??",
        "why?",
        "lunch?",
        "I have been waiting for two hours, where do I go?",
        "I have been standing in the queue for two hours",
        "waited 2 hours for my badge, ridiculous",
        "The registration process is a mess. Can I register online instead?",
        "The registration queue has been stuck for two hours. Where do I go instead?",
    ],
)
def test_set_ten_look_alikes_stay_questions(reader: ChatterReader, text: str) -> None:
    assert reader.read_by_rules(text).question is not None
    assert reader.read(text).question is not None


def test_a_bare_question_word_next_to_a_question_keeps_the_question(
    reader: ChatterReader,
) -> None:
    assert reader.read("what?? where is lunch").question == "where is lunch"


def test_someone_on_the_phone_may_be_a_call_to_make(reader: ChatterReader) -> None:
    """CLINC150's "i need to talk to someone on the phone" asks to place a call; only a
    person of the organisers' side, named, makes the phone a way to reach them."""
    assert reader.read("i need to talk to someone on the phone").question is not None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A reply awaited, said now (waiting, "any" reply, no reply asked why, going on or
        # still): is anyone there?
        ("any reply?", "anyone_there"),
        ("no reply yet", "anyone_there"),
        ("still waiting for a reply", "anyone_there"),
        ("why are you not replying", "anyone_there"),
        ("koi reply?", "anyone_there"),
        ("abhi tak intezar kar raha hun", "anyone_there"),
        ("aap jawab kyun nahi de rahe", "anyone_there"),
        ("abhi tak koi jawab nahi aya", "anyone_there"),
        ("جواب کا انتظار ہے", "anyone_there"),
        ("آپ جواب کیوں نہیں دے رہے", "anyone_there"),
        ("ابھی تک جواب نہیں آیا", "anyone_there"),
        # Timed, judged or about how well it answers, it stays a complaint.
        ("2 ghante se koi jawab nahi aya", "rudeness"),
        ("still no reply, pathetic", "rudeness"),
        ("why are you not replying properly", "rudeness"),
        # A number to reach SOME person of the organisers' side by.
        ("please give me the number of someone from the organising team", "ask_for_person"),
        ("kisi organiser ka number de dein", "ask_for_person"),
        ("کسی منتظم کا نمبر دے دیں", "ask_for_person"),
        # The same answer over and over.
        ("you keep giving the same answer", "rudeness"),
        ("same reply every time", "rudeness"),
        ("baar baar wohi jawab de rahe ho", "rudeness"),
        ("ہر بار وہی جواب", "rudeness"),
        # "You know nothing", in the other words for knowing.
        ("tujhe kuch maloom nahi", "rudeness"),
        ("آپ کو کچھ معلوم نہیں", "rudeness"),
        ("آپ کو کچھ نہیں پتا", "rudeness"),
    ],
)
def test_set_eleven_classes(reader: ChatterReader, text: str, kind: str) -> None:
    """The kinds of chatter the eleventh blind set found missing, in other words than its own."""
    assert (reader.read_by_rules(text).kind, reader.read_by_rules(text).question) == (kind, None)
    assert (reader.read(text).kind, reader.read(text).question) == (kind, None)


@pytest.mark.parametrize(
    "text",
    [
        "when will I get a reply to my email?",
        "reply kab tak aayega?",
        "registration ka jawab kab milega",
        "mujhe confirmation email ka reply nahi aya",
        "is there a waiting area",
        "waiting list for the workshop",
        "انتظار گاہ کہاں ہے",
        "still waiting for my certificate",
        "any response from NEPRA on the panel?",
        "any answer key for the ctf?",
        "is there any response time guarantee",
        "organisers ka number chahiye",
        "contact number of organisers?",
        "منتظمین کا نمبر کیا ہے؟",
        "kisi speaker ka number mil sakta hai?",
        "kisi doctor ka number de dein",
        "i need the number of someone in my team",
        "is the answer the same for students?",
        "same session again tomorrow?",
        "baar baar wifi disconnect ho raha hai",
        "ہر بار لنچ کہاں ہوتا ہے",
        "kya aap ko pata hai lunch kab hai",
        "mujhe nahi pata registration kaise karun",
        "کیا آپ کو پتا ہے نماز کہاں ہے",
    ],
)
def test_set_eleven_look_alikes_stay_questions(reader: ChatterReader, text: str) -> None:
    assert reader.read_by_rules(text).question is not None
    assert reader.read(text).question is not None


def test_a_reply_awaited_keeps_the_question_after_it(reader: ChatterReader) -> None:
    reading = reader.read("jawab nahi mila, refund kab hoga")
    assert (reading.kind, reading.question) == ("anyone_there", "refund kab hoga")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A problem stated, then "what arrangement (is this)", nothing asked.
        ("itni lambi line hai registration pe, kya intezam hai", "rudeness"),
        ("chai phir khatam ho gayi, kya tareeqa hai yaar", "rudeness"),
        ("لائن بہت لمبی ہے، کیا انتظام ہے", "rudeness"),
        ("the hall is so cold, what management", "rudeness"),
        # Nobody cares.
        ("لائن بہت لمبی ہے، کوئی پوچھنے والا نہیں", "rudeness"),
        ("line bohat lambi hai, koi puchne wala nahi", "rudeness"),
        ("the queue is not moving, nobody cares", "rudeness"),
        # Nobody ever answers (habitual, not "right now").
        ("koi jawab hi nahi deta yahan", "rudeness"),
        # Telling the bot to stop its buttons.
        ("stop sending me buttons", "rudeness"),
        ("buttons mat bhejo", "rudeness"),
        ("بٹن مت بھیجیں", "rudeness"),
        # A message meant for someone at home: the wrong chat.
        ("ammi main pohanch gaya hun, 6 baje tak aunga", "nonsense"),
        ("abbu main gate 2 pe hun", "nonsense"),
        ("امی میں پہنچ گیا ہوں", "nonsense"),
        ("mom I'm here", "nonsense"),
        # Keyboard mash beside words that ask nothing or nod.
        ("sdfg yar", "nonsense"),
        ("ok asdfgh", "nonsense"),
        ("bhai ضصثقف", "nonsense"),
        ("okkkkkkkkkkkkk kjh", "nonsense"),
        # Taking back what they meant to ask.
        ("never mind", "acknowledgement"),
        ("nvm", "acknowledgement"),
        ("koi baat nahi", "acknowledgement"),
        ("رہنے دیں", "acknowledgement"),
        # Pictures and typed smileys.
        (":)", "acknowledgement"),
        (":-)", "acknowledgement"),
        ("✌️", "goodbye"),
        ("🌙😴", "goodbye"),
        ("🤖?", "anyone_there"),
        ("👀?", "anyone_there"),
        ("📞👤", "ask_for_person"),
        ("☎️👨‍💼", "ask_for_person"),
        # "how are you" with more words after it.
        ("hi, how are you doing today?", "greeting"),
        ("how are you doing today sir", "greeting"),
        ("Very poor management. Extremely disappointed.", "rudeness"),
        # Everyday spellings: "sai" is "sahi", "agayi" is "aa gayi".
        ("sai hai", "acknowledgement"),
        ("acha ji samajh agayi", "acknowledgement"),
        # Until next year.
        ("it was a great event, see you next year inshallah", "goodbye"),
        ("agle saal milenge", "goodbye"),
        ("اگلے سال ملیں گے", "goodbye"),
    ],
)
def test_set_twelve_classes(reader: ChatterReader, text: str, kind: str) -> None:
    """The kinds of chatter the twelfth blind set found missing, in other words than its own."""
    assert (reader.read_by_rules(text).kind, reader.read_by_rules(text).question) == (kind, None)
    assert (reader.read(text).kind, reader.read(text).question) == (kind, None)


@pytest.mark.parametrize(
    "text",
    [
        "itni lambi line hai registration pe, kya intezam hai?",
        "parking ka kya intezam hai",
        "line lambi hai, parking ka kya intezam hai",
        "bohat garmi hai, paani ka kya intezam hai?",
        "وائی فائی نہیں چل رہا، کیا انتظام ہے؟",
        "what arrangements are there for lunch",
        "wifi nahi chal raha, password kya hai?",
        "wifi nahi chal raha, kya karun",
        "koi poochne wala hai registration desk pe?",
        "does anyone care to share the slides",
        "how do i stop the buttons",
        "can i choose other options for the workshop",
        "stop by the stall in hall b?",
        "is the hall band today",
        "ammi ke liye wheelchair chahiye",
        "abbu kahan hain, main gate pe hun",
        "mom and dad can come too?",
        "mama ko bhi la sakta hun?",
        "dsa workshop kab hai",
        "sdf kya hai",
        "never mind the badge, where is lunch",
        "koi baat nahi hui organisers se, refund kab hoga",
        "📞?",
        "👤 badge kahan milega",
        "how are you handling refunds",
        "how are you doing the registration",
        "wifi agaya?",
        "sai jagah kahan hai",
        "will we see you next year too?",
        "agle saal bhi conference hogi?",
    ],
)
def test_set_twelve_look_alikes_stay_questions(reader: ChatterReader, text: str) -> None:
    assert reader.read_by_rules(text).question is not None
    assert reader.read(text).question is not None
