"""The rule fixes 1-12 found by the fourth labelled set (tests/data/edits_labelled_holdout3.toml,
written blind; issue 14 item 7), analyser version 4: for each, a pair the fix types right (each
seen failing on the rules before it) and one the widened rule must not fire on. Sentences are
our own, made up."""

from __future__ import annotations

from newsdiff.diff import Document
from newsdiff.diff.cues import hedges, quantities
from newsdiff.diff.edits import analyse
from tests.diff.rule_helpers import edits_of, sources, typed

# 1: a weekday in a sentence with no digit and no number word is still looked for.


def test_1_a_weekday_changed_without_digits() -> None:
    got = edits_of(
        ["The vigil is on Tuesday in Pell Square."], ["The vigil is on Friday in Pell Square."]
    )
    assert typed(got, "number") == [("changed", "Tuesday", "Friday")]


def test_1_must_not_type_a_weekday_that_comes() -> None:
    got = edits_of(
        ["The vigil was held in Pell Square."], ["The vigil was held in Pell Square on Friday."]
    )
    assert typed(got, "number") == []


# 2: a month named alone after a preposition is a date.


def test_2_a_lone_month_changed() -> None:
    got = edits_of(
        ["The ferry will sail again by the end of May, the operator said."],
        ["The ferry will sail again by the end of July, the operator said."],
    )
    assert typed(got, "number") == [("changed", "May", "July")]


def test_2_must_not_take_a_name_for_a_month() -> None:
    assert quantities("Theresa May spoke to April Rees.") == []
    got = edits_of(["Ms May spoke to the crew."], ["Ms June Orr spoke to the crew."])
    assert typed(got, "number") == []
    # a month that comes was routine timing here, as a weekday is; since analyser version 8
    # it is a date given (nine blind labels asked for it: test_edit_rules_real_prose.py)
    got = edits_of(["The mill closed."], ["The mill closed in March."])
    assert typed(got, "number") == [("added", "", "March")]
    got = edits_of(["The mill closed."], ["The mill closed on Monday."])
    assert typed(got, "number") == []


# 3: ordinal words, and "twice" -> "three times".


def test_3_ordinals_and_times() -> None:
    got = edits_of(
        ["The club won the cup for the second time, and Ada Ruiz scored twice."],
        ["The club won the cup for the third time, and Ada Ruiz scored three times."],
    )
    assert typed(got, "number") == [
        ("changed", "second", "third"),
        ("changed", "twice", "three times"),
    ]


def test_3_must_not_type_an_ordinal_that_comes() -> None:
    got = edits_of(
        ["The fault was reported in the spring."], ["The fault was first reported in the spring."]
    )
    assert typed(got, "number") == []
    assert [q.unit for q in quantities("a third of the staff")] == ["fraction"]


# 4: a headline below the link threshold with one quantity on each side.


def test_4_a_reworded_headline_with_its_count_changed() -> None:
    got = analyse(
        Document("Flooding in Marr: two missing", ["Rain fell."]),
        Document("Marr floods: search for five people goes on", ["Rain fell."]),
    ).edits
    assert [(e.kind, e.change, e.old, e.new) for e in got if e.kind == "number"] == [
        ("number", "changed", "two", "five")
    ]


def test_4_must_not_type_a_count_of_a_new_angle() -> None:
    got = analyse(
        Document("Marr water supply restored", ["Rain fell."]),
        Document("Marr residents face third day without water", ["Rain fell."]),
    ).edits
    assert typed(got, "number") == []
    got = analyse(
        Document("Flooding in Marr: two missing", ["Rain fell."]),
        Document("Marr floods: five found, 20 homes empty", ["Rain fell."]),
    ).edits
    # two quantities on one side: which one carried over? None: since analyser version 7 the
    # numbers of a headline rewritten whole are typed as gone and come, unpaired (four blind
    # sets label them; tests/diff/test_edit_rules_v7.py)
    assert typed(got, "number") == [
        ("removed", "two", ""),
        ("added", "", "five"),
        ("added", "", "20"),
    ]


# 5: "It is understood" opening a sentence.


def test_5_it_is_understood_capitalised() -> None:
    got = edits_of(
        ["The club has agreed a fee for the winger."],
        ["It is understood the club has agreed a fee for the winger."],
    )
    assert [(e.change, e.detail["markers"]) for e in got if e.kind == "certainty"] == [
        ("softer", ["it is understood"])
    ]


def test_5_must_not_take_a_plain_it_is() -> None:
    assert hedges("It is clear the club agreed a fee.") == []


# 6: a headline's "set to" without "is".


def test_6_set_to_in_a_headline() -> None:
    got = analyse(
        Document("Keeper signs for Borneda", ["A text."]),
        Document("Keeper set to sign for Borneda", ["A text."]),
    ).edits
    assert [(e.change, e.new) for e in got if e.kind == "certainty"] == [("softer", "set to sign")]


