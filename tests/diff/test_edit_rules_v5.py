"""The rule fixes found by the fifth labelled set (tests/data/edits_labelled_holdout4.toml,
written blind; issue 14 item 7): for each, a case the fix gets right (each seen failing on the
rules before it) and one the widened rule must not fire on. Sentences are our own, made up,
and none is a sentence of the labelled set."""

from __future__ import annotations

from newsdiff.diff.cues import attributions
from tests.diff.rule_helpers import edits_of, typed


def sources(text: str) -> list[str]:
    return [a.name for a in attributions(text)]


def keys(text: str) -> list[str]:
    return [a.key for a in attributions(text)]


# 1: "..., said X": what stands before the comma is not a source, and the thousands of a
# number ("3,000 ..., said") open no clause.


def test_1_nothing_before_an_inverted_verb() -> None:
    assert sources("The mill will shed 2,400 jobs, said Anna Kessel, its owner.") == ["Anna Kessel"]
    assert keys("Rain closed the pier at Holme, said a coastguard officer.") == ["officer"]
    text = "About 1,500 homes lost power in Dunmere overnight, said the utility."
    assert keys(text) == ["utility"]


def test_1_must_keep_a_clause_between_commas() -> None:
    assert keys("Ms Orme, who chairs the board, said the vote was fair.") == ["orme"]
    assert keys("Officials, speaking after the meeting, said talks would go on.") == ["official"]


# 2: "said Capt. Ada Lund of the harbour authority": an abbreviated title inside the name.


def test_2_an_abbreviated_title_inside_an_inverted_name() -> None:
    text = "Two boats sank, said Lt. Col. Ada Lund of the harbour authority."
    assert keys(text) == ["lund"]
    got = edits_of(
        [text, "Nobody was hurt."], [text, "Nobody was hurt, Lund said.", "The port is shut."]
    )
    assert typed(got, "source") == []


def test_2_must_not_run_past_the_end_of_the_name() -> None:
    assert keys("The pier reopened, said Capt. Lund.") == ["lund"]


# 3: a finding verb ("announced", "reported") that ends its clause, or goes on with where it
# was said ("on Facebook", "at the meeting"), is a reporting verb.


def test_3_announced_and_reported_ending_a_clause() -> None:
    assert keys("Tolley Town have sold their ground, the club announced.") == ["club"]
    assert keys("The smelter will close, Bloomberg reported on Tuesday.") == ["bloomberg"]
    assert keys("The fair is off, the organisers announced on Twitter.") == ["organiser"]
    got = edits_of(["Dole Farm will close."], ["Dole Farm will close, its owners announced."])
    assert typed(got, "source") == [("added", "", "its owners")]


def test_3_must_not_take_an_announcement_with_an_object() -> None:
    assert sources("The mayor announced the winners of the poetry prize.") == []
    assert sources("The theft was reported to police on Friday.") == []


# 4: a verb of finding or prediction that closes its clause after a longer source
# ("analysts at Hale Partners have predicted.").


def test_4_a_prediction_after_a_source_with_of_or_at() -> None:
    text = "Fares could rise by 6%, economists at Brant Capital have predicted."
    assert keys(text) == ["capital"]


def test_4_must_not_take_a_prediction_with_an_object() -> None:
    assert sources("Economists at Brant Capital predicted a fall in fares.") == []


# 6: a source with a relative clause and no commas before its verb ("an official who asked
# not to be named told the Echo").


def test_6_a_relative_clause_before_the_verb() -> None:
    text = "The depot will close, a manager who asked not to be named told the Echo."
    assert keys(text) == ["manager"]
    text = "People who have seen the draft said it was short."
    assert keys(text) == ["people"]


def test_6_must_not_take_the_subject_of_a_relative_clause_that_says() -> None:
    assert sources("The woman who said she saw the crash has not come forward.") == []
    assert sources("The man who lived there was arrested.") == []


# 7: a name with three comma clauses before "said".


def test_7_three_clauses_before_the_verb() -> None:
    text = "Ola Brandt, 44, a baker, who has run the shop since 2010, said trade was slow."
    assert sources(text) == ["Ola Brandt"]


def test_7_must_take_the_name_once() -> None:
    assert keys("Ola Brandt, 44, a baker, said trade was slow.") == ["brandt"]
    assert keys("The baker, Ola Brandt, 44, said trade was slow.") == ["brandt"]


# 8: two sources joined by "and" before one verb.


def test_8_two_sources_before_one_verb() -> None:
    assert keys("The line is shut, police and Network Rail said.") == ["police", "rail"]
    assert keys("The line is shut, the coastguard and the RNLI said.") == ["coastguard", "rnli"]
    got = edits_of(
        ["The line is shut, police and the fire service said."],
        ["The line is shut, police said."],
    )
    assert typed(got, "source") == [("removed", "fire service", "")]


def test_8_must_not_split_a_name_with_and() -> None:
    assert keys("He sold the car and said he was sorry.") == []
    assert keys("The road is shut, Devon and Cornwall Police said.") == ["police"]
    assert keys("Sales fell, Marks and Spencer said.") == ["spencer"]
    assert keys("Fans cheered and the club said it was proud.") == ["club"]


# 9: "testified before the committee": an appearance, not a statement.


def test_9_testified_with_what_was_said() -> None:
    assert keys("The officer testified that the door was locked.") == ["officer"]
    assert keys("The door was locked, the officer testified.") == ["officer"]


def test_9_must_not_take_an_appearance_for_a_source() -> None:
    assert sources("The governor testified before the panel on Monday.") == []


# 10: "said Ada Lee's father" with a curly or a straight apostrophe: the same source, a
# relative named by whose relative he is.


def test_10_a_relative_after_an_inverted_verb() -> None:
    curly = "“He was kind,” said Ada Lee’s father, Tom."
    straight = '"He was kind," said Ada Lee\'s father, Tom.'
    assert keys(curly) == keys(straight) == ["father"]
    got = edits_of([curly], [straight])
    assert typed(got, "source") == []


def test_10_must_not_take_a_relative_as_a_plain_word() -> None:
    assert keys("‘We will appeal,’ said Ada Lee’s lawyer.") == ["lawyer"]
    assert keys("Her father ran the shop for 30 years.") == []
