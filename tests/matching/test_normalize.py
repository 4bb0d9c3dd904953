from __future__ import annotations

from bot.matching.analyzer import Analyzer
from bot.matching.normalize import fold, squash


def test_arabic_keyboard_letters_fold_to_urdu():
    assert fold("رجسٹريشن كب بند هوگی") == fold("رجسٹریشن کب بند ہوگی")


def test_diacritics_tatweel_and_urdu_digits_are_removed():
    assert fold("نَماز") == fold("نماز")
    assert fold("نمـــاز") == fold("نماز")
    assert fold("۱۶ فروری") == "16 فروری"


def test_case_punctuation_and_accents():
    assert fold("What's   the WI-FI password?? Café") == "whats the wi fi password cafe"


def test_doubled_letters_collapse_for_roman_urdu_spellings():
    assert squash("kahaan") == squash("kahan") == "kahan"


def test_roman_urdu_and_urdu_question_words_map_to_english():
    analyzer = Analyzer()
    english = analyzer.terms("when does registration close")
    assert analyzer.terms("registration kab band hogi") == ["registr", "when", "close"]
    assert analyzer.terms("رجسٹریشن کب بند ہوگی") == ["registr", "when", "close"]
    assert set(analyzer.terms("registration kb band hogi")) == set(english)
    assert analyzer.terms("kahaan") == analyzer.terms("kidhar") == ["where"]
    assert analyzer.terms("kaun") == analyzer.terms("kon") == ["who"]


def test_filler_is_dropped_but_question_words_kept():
    analyzer = Analyzer()
    assert analyzer.terms(
        "Hi, quick question: can you tell me where the prayer room is please?"
    ) == ["where", "prayer", "room"]


def test_word_forms_share_a_stem():
    analyzer = Analyzer()
    assert analyzer.terms("workshops") == analyzer.terms("workshop")
    assert analyzer.terms("speakers") == analyzer.terms("speaker")


def test_organiser_synonyms_including_phrases():
    analyzer = Analyzer([["wifi", "wi-fi", "internet"], ["prayer room", "namaz ki jagah"]])
    assert analyzer.terms("internet") == analyzer.terms("Wi-Fi") == analyzer.terms("wifi")
    assert analyzer.terms("prayer room") == analyzer.terms("namaz ki jagah")


def test_a_word_claimed_by_two_groups_keeps_its_first_meaning():
    analyzer = Analyzer([["fee", "cost"], ["price", "costs", "charge"]])
    assert analyzer.terms("cost") == analyzer.terms("costs") == analyzer.terms("fee")
    assert analyzer.terms("charge") == analyzer.terms("price")
    assert [c[0] for c in analyzer.synonym_conflicts] == ["costs"]


def test_a_derived_member_and_a_base_member_of_one_stem_do_not_clash():
    # "charging" as written belongs to the battery; "charge" and its forms to the fee.
    analyzer = Analyzer([["fee", "charge"], ["battery", "charging", "chargers"]])
    for text in ("charge", "charges", "charged"):
        assert analyzer.terms(text) == analyzer.terms("fee"), text
    for text in ("charging", "chargers", "charger"):
        assert analyzer.terms(text) == analyzer.terms("battery"), text
    assert not analyzer.synonym_conflicts


def test_loanwords_in_urdu_script_share_consonants_with_english():
    from bot.matching.normalize import consonant_skeleton

    assert consonant_skeleton("چارجنگ") == consonant_skeleton("charging")
    assert consonant_skeleton("کارنر") == consonant_skeleton("corner")
    assert consonant_skeleton("پارکنگ") == consonant_skeleton("parking")


def test_clock_times_are_one_term_not_two_numbers():
    analyzer = Analyzer()
    assert analyzer.terms("results at 16:15, doors 9.30") == ["result", "16h15", "door", "9h30"]
    # So a sum with a 15 in it does not match every answer that lists times.
    assert "15" not in analyzer.terms("final runs 14:00 to 16:15")
    assert analyzer.terms("whats 15 times 17") == ["15", "time", "17"]


def test_urdu_plural_and_oblique_forms_find_their_base_word():
    analyzer = Analyzer()
    assert analyzer.terms("ورکشاپوں کی فہرستیں") == ["workshop", "list"]
    assert analyzer.terms("کمرے") == analyzer.terms("کمرہ") == ["room"]
    assert analyzer.terms("گاڑیوں") == ["car"]
    # An unknown word keeps its own spelling rather than losing an ending it never had.
    assert analyzer.terms("اسلام آباد") == ["اسلام", "اباد"]