def test_6_must_not_take_a_setting_for_a_hedge() -> None:
    assert hedges("A poem set to music by Ann Holt.") == []
    assert hedges("Thermostats set to 20C save money.") == []


# 7: a projection closing its clause names its source.


def test_7_projected_at_the_end() -> None:
    assert sources("Ms Ortiz won the race, the Tarn Election Board projected.") == [
        "Tarn Election Board"
    ]


def test_7_must_not_take_a_prediction_with_an_object() -> None:
    assert sources("Economists had predicted a smaller rise.") == []
    assert sources("The rise was larger than predicted.") == []


# 8: of/for/and inside a name after "according to".


def test_8_a_name_with_for_inside() -> None:
    # (since analyser version 7 the body whose figures they are, "according to figures
    # from the tracking firm Boxline" being Boxline; the key, "statistics", is as before)
    assert sources("Prices rose, according to figures from the Office for Farm Statistics.") == [
        "Office for Farm Statistics"
    ]


def test_8_must_not_run_on_into_lower_case() -> None:
    assert sources("Prices rose, according to figures from the Office for the first time.") == [
        "Office"
    ]


# 9: two clauses between a name opening its sentence and the verb.


def test_9_two_clauses_before_the_verb() -> None:
    got = edits_of(
        ["Mr Rhee, 61, who has kept the bakery for 30 years, said he would stay."],
        ["Mr Rhee, who has kept the bakery for many years, said he would stay."],
    )
    assert typed(got, "source") == []
    assert sources("Mr Rhee, 61, who has kept the bakery for 30 years, said he would stay.") == [
        "Mr Rhee"
    ]


def test_9_must_not_take_a_body_inside_a_clause() -> None:
    text = "Ivo Lund, head of sales at Arden Foods, Drinks, and Hotels, said sales fell."
    assert "Arden Foods" not in sources(text)


# 10: an address's town and a plea are not sources.


def test_10_address_and_plea() -> None:
    assert sources("Karl Hess, 47, of Mill Lane, Upton, denies six counts of theft.") == []
    assert sources("Karl Hess, 47, denied a charge of arson.") == []
    assert sources("Karl Hess, of Mill Lane, Upton, said he was innocent.") == ["Karl Hess"]


def test_10_must_not_drop_a_denial_or_an_appositive() -> None:
    assert sources("The firm denied the claims.") == ["firm"]
    assert sources("Ann Roe, of Mill Lane, Upton, told the court she saw him.") == ["Ann Roe"]
    assert sources("The head of Upton Museum, Dr Ann Roe, said it would open.") == ["Dr Ann Roe"]


# 11: "more then 200" -> "more than 200" is a typo fixed, not a quantity changed.


def test_11_a_misspelt_qualifier() -> None:
    got = edits_of(
        ["The fair has more then 200 stalls in 12 fields."],
        ["The fair has more than 200 stalls in 14 fields."],
    )
    assert typed(got, "number") == [("changed", "12", "14")]
    assert sorted(e.kind for e in got) == ["number", "trivial"]


def test_11_must_not_hide_a_changed_number() -> None:
    got = edits_of(["The fair has more then 200 stalls."], ["The fair has more than 250 stalls."])
    assert typed(got, "number") == [("changed", "more then 200", "more than 250")]


# 12: a spacing fix beside a changed quotation.


def test_12_spacing_fixed_beside_a_changed_quote() -> None:
    got = edits_of(
        ['The curator , Bo Lin, called the show "the finest we have ever hung".'],
        ['The curator, Bo Lin, called the show "the finest we have hung".'],
    )
    assert [e.kind for e in got] == ["trivial", "quote"]
    assert typed(got, "trivial") == [("changed", "curator ,", "curator,")]


def test_12_must_not_take_spacing_inside_the_quote() -> None:
    got = edits_of(
        ['The curator, Bo Lin, called the show "the finest we  have ever hung".'],
        ['The curator, Bo Lin, called the show "the finest we have hung".'],
    )
    assert typed(got, "trivial") == []


# The cost: lone months, ordinal words and "twice" are looked for only in a pair where one of
# their words changed. Looking for them in every pair gives the same edits.


class _Everything:
    def __rand__(self, other: object) -> set[str]:
        return {"twice"}


def test_words_looked_for_only_when_changed_give_the_same_edits(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from newsdiff.diff import edits as edits_module

    from .edits_scoring import LABELLED_FILES, documents, load

    pairs = load(*LABELLED_FILES)
    fast = [analyse(*documents(p)).edits for p in pairs]
    monkeypatch.setattr(edits_module, "WORD_QUANTITIES", _Everything())
    assert fast == [analyse(*documents(p)).edits for p in pairs]
