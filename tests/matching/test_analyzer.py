"""The analyzer: Roman Urdu verb forms, texting shorthand and idioms become shared terms."""

from __future__ import annotations

import pytest

from bot.matching.analyzer import Analyzer
from bot.matching.lexicon import VERB_FORM_EXCEPTIONS, VERB_ROOTS, verb_forms


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.mark.parametrize(
    ("word", "meaning"),
    [
        ("bolengi", "speak"),  # will speak (feminine plural)
        ("bolta", "speak"),
        ("rakhne", "keep"),
        ("chalti", "run"),
        ("dikhana", "show"),
        ("aayega", "come"),
        ("pohanchun", "arrive"),
    ],
)
def test_a_conjugated_roman_urdu_verb_means_its_root(analyzer, word, meaning):
    assert analyzer.terms(word) == analyzer.terms(meaning)


@pytest.mark.parametrize("word", ["parega", "sakun", "krwa", "karwana", "bataun", "jayegi"])
def test_helper_verb_forms_are_filler(analyzer, word):
    assert analyzer.analyse(word) == ((word, True),)
    assert analyzer.terms(word) == []


@pytest.mark.parametrize("word", ["late", "party", "lane"])
def test_english_words_that_look_like_verb_forms_keep_their_meaning(analyzer, word):
    assert analyzer.analyse(word)[0][1] is False  # not filler
    assert analyzer.terms(word) not in (["bring"], [])


def test_hand_written_lexicon_entries_win_over_generated_forms(analyzer):
    # "jana" is "go" in the lexicon even though the "ja" root's forms are filler
    # ("mil jayega": it will be available, not "it will go").
    assert analyzer.terms("venue jana") == analyzer.terms("venue go")
    assert analyzer.terms("mil jayega") == []  # "get" is filler too


def test_every_generated_form_is_long_enough_and_not_an_exception():
    forms = verb_forms()
    assert forms, "the verb table generates forms"
    assert all(len(form) >= 3 for form in forms)
    assert not set(forms) & VERB_FORM_EXCEPTIONS
    assert all(forms[root] == VERB_ROOTS[root] for root in ("bol", "rakh") if root in forms)


def test_going_coming_and_reaching_a_place_are_one_term(analyzer):
    terms = {
        frozenset(analyzer.terms(q))
        for q in (
            "venue kaise jaun",
            "venue kaise aaun",
            "venue kaise pohanchun",
            "how to reach venue",
            "how to go to the venue",
            "how do I come to the venue",
            "وینیو کیسے پہنچوں",
        )
    }
    assert len(terms) == 1


def test_left_behind_idiom_means_lost(analyzer):
    assert "lost" in analyzer.terms("mera charger kahin reh gaya")
    assert "lost" in analyzer.terms("میرا بیگ ہال میں رہ گیا")


@pytest.mark.parametrize(
    ("shorthand", "word"),
    [("whr", "where"), ("dwnld", "download"), ("tmrw", "tomorrow")],
)
def test_texting_shorthand(analyzer, shorthand, word):
    assert analyzer.terms(shorthand) == analyzer.terms(word)


def test_connectives_and_particles_are_filler(analyzer):
    assert analyzer.terms("because somewhere anymore k tak wahan") == []
    assert analyzer.terms("what should i refer to you as") == ["refer"]


@pytest.mark.parametrize(
    ("everyday", "english"),
    [
        ("seedhiyan kahan hain", "where are the stairs"),
        ("sasta hotel", "cheap hotel"),
        ("kitne rupay", "much rupees"),
        ("baarish ho to", "if rain"),
        ("talib ilm discount", "student ilm discount"),
        ("daftar", "office"),
        ("سیڑھی", "stairs"),
        ("jootay utarne parenge", "shoes utarne parenge"),
    ],
)
def test_everyday_roman_urdu_and_urdu_words_read_as_english(analyzer, everyday, english):
    assert sorted(analyzer.terms(everyday)) == sorted(analyzer.terms(english))


@pytest.mark.parametrize(
    ("american", "british"),
    [
        ("organizer", "organiser"),
        ("organizers", "organisers"),
        ("analyzing", "analysing"),
        ("authorization", "authorisation"),
        ("center", "centre"),
        ("defense", "defence"),
        ("favorite", "favourite"),
        ("enrollment", "enrolment"),
    ],
)
def test_american_and_british_spellings_are_one_term(analyzer, american, british):
    assert analyzer.terms(american) == analyzer.terms(british)


@pytest.mark.parametrize("word", ["prize", "size", "seize", "citizen"])
def test_words_that_only_look_american_are_left_alone(analyzer, word):
    assert analyzer.terms(word) == [analyzer._stemmer.stemWord(word)]


@pytest.mark.parametrize(
    ("attendee_word", "organiser_word"),
    [
        ("presenter", "speaker"),
        ("when does it kick off", "when does it start"),
        ("when does day 2 wrap up", "when does day 2 end"),
        ("loo", "washroom"),
        ("how do i reach out to the organisers", "how do i contact the organisers"),
        ("any lectures on ai", "any talks on ai"),
        ("canteen", "food"),
    ],
)
def test_everyday_english_words_meet_the_organisers_words(analyzer, attendee_word, organiser_word):
    assert analyzer.terms(attendee_word) == analyzer.terms(organiser_word)


def test_an_organiser_synonym_keeps_a_word_the_lexicon_leaves_alone():
    # "naya" is "beginner" in the sample content's CTF synonyms; the lexicon does not
    # translate it to "new", which would make every "new" a beginner.
    analyzer = Analyzer([["beginner", "newbie", "naya"]])
    assert analyzer.terms("naya hun") == analyzer.terms("beginner")
    assert analyzer.terms("new date") != analyzer.terms("beginner date")


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("arriving around 11am", "11h00"),
        ("hall b 3pm", "15h00"),
        ("lunch at 12:30 PM", "12h30"),
        ("12am", "00h00"),
        ("starts 16:15", "16h15"),
    ],
)
def test_clock_times_are_one_term_whichever_way_they_are_written(analyzer, question, term):
    assert term in analyzer.terms(question)


def test_going_on_and_coming_up_ask_about_the_programme(analyzer):
    assert analyzer.terms("is anything going on in hall b") == ["happen", "hall", "b"]
    assert analyzer.terms("whats coming up") == ["next"]
    assert analyzer.terms("kitne baje") == ["when"]


def test_phrases_are_read_as_typed_before_translation(analyzer):
    # "going" reads as arriving, but only the typed "going on" is the programme.
    assert analyzer.terms("i arrive on monday") == analyzer.terms("i arrive monday")
    assert "happen" not in analyzer.terms("we reach on tuesday")


@pytest.mark.parametrize(
    ("forms", "lemma"),
    [
        (["does", "did", "doing", "done"], "do"),
        (["am", "are", "was", "were", "be", "been", "being"], "is"),
        (["has", "had", "having"], "have"),
    ],
)
def test_auxiliary_verbs_are_one_filler_term_each(forms, lemma):
    # Filler weighs by how few entries use it: "does" in two phrasings must not count as a
    # rare word next to "do" in fifty.
    analyzer = Analyzer()
    expected = analyzer.analyse(lemma)
    for form in forms:
        assert analyzer.analyse(form) == expected


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("the workshop is sold out", ["workshop", "full"]),
        ("hotel close to the venue", ["hotel", "near", "venu"]),
        ("registration will close soon", ["registr", "close", "soon"]),
        ("tabiyat kharab hai", ["health", "bad"]),
        ("طبیعت خراب ہے", ["health", "bad"]),
    ],
)
def test_everyday_phrases_and_words(text, terms):
    assert Analyzer().terms(text) == terms


def test_a_derived_synonym_meets_only_itself_and_its_plural():
    analyzer = Analyzer(
        [
            ["slides", "presentation", "deck"],
            ["workshop", "training", "hands-on session"],
            ["register", "registration", "sign up"],
        ]
    )
    assert analyzer.terms("will the presentations be shared") == ["slide", "share"]
    assert analyzer.terms("training kab hai") == ["workshop", "when"]
    assert analyzer.terms("any hands-on sessions") == ["workshop"]
    # The stem of a derived member is another word, which keeps its own meaning.
    assert analyzer.terms("can i present my research") == ["present", "research"]
    assert analyzer.terms("train ticket") == ["train", "ticket"]
    press = Analyzer([["media", "press", "reporter"]])
    assert press.terms("reporters") == ["media"]
    assert press.terms("reporting harassment") == ["report", "harass"]


def test_a_base_synonym_still_meets_its_word_forms():
    analyzer = Analyzer([["register", "registration", "sign up"], ["book", "reserve"]])
    for text in ("registering", "registered", "registrations", "signing up", "signed up"):
        assert analyzer.terms(text) == ["regist"], text
    assert analyzer.terms("reserved a seat") == ["book", "seat"]
    assert analyzer.terms("bookings") == ["book"]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("kitne din ki conference hai", ["day", "confer"]),  # how many days, not a price
        ("kitne paise lagenge", ["much", "fee"]),
        ("organisers mein kis se baat karun", ["organis", "contact"]),
    ],
)
def test_roman_urdu_phrases(text, terms):
    assert Analyzer().terms(text) == terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("talk about hackers", ["talk", "attack"]),
        ("can i use chatgpt", ["use", "ai"]),
        ("session on fake news", ["session", "disinform"]),
    ],
)
def test_conference_topics_in_everyday_words(text, terms):
    assert Analyzer().terms(text) == terms
