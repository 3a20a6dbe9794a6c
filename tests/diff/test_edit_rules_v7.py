"""Rule fixes of analyser version 7. The first ones come from reading what attributions()
finds in 90 sentences of real reporting (../shared/corpora/extraction-aeb, a random sample of
those with a reporting verb; the corpus itself stays out of the tree): words that are no
source were taken for one. Each case here is seen failing on the rules before it; sentences
are our own, made up."""

from __future__ import annotations

from newsdiff.diff import Document
from newsdiff.diff.cues import attributions, hedges, is_stamp, quantities
from newsdiff.diff.edits import Edit, analyse
from newsdiff.diff.sentences import split_sentences
from tests.diff.rule_helpers import edits_of, sources, typed

# An adverb between a pronoun and its verb was the source's name: "He has always denied"
# gave the source "always", so a version dropping the adverb lost a source.


def test_an_adverb_before_the_verb_is_no_source() -> None:
    assert sources("He has always denied the allegations.") == []
    assert sources("The minister has always said the plan would work.") == ["minister"]
    assert sources("She has repeatedly denied any wrongdoing, her lawyer said.") == ["her lawyer"]
    got = edits_of(
        ["He has always denied the allegations against him, which date from 2019."],
        ["He has denied the allegations against him, which date from 2019."],
    )
    assert typed(got, "source") == []


# A notice's heading with "added" ("Correction added 18 Nov:") read as "X added".


def test_a_notice_heading_is_no_source() -> None:
    assert sources("Correction added 18 Nov: The caption named the wrong officer.") == []
    assert sources("Update added at 14:00: The council has now replied.") == []
    assert sources("Editor's note added: This piece was first published in May.") == []
    # a body that adds something still is one
    assert sources("The council added that the road would reopen on Monday.") == ["council"]


# A contracted pronoun ("Let's say", "We've said") read as a name.


def test_a_contracted_pronoun_is_no_source() -> None:
    assert sources("Let's say the plan works, and costs fall.") == []
    assert sources("We've said this before: the bridge needs repair.") == []
    assert sources("They've told the court the payments were gifts.") == []


# Digits inside a name ("G7", "MP3", "A380", "RAV4", "PM2.5", a short link's code) were read
# as quantities: a version that wrote "the G20" for "the G7" had a number changed. In the
# corpus's 7,742 sentences, 154 lose such a quantity and none gains one.


def test_digits_glued_to_a_latin_letter_are_no_quantity() -> None:
    def found(text: str) -> list[str]:
        return [q.text for q in quantities(text)]

    assert found("G7 leaders met the A380's makers and PM2.5 levels rose.") == []
    assert found("Sales of the RAV4 rose 12% to £1.2bn, up from 1,050 in 2019.") == [
        "12%",
        "£1.2bn",
        "1,050",
        "2019",
    ]
    assert found("US$5bn") == ["$5bn"]
    # a number right after a Chinese or Japanese character still is one
    assert found("死者は15人に増えた") == ["15"]
    got = edits_of(
        ["Leaders of the G7 met in Halden on Friday to discuss 40 proposals."],
        ["Leaders of the G20 met in Halden on Friday to discuss 40 proposals."],
    )
    assert typed(got, "number") == []


# The seventh labelled set (tests/data/edits_labelled_holdout6.toml, written blind: US wire and
# British styles) found the gaps below; each test is seen failing on the rules before it.


def test_a_wire_slug_is_no_headline_or_number_edit() -> None:
    def headline_edits(old: str, new: str) -> list[tuple[str, str, str, str]]:
        same = ["The recall covers cars built in 2024."]
        got = analyse(Document(old, same), Document(new, same)).edits
        return [(e.kind, e.change, e.old, e.new) for e in got]

    assert (
        headline_edits("UPDATE 1-Osterby recalls 9,000 vans", "UPDATE 2-Osterby recalls 9,000 vans")
        == []
    )
    assert (
        headline_edits("Osterby recalls 9,000 vans", "EXCLUSIVE-Osterby recalls 9,000 vans") == []
    )
    # what follows the slug still counts, its spans past the slug
    got = headline_edits(
        "UPDATE 1-Osterby recalls 9,000 vans", "UPDATE 2-Osterby recalls 12,000 vans"
    )
    assert got == [
        (
            "headline",
            "changed",
            "UPDATE 1-Osterby recalls 9,000 vans",
            "UPDATE 2-Osterby recalls 12,000 vans",
        ),
        ("number", "changed", "9,000", "12,000"),
    ]


def test_times_of_day_ranges_and_factors_are_quantities() -> None:
    def units(text: str) -> list[tuple[str, str]]:
        return [(q.text, q.unit) for q in quantities(text)]

    # an hour with am/pm, a named time, all on the 24-hour clock
    assert units("from 9pm until midnight, then 11 a.m. and 21:30") == [
        ("9pm", "time:21:00"),
        ("midnight", "time:00:00"),
        ("11 a.m.", "time:11:00"),
        ("21:30", "time:21:30"),
    ]
    got = edits_of(
        ["The road stays shut until 9pm, the council said."],
        ["The road stays shut until midnight, the council said."],
    )
    assert typed(got, "number") == [("changed", "9pm", "midnight")]
    # a range of a unit is two quantities, a score still one
    assert units("Repairs take 6-8 weeks.") == [("6", ""), ("8", "")]
    assert units("Rovers won 2-1.") == [("2-1", "score:2-1")]
    # a factor in a word
    assert units("Rents doubled, then tripled.") == [("doubled", "times"), ("tripled", "times")]
    assert units("She doubled down on the pledge.") == []
    # a month after "at least", and a count after a qualifier
    assert units("closed until at least May") == [("May", "month:may")]
    assert units("at least one person was hurt") == [("at least one", "")]
    assert units("one person was hurt") == []


def test_no_10_is_a_source_not_a_number() -> None:
    assert quantities("No 10 said the minister had its full support.") == []
    assert sources("No 10 said the minister had its full support.") == ["No 10"]
    got = edits_of(
        ["No 10 said the minister had its full support."],
        ["Cabinet Office minister Elsa Marr said the minister had its full support."],
    )
    assert typed(got, "source") == [("changed", "No 10", "minister Elsa Marr")]
    assert typed(got, "number") == []


def test_us_party_and_state_after_a_name() -> None:
    assert sources("Sen. Ruth Calder (D-Ore.), who chairs the panel, said fees were unfair.") == [
        "Sen. Ruth Calder"
    ]
    assert sources("Fees were unfair, said Rep. Tom Hale (R-Texas).") == ["Rep. Tom Hale"]
    assert sources("Rep. Tom Hale, R-Texas, said fees were unfair.") == ["Rep. Tom Hale"]


def test_called_before_a_quotation_and_results_released() -> None:
    assert sources('Campaigner Ada Voss called the plan "a betrayal of readers".') == [
        "Campaigner Ada Voss"
    ]
    assert sources('A film called "Harbour" opened.') == []
    assert sources("Police were called to the house.") == []
    assert sources("Voss won, according to results released on Wednesday.") == ["results"]
    # where a paper was published says whose it is
    assert sources("According to a paper published in the journal Tidewater, seas rose.") == [
        "paper published in the journal Tidewater"
    ]


def test_the_people_again_is_the_same_source() -> None:
    got = edits_of(
        [
            "Halden Foods is in talks to buy Corran, according to people familiar with the matter.",
            "A deal could come within days, the people said.",
        ],
        [
            "Halden Foods has agreed to buy Corran, the two companies said on Friday.",
            "The deal was announced before markets opened.",
        ],
    )
    assert typed(got, "source") == [("changed", "people familiar with the matter", "two companies")]


def test_a_scale_written_short_is_trivial() -> None:
    got = edits_of(
        ["Revenue was $3.4 billion in the quarter."], ["Revenue was $3.4bn in the quarter."]
    )
    assert [e.kind for e in got] == ["trivial"]
    got = edits_of(
        ["Revenue was $3.4 billion in the quarter."], ["Revenue was $3.5bn in the quarter."]
    )
    assert typed(got, "number") == [("changed", "$3.4 billion", "$3.5bn")]


def test_a_hedge_in_a_headline_s_scare_quotes() -> None:
    same = ["The minister has not commented."]
    got = analyse(
        Document("Minister 'set to quit' over donations", same),
        Document("Minister quits over donations", same),
    ).edits
    assert typed(got, "certainty") == [("firmer", "'set to quit'", "quits")]
    # a speaker's quoted words in a headline stay the speaker's
    got = analyse(
        Document("'We may never know', says coroner", same),
        Document("'We will never know', says coroner", same),
    ).edits
    assert typed(got, "certainty") == []


# The eighth labelled set (tests/data/edits_labelled_holdout7.toml, written blind: court,
# health, sport, markets, local news, Australian, Indian, Irish and Canadian copy, live pages)
# found the gaps below; each test is seen failing on the rules before it.


def test_the_only_score_or_amount_that_went_and_came_changed() -> None:
    got = edits_of(
        ["Harlow beat Selby Rovers 1-0 on Saturday."],
        ["Harlow were held 1-1 by Selby Rovers on Saturday."],
    )
    assert typed(got, "number") == [("changed", "1-0", "1-1")]
    got = edits_of(
        ["He joined for a £12m fee, the club said."],
        ["He joined for a fee of up to £15m, the club said."],
    )
    assert typed(got, "number") == [("changed", "£12m", "up to £15m")]


def test_a_page_time_stamp_is_no_notice_and_no_number() -> None:
    assert is_stamp("Updated 14:32 GMT") and is_stamp("Last updated: 29 November 2026, 2.32pm")
    assert not is_stamp("Update, 09:40: The road has reopened.")
    got = edits_of(
        ["Updated 14:32 GMT", "About 200 people were evacuated."],
        ["Updated 15:10 GMT", "About 350 people were evacuated."],
    )
    assert [(e.kind, e.change) for e in got if e.kind != "other"] == [("number", "changed")]
    # a notice's own time, before its colon, is one time
    assert [q.text for q in quantities("Update, 09:40: The road has reopened.")] == ["09:40"]


def test_numbers_in_another_house_style_are_trivial() -> None:
    for old, new in [
        ("The fair drew 10,000 visitors.", "The fair drew 10 000 visitors."),
        ("The prize is 12,50,000 rupees.", "The prize is 12.5 lakh rupees."),
        ("Revenue was $3.4 billion.", "Revenue was $3.4bn."),
    ]:
        got = edits_of([old], [new])
        assert [(e.kind, e.detail["what"]) for e in got] == [("trivial", ["numbers"])], old
    assert [q.value for q in quantities("Rs 4.5 crore and 10 000 seats")] == [4.5e7, 1e4]


def test_court_and_police_sources() -> None:
    assert sources("The car was found abandoned, gardaí said.") == ["gardaí"]
    assert sources("The Court of Appeal ruled that the term was too short.") == ["Court of Appeal"]
    assert sources("Prosecutors allege that Hale ran the network.") == ["Prosecutors"]
    assert sources("Hale ran the network, a jury found on Thursday.") == ["jury"]
    assert sources("The party ruled out a deal.") == []
    # the verb of a source already found is not read again for a name after it
    assert sources("Her spokesman, Tom Avery, said the plan stood.") == ["Tom Avery"]


def test_inverted_roles_before_names() -> None:
    assert sources('"We kept going," said Dunford manager Paul Grieve.') == [
        "Dunford manager Paul Grieve"
    ]
    assert sources('"He acted lawfully," said Ms Kaur\'s solicitor, Ben Adebayo.') == [
        "Ben Adebayo"
    ]
    assert sources('"He was kind," said Ada Lee\'s father, Tom.') == ["Ada Lee's father"]
    assert sources("The line opens, federal Transport Minister Ann Roy announced Tuesday.") == [
        "Transport Minister Ann Roy"
    ]
    assert sources("Minister Claude Arsenault announced Tuesday that the line opens.") == [
        "Minister Claude Arsenault"
    ]


def test_a_surname_after_another_forename_is_another_person() -> None:
    got = edits_of(
        [
            "Kieran Lowe, 19, was remanded in custody.",
            'His mother, Diane Lowe, said outside court: "He is innocent."',
        ],
        ["Kieran Lowe, 19, was remanded in custody."],
    )
    assert typed(got, "source") == [("removed", "Diane Lowe", "")]
    got = edits_of(
        ["Sir Alan Pryce has died aged 91.", "His family said he died at home."],
        ["Sir Alan Pryce has died aged 91.", "His daughter, Ruth Pryce, said he died at home."],
    )
    assert typed(got, "source") == [("changed", "His family", "Ruth Pryce")]


def test_allegations_and_suggestive_findings_are_hedges() -> None:
    got = edits_of(
        ["Prosecutors allege that Hale ran the network from a flat in Castlebury."],
        ["Hale ran the network from a flat in Castlebury, a jury found on Thursday."],
    )
    assert [(e.change, e.detail["markers"]) for e in got if e.kind == "certainty"] == [
        ("firmer", ["allege that"])
    ]
    assert typed(got, "source") == [("changed", "Prosecutors", "jury")]
    got = edits_of(
        ["Preliminary data suggest that the drug cuts relapses by a third."],
        ["Data published in the Harbour Journal show that the drug cuts relapses by a third."],
    )
    assert [e.change for e in got if e.kind == "certainty"] == ["firmer"]


# A second reading of what attributions() finds in real reporting (60 random corpus sentences
# with a source, after the fixes above: about 66 sources, 7 wrong and 2 half right): words after
# a verb that say how or what, not who, were taken for a second source.


def test_how_or_what_after_the_verb_is_no_source() -> None:
    assert sources('"Busy," Ann Roy, an analyst, said in a statement.') == ["Ann Roy"]
    assert sources('Hale, via the Courier, said that Reeve "started it".') == ["Hale"]
    assert sources("Kestrel, Inc., said it would appeal.") == ["Kestrel"]
    # a clause cut short at "and" is no name
    cut = "The envoy accused the UK and the US of meddling and warned that it would act."
    assert sources(cut) == []
    got = sources(
        "The ministry said it was calm, while police deny the claims and say all is well."
    )
    assert got == ["ministry", "police"]


# The ninth labelled set (tests/data/edits_labelled_holdout8.toml, written blind: politics,
# conflict, tech, climate, education, quotations, notices, headlines) found the gaps below;
# each test is seen failing on the rules before it.


def _headline_edits(old: str, new: str, body: list[str] | None = None) -> list[Edit]:
    same = body or ["The minister has not commented."]
    return analyse(Document(old, same), Document(new, same)).edits


def test_projections_forecasts_and_questions_are_hedges() -> None:
    got = edits_of(["Ruth Hale is projected to win the seat."], ["Ruth Hale won the seat."])
    assert [e.change for e in got if e.kind == "certainty"] == ["firmer"]
    got = edits_of(["Highs are forecast to reach 38C on Friday."], ["Highs reached 39C on Friday."])
    assert [e.change for e in got if e.kind == "certainty"] == ["firmer"]
    got = _headline_edits("Will Varga call a snap election?", "Varga calls snap election")
    assert [e.change for e in got if e.kind == "certainty"] == ["firmer"]
    # a headline rewritten whole: a hedge gone is the claim made firm, one come is a new claim
    got = _headline_edits("Pay deal expected within days", "Unions accept pay deal, council says")
    assert [e.change for e in got if e.kind == "certainty"] == ["firmer"]
    got = _headline_edits("Crews tackle warehouse blaze", "Warehouse fire: arson suspected")
    assert [e for e in got if e.kind == "certainty"] == []


def test_sources_of_figures_and_agencies() -> None:
    assert sources("About 400 families fled, the state news agency TVA reported.") == [
        "state news agency TVA"
    ]
    assert sources("It took $104m, according to figures from the tracking firm Boxline.") == [
        "Boxline"
    ]
    said = "Sales rose, according to figures released by the company on Thursday."
    assert sources(said) == ["company"]
    got = edits_of(
        [
            "Corvid will unveil a phone, according to a person familiar with the plans.",
            "It will cost about $999, the person said.",
        ],
        ["Corvid unveiled a phone on Tuesday.", "It will cost $899, the company said."],
    )
    assert typed(got, "source") == [("changed", "person", "company")]


def test_a_quotation_split_in_two_is_no_quote_edit() -> None:
    got = edits_of(
        ['"We have listened. We will keep the library open," the council leader said.'],
        ['"We have listened," the council leader said. "We will keep the library open."'],
    )
    assert [e for e in got if e.kind == "quote"] == []


def test_a_live_label_and_a_bracketed_notice() -> None:
    assert _headline_edits("Live: Vessland election results", "Vessland election results") == []
    got = edits_of(
        ["The budget includes £4.5m for road repairs."],
        [
            "The budget includes £5.4m for road repairs. (This paragraph was corrected on 3 May:"
            " the sum was given as £4.5m.)"
        ],
    )
    assert [(e.kind, e.change, e.silent) for e in got if e.kind in ("number", "correction")] == [
        ("number", "changed", False),
        ("correction", "added", False),
    ]


def test_ratios_currency_words_and_names_with_numbers() -> None:
    def found(text: str) -> list[tuple[str, float | None, str]]:
        return [(q.text, q.value, q.unit) for q in quantities(text)]

    assert found("One in four pupils, 3 out of 10 staff") == [
        ("One in four", 0.25, "fraction"),
        ("3 out of 10", 0.3, "fraction"),
    ]
    assert found("prices rose to 5 in 2019") == [("5", 5.0, ""), ("2019", 2019.0, "")]
    assert found("aboard Air Force One, a Formula One car") == []
    assert found("Quarter of renters fear eviction") == [("Quarter", 0.25, "fraction")]
    got = edits_of(["One in four pupils read well."], ["A third of pupils read well."])
    assert typed(got, "number") == [("changed", "One in four", "A third")]
    got = edits_of(["The headset costs 549 euros here."], ["The headset costs €549 here."])
    assert [(e.kind, e.detail["what"]) for e in got] == [("trivial", ["numbers"])]


# The tenth labelled set (tests/data/edits_labelled_holdout9.toml, written blind: the typical
# case, ordinary beats and house styles, one or two edits a version) found the gaps below; each
# test is seen failing on the rules before it.


def test_everyday_hedges() -> None:
    got = edits_of(
        ["Passengers will see fewer delays, the company said."],
        ["Passengers should see fewer delays, the company said."],
    )
    assert [e.change for e in got if e.kind == "certainty"] == ["softer"]
    got = edits_of(
        ["Fenwick Mills is in talks about a possible takeover by Dravo."],
        ["Fenwick Mills has agreed a takeover by Dravo."],
    )
    assert [e.change for e in got if e.kind == "certainty"] == ["firmer"]
    got = edits_of(
        ["An accountant accused of stealing £2.3m has gone on trial."],
        ["An accountant found guilty of stealing £2.3m has been jailed."],
    )
    assert [e.change for e in got if e.kind == "certainty"] == ["firmer"]
    assert hedges("70mph gusts forecast for coast")[0][2] == "forecast for"
    assert hedges("The forecast for Friday is rain, as soon as possible.") == []


def test_prices_going_up_to_and_a_factor_becoming_a_share() -> None:
    got = edits_of(
        ["A single ticket will go up from £2.20 to £2.40."],
        ["A single ticket will go up to £2.40."],
    )
    assert typed(got, "number") == [("removed", "£2.20", "")]
    got = edits_of(
        ["The new vaccine halves the number of admissions to hospital."],
        ["The new vaccine may cut the number of admissions to hospital by up to 40%."],
    )
    assert typed(got, "number") == [("changed", "halves", "up to 40%")]
    assert [q.text for q in quantities("the two halves of the match")] == ["two"]


def test_names_after_roles_groups_and_documents() -> None:
    assert sources('"A blow," said the local MP, Judith Venn.') == ["Judith Venn"]
    # (since the twelfth set, the name after its kind, as "the agency QuakeWatch")
    assert sources("Fares rise least, according to the passenger group Fair Fares.") == [
        "Fair Fares"
    ]
    said = "The deal includes a ceasefire, according to a copy seen by this newspaper."
    assert [(a.name, a.key) for a in attributions(said)] == [("copy", "copy")]


# The eleventh labelled set (tests/data/edits_labelled_holdout10.toml, written blind: the
# typical case in US regional papers and public broadcasters) found the gaps below; each test
# is seen failing on the rules before it.


def test_units_vague_counts_and_months_made_dates() -> None:
    got = edits_of(
        ["The storm could drop up to 8 inches of snow, forecasters said."],
        ["The storm could drop up to 12 inches of snow, forecasters said."],
    )
    assert typed(got, "number") == [("changed", "up to 8 inches", "up to 12 inches")]
    got = edits_of(
        ["Shops were without water for several hours."],
        ["Shops were without water for about five hours."],
    )
    assert typed(got, "number") == [("changed", "several hours", "about five hours")]
    got = edits_of(["Officers talked to him."], ["Officers talked to him for several hours."])
    assert typed(got, "number") == []  # "several" alone is counted only when replaced
    got = edits_of(
        ["The layoffs take effect in January, the firm said."],
        ["The layoffs take effect Jan. 15, the firm said."],
    )
    assert typed(got, "number") == [("changed", "January", "Jan. 15")]


def test_conditions_possible_headlines_and_furniture() -> None:
    got = edits_of(
        ["Keel faces up to 20 years in prison if convicted of the charge."],
        ["Keel faces up to 20 years in prison when he is sentenced on the charge."],
    )
    assert [e.change for e in got if e.kind == "certainty"] == ["firmer"]
    got = _headline_edits(
        "Possible tornado damages homes near Alton", "Tornado confirmed near Alton"
    )
    assert [e.change for e in got if e.kind == "certainty"] == ["firmer"]
    got = edits_of(
        ["RELATED: Algae closed 14 beaches last summer", "By Kim Alvarez | Published 9:14 a.m."],
        ["RELATED: What to know about algae", "By Kim Alvarez | Updated 1:42 p.m."],
    )
    assert [e for e in got if e.kind != "other"] == []


def test_spokespeople_quotations_and_common_nouns_as_sources() -> None:
    # a spokeswoman speaks for the police, a source of her own
    got = edits_of(
        ["Police closed the road.", "Sgt. Ana Ruiz said the shooting was not random."],
        ["Police closed the road.", "A police spokeswoman said the shooting was not random."],
    )
    assert typed(got, "source") == [("changed", "Sgt. Ana Ruiz", "police spokeswoman")]
    # words inside a quotation are never a source ("the first I ever heard")
    got = edits_of(
        ['"It is special, and it was the first I ever heard live," Santos said.'],
        ['"It is special," Santos said.'],
    )
    assert typed(got, "source") == []
    # "the bank said" is not standing because "Northgate Bank" is named
    got = edits_of(
        [
            "Northgate Bank's chief may quit, according to people familiar with the matter.",
            "Northgate Bank has 40 branches.",
        ],
        [
            "Northgate Bank's chief resigned on Thursday, the bank said.",
            "Northgate Bank has 40 branches.",
        ],
    )
    assert typed(got, "source") == [("changed", "people familiar with the matter", "bank")]


# The twelfth labelled set (tests/data/edits_labelled_holdout11.toml, written blind: sources
# in Canadian, Australian, New Zealand, Irish, Indian and South African copy) found the gaps
# below; each test is seen failing on the rules before it.


def test_agencies_by_name_declarations_units_and_course() -> None:
    said = "A 6.1 quake struck, according to the seismic monitoring agency QuakeWatch."
    assert sources(said) == ["QuakeWatch"]
    assert sources("The Election Commission declared Sharma the winner.") == ["Election Commission"]
    assert [(q.text, q.unit) for q in quantities("up to 5 centimetres of rain")] == [
        ("up to 5 centimetres", "cm")
    ]
    assert hedges("Tane on course to win Wellington mayoralty")[0][2] == "on course to"


# Three blind sets (holdout9's striker, holdout9's takeover, holdout11's candidate) found the
# same gap: a person the article named before only as the subject of the news ("Olsen scored
# twice") and now quoted ("..., Olsen said") was no source come, because the name stood in the
# text both versions share. A name stands there as a source only in a sentence that reports (a
# reporting cue, a word such as "saying" or "asked", or a quotation mark). On the corpus's
# articles with one paragraph that holds a cue dropped or added (740 pairs), 17 pairs each way
# now lose or gain a source: 15 rightly (the person stands elsewhere only as the subject:
# a player named in the match report and quoted in the paragraph that went), 2 under a name
# attributions() misreads (a country after a researcher's city, a phrase before a body's name).


def test_a_person_named_before_only_as_the_subject_is_a_source_when_first_quoted() -> None:
    before = [
        "Reza Olsen scored twice as Harbour City beat Westford 3-1 on Saturday.",
        "The win lifts Harbour City to third in the table.",
    ]
    quoted = [*before, '"It was a special day for the whole club," Olsen said.']
    assert typed(edits_of(before, quoted), "source") == [("added", "", "Olsen")]
    assert typed(edits_of(quoted, before), "source") == [("removed", "Olsen", "")]
    # named before in a sentence that reports (a quotation, a cue the rules do not read as
    # an attribution): no source came or went
    asked = [
        'Noting the size of the crowd, Olsen asked, "Where were you all last season?"',
        "The win lifts Harbour City to third in the table.",
    ]
    assert typed(edits_of(asked, [*asked, quoted[-1]]), "source") == []
    explained = [
        "Olsen, speaking after the match, explained that the team had trained on the beach.",
        "The win lifts Harbour City to third in the table.",
    ]
    assert typed(edits_of(explained, [*explained, quoted[-1]]), "source") == []
    saying = [
        "Olsen dedicated the win to the fans, saying they had carried the team.",
        "The win lifts Harbour City to third in the table.",
    ]
    assert typed(edits_of(saying, [*saying, quoted[-1]]), "source") == []


# The fourteenth labelled set (holdout13, written blind: Malaysian, Philippine, Nigerian and
# Kenyan copy among others) found amounts whose currency's letters are glued to the figure
# ("RM50,000", "P2.4-billion", "N1,100", "Sh1.6 billion") never read as numbers: digits after
# a Latin letter are a name's ("G7", "A380"). They count before what reads as money (thousands
# grouped by commas, a scale word; a decimal after RM or KSh). On the corpus's paragraphs this
# found one amount more (naira glued to millions) and read one hyphened billion whole.


def test_currency_letters_glued_to_an_amount() -> None:
    def found(text: str) -> list[tuple[str, float | None, str]]:
        return [(q.text, q.value, q.unit) for q in quantities(text)]

    assert found("fined RM50,000 and RM1.2mil") == [
        ("RM50,000", 50000.0, "RM"),
        ("RM1.2mil", 1200000.0, "RM"),
    ]
    assert found("a P2.4-billion flood wall, N1,100 a litre") == [
        ("P2.4-billion", 2.4e9, "₱"),
        ("N1,100", 1100.0, "₦"),
    ]
    assert [q.key for q in quantities("Sh1.6 billion")] == [(("", 1.6e9, "KSh"))]
    assert [q.key for q in quantities("KSh 1.6 billion")] == [(("", 1.6e9, "KSh"))]
    assert found("R38 million") == [("R38 million", 38e6, "R")]
    # still names: a letter before a plain figure
    assert found("the G7, an A380, P2 and N5, R2-D2") == []
    got = edits_of(["Petrol now costs N1,100 a litre."], ["Petrol now costs N1,150 a litre."])
    assert typed(got, "number") == [("changed", "N1,100", "N1,150")]
    styled = edits_of(["Roads will get Sh1.6 billion."], ["Roads will get KSh 1.6 billion."])
    assert [(e.kind, e.change) for e in styled] == [("trivial", "changed")]


# The thirteenth and fourteenth sets (holdout12: certainty in British, US and Australian copy;
# holdout13) found hedges not read: "believed to be" with no "is" ("a body believed to be that
# of", "The man, believed to be the owner,"), "on track for" a noun, "expected this week", "the
# expected rise"; and a hedge's word that stayed while the words that made it one went ("is
# expected to cut" -> "cut ..., more than analysts had expected"), which the pair never looked
# at. None of these changes a hedge found in the corpus's paragraphs.


def test_reduced_hedges_and_a_hedge_word_that_stays() -> None:
    markers = [
        h[2]
        for text in (
            "Searchers found a body believed to be that of a missing man.",
            "The man, thought to be in his 70s, was found inside.",
            "Shares are on track for their biggest fall in five years.",
            "Exam results expected this week, minister says",
            "Marketers blamed the expected rise on import costs.",
        )
        for h in hedges(text)
    ]
    assert markers == [
        "believed to be",
        "thought to be",
        "are on track for",
        "expected this week",
        "expected",
    ]
    # not one's own belief, nor a figure beaten
    assert hedges("She did what she thought to be right.") == []
    assert hedges("Sales were higher than the expected total.") == []
    assert hedges("As expected on Tuesday, the bank cut rates.") == []
    got = edits_of(
        ["The central bank is expected to cut its main rate to 11.25% on Tuesday."],
        ["The central bank cut its main rate to 11.25% on Tuesday, more than analysts expected."],
    )
    assert typed(got, "certainty") == [("firmer", "is expected to", "")]


# "added" before an amount is no reporting verb: holdout12's "the report ... showed employers
# added 143,000 jobs" gave the source "showed employers". In the corpus's paragraphs three
# attributions go, all of this kind (an index that added points, a player who added points, a
# stock that added a percentage).


def test_added_before_an_amount_is_no_reporting_verb() -> None:
    assert sources("The report showed employers added 143,000 jobs in March.") == []
    assert sources("Danilo Varga added 25 points and nine rebounds.") == []
    assert sources("The index added more than 2% on Monday.") == []
    assert sources('"It finished 2-1," Varga added.') == ["Varga"]
    assert sources("The council added that 12 routes would close.") == ["council"]


# A clock's "a.m." before a day or a time zone ("out at 8:30 a.m. Friday", "at 9 a.m. ET")
# ended a sentence there, so holdout12's hedge gone from "..., out at 8:30 a.m. Friday, is
# expected to show" was shown on the wrong words. Two of the corpus's paragraphs hold one
# (an evening time and a morning time, each before "ET").


def test_a_clock_before_a_day_or_zone_does_not_end_the_sentence() -> None:
    assert split_sentences("The report, out at 8:30 a.m. Friday, is expected to show gains.") == [
        "The report, out at 8:30 a.m. Friday, is expected to show gains."
    ]
    assert split_sentences("Polls close at 8 p.m. ET on Tuesday. Results follow.") == [
        "Polls close at 8 p.m. ET on Tuesday.",
        "Results follow.",
    ]
    # a new sentence after the time still is one
    assert split_sentences("The alarm was raised at 10 a.m. Firefighters came.") == [
        "The alarm was raised at 10 a.m.",
        "Firefighters came.",
    ]


# A clause of up to 120 characters (80 before) between a source and its verb: holdout12's "Dr
# Ellen Marsh, a gastroenterologist at St Cuthbert's Hospital who was not involved in the
# study, said" (81). In the corpus's paragraphs this finds six sources more, all right (people
# with a long title or a long "who" clause between their name and "said" or "told").


def test_a_long_clause_between_a_source_and_its_verb() -> None:
    assert sources(
        "Dr Ellen Marsh, a gastroenterologist at St Cuthbert's Hospital who was not involved"
        " in the study, said the results were encouraging."
    ) == ["Dr Ellen Marsh"]


# holdout13: a source named before "it said" in the sentence its own became is still the source
# ("The central bank said in a statement that it kept ..." -> "The central bank kept ..., it
# said in a statement"); and a source found or lost only through a trivial edit of its sentence
# ("Straw market vendors however, said" -> "vendors, however, said") neither came nor went.


def test_a_pronoun_after_the_claim_and_a_trivial_edit_keep_the_source() -> None:
    moved = edits_of(
        ["The central bank said in a statement that it had kept its main rate at 5.75%."],
        ["The central bank kept its main rate at 5.75%, it said in a statement."],
    )
    assert typed(moved, "source") == []
    comma = edits_of(
        ["The port had a record year.", "Market vendors however, said many spent little."],
        ["The port had a record year.", "Market vendors, however, said many spent little."],
    )
    assert typed(comma, "source") == [] and [e.kind for e in comma] == ["trivial"]
    # another source in the sentence's place is still a change
    swapped = edits_of(
        ["Prices could rise next week, independent traders said on Sunday."],
        ["Prices rose on Sunday, the company said."],
    )
    assert [e[0] for e in typed(swapped, "source")] == ["changed"]


# Bodies by their kind as sources: holdout12's ", the companies announced on Friday." was no
# source (nor ", the club announced on Twitter."). "team" and "group" were tried and left out:
# in the corpus they made a source of a comparison phrase ending in "group".


def test_bodies_by_their_kind_announce() -> None:
    assert sources("Marlow Foods has agreed a takeover, the companies announced on Friday.") == [
        "companies"
    ]
    assert sources("The fair is off, the club announced on Twitter.") == ["club"]
    assert sources("The index rose, the bank said.") == ["bank"]


# holdout13: "Kenya Power said ..." added stood in "after a power outage" (a reporting sentence:
# "Traders say ..."), so no source came: a name stands only as a name (capitalised); and "A
# Civil Defence Force officer said" found no source ("officers" was a head, not "officer").


def test_a_name_stands_as_a_name_and_an_officer_is_a_source() -> None:
    old = [
        "Traders say they lost goods after a power outage that lasted three days.",
        "Power was restored on Saturday evening.",
    ]
    new = [*old, "Kenya Power said in a statement that vandals had drained a transformer."]
    assert typed(edits_of(old, new), "source") == [("added", "", "Kenya Power")]
    assert sources("A Civil Defence Force officer said several roads were shut.") == [
        "Defence Force officer"
    ]


# holdout12: "Prosecutors allege Neil Barrow used ..." -> "The jury found Neil Barrow used ..."
# lost a hedge ("allege" with no "that" was none), and the headline's "on trial over $1.3m
# fraud" read "over" as "more than" (what a case or a quarrel is about is no qualifier).


def test_allege_before_a_name_and_what_a_trial_is_over() -> None:
    assert [h[2] for h in hedges("Prosecutors allege Neil Barrow used council cards.")] == [
        "allege"
    ]
    assert hedges("The claims they allege are false.") == []
    assert [q.qualifier for q in quantities("Council boss on trial over $1.3m fraud")] == [""]
    assert [q.qualifier for q in quantities("The repairs cost over $1.3m.")] == ["over"]


# holdout13: "their union, the Packaging Workers' Alliance, said": the body's name after "the"
# between the commas is the source, as "the union, Unite, said" gives Unite.


def test_a_bodys_name_after_the_between_commas() -> None:
    said = "Staff were told on Thursday, their union, the Packaging Workers' Alliance, said."
    assert sources(said) == ["Packaging Workers' Alliance"]
    assert sources("In Leeds, the Green Party, the council said.") == ["council"]


# A headline rewritten whole types its numbers that came or went ("Jury out in fraud trial" ->
# "Accountant guilty of £2.3m fraud"): four blind sets labelled them (holdout9, holdout10 twice,
# holdout13), one did not (holdout5's "Thousands protest" gone: a known miss). The one count
# that carried over is still one change ("four dead" -> "death toll rises to seven").


def test_a_rewritten_headlines_numbers() -> None:
    body = ["An accountant has been found guilty of stealing £2.3m from his clients."]
    got = edits_of(body, body, title="Jury out in fraud trial")
    assert got == []
    got = analyse(
        Document("Jury out in fraud trial", body),
        Document("Accountant guilty of £2.3m fraud", body),
    ).edits
    assert typed(got, "number") == [("added", "", "£2.3m")]
    toll = analyse(
        Document("Four dead after storm hits coast", body),
        Document("Death toll rises to seven as storm moves inland", body),
    ).edits
    assert typed(toll, "number") == [("changed", "Four", "seven")]


# The fifteenth set (holdout14, blind, sources at the centre) found "posted on X" and a
# question's "asked Sarah Denholm" after its quotation not read as attribution. In the corpus's
# paragraphs one source more is found (a singer who posted on Twitter); "a letter posted on
# Twitter" is no one's post.


def test_posted_on_a_platform_and_asked_after_a_quotation() -> None:
    assert sources("Operator Westway Trains posted on X that buses were running.") == [
        "Operator Westway Trains"
    ]
    assert sources('Chief executive Marcus Vale posted on X: "We let you down."') == [
        "executive Marcus Vale"
    ]
    assert sources('"Where was the council?" asked Sarah Denholm, a parent.') == ["Sarah Denholm"]
    assert sources("The firm posted a loss of £3m.") == []
    assert sources("The council asked residents to save water.") == []
    assert sources("She asked for mercy in a letter posted on Twitter on Tuesday.") == []


# The sixteenth set (holdout15, blind: whole versions of developing stories) found: "The
# Brookfield Nurses Association said" cut to "Brookfield Nurses" (a body's name ending with a
# kind of body is a name, all of it), "Inspector Tanner" taken for another Tanner than "RFS
# Inspector Mick Tanner" (a rank is no forename), "denies murdering Anthony Lowe" read as a
# statement (a plea), and "could not be saved" as a hedge (a past inability). In the corpus's
# paragraphs: one city's police department's name now whole, five "could not" no longer
# hedges, one junk source gone (words before "denied having ...").


def test_body_names_ranks_pleas_and_could_not() -> None:
    assert sources("The Brookfield Nurses Association said 94% of members voted.") == [
        "Brookfield Nurses Association"
    ]
    assert sources("Senior Officials Said the plan was dead.") == []
    before = ["RFS Inspector Mick Tanner said the blaze was contained to the shed."]
    quoted = [*before, '"The crews did a terrific job," Inspector Tanner said.']
    assert typed(edits_of(before, quoted), "source") == []
    assert sources("Daniel Kerr, 44, denies murdering Anthony Lowe.") == []
    assert hedges("The dog could not be saved.") == []
    assert [h[2] for h in hedges("Prices could rise again.")] == ["could"]
    assert [h[2] for h in hedges("The claim could not be independently verified.")] == ["could"]


# "would" as a hedge: a conditional claim ("the deal would give workers 4%" -> "the deal gives
# workers 4%" is firmer). Six blind sets' labels asked for it (holdout8, holdout9, holdout14
# twice, holdout15 twice; it was left out as reported speech's tense, "said it would appeal").
# It counts unless a reporting verb, "that", "whether" or "if" stands before it in the
# sentence. In the corpus's paragraphs 51 more hold a hedge, mostly conditionals (what a share
# listing or a bill would do), some habitual or polite uses (what someone would typically do,
# "would love to"): a sentence edited around one of those may be typed softer or firmer wrongly.


def test_would_is_a_hedge_outside_reported_speech() -> None:
    assert [h[2] for h in hedges("The deal would give workers a 4% raise.")] == ["would"]
    assert hedges("She said she would appeal against the ruling.") == []
    assert hedges("Officials warned that the road would stay shut.") == []
    got = edits_of(
        ["The new contract would give drivers a 6% rise over two years."],
        ["The new contract gives drivers a 6% rise over two years."],
    )
    assert typed(got, "certainty") == [("firmer", "would give", "gives")]


# holdout14 and holdout15: the second source of "according to A and the B"; a pronoun that was
# a sentence's only attribution, now the name ("..., he said" -> "..., Pruitt said": the same
# source); "Police believe the fire was deliberately lit" holds a hedge (what investigators
# think, not yet shown).


def test_according_to_two_a_pronoun_named_and_police_believe() -> None:
    said = (
        "Cases rose, according to the Carrow Health Observatory and the UK Health Security Agency."
    )
    assert sources(said) == ["Carrow Health Observatory", "UK Health Security Agency"]
    before = ["Dale Pruitt, 61, has run the shop since 1990.", "It will close in May, he said."]
    after = [before[0], "It will close in May, Pruitt said."]
    assert typed(edits_of(before, after), "source") == []
    assert [h[2] for h in hedges("Police believe the fire was deliberately lit.")] == [
        "police believe"
    ]


# holdout14: a sentence opening with "It said" or "He said" added after a sentence naming the
# body or the person only as its subject: that subject is a source come (and gone, the other
# way). The pronoun stands for the last source of the sentence before, else its subject: one
# word opening it before a verb or a comma, else its first name of two or more words.


def test_a_pronoun_opening_a_sentence_stands_for_the_subject_before() -> None:
    bought = "Harwick Mills bought the Dunmore dairy in 2022 from the Ferrand family."
    got = edits_of([bought], [f"{bought} It said in a statement that the dairy would close."])
    assert [(e.change, e.detail["source"]) for e in got if e.kind == "source"] == [
        ("added", "Harwick Mills")
    ]
    assert "Harwick Mills" in typed(got, "source")[0][2]
    assert [e.kind for e in got] == ["source"]  # the sentence added is typed, not "other"
    resigned = "Okafor was the second councillor from Bexford to resign this week."
    got = edits_of([resigned], [f"{resigned} He said the budget had been mishandled."])
    assert [(e.change, e.detail["source"]) for e in got if e.kind == "source"] == [
        ("added", "Okafor")
    ]
    # the other way, and the name in the paragraph before: the span is the pronoun's
    led = "Dr Mina Castell led the study at Arden University, which followed 900 children."
    told = "She told reporters the results surprised the team."
    got = edits_of([led, told], [led])
    assert [(e.change, e.old, e.detail["source"]) for e in got if e.kind == "source"] == [
        ("removed", "She told", "Dr Mina Castell")
    ]
    # a pronoun after the source it stands for is that source again: nothing came
    said = "Harwick Mills said the dairy would close in March."
    got = edits_of([said], [f"{said} It added that 40 jobs would go."])
    assert typed(got, "source") == []
    # the subject, not a name after it ("Ukrainian President X" in the same sentence)
    met = "Morrison was the first witness on Tuesday to describe the call with President Ivo Lenk."
    got = edits_of([met], [f"{met} He said he was not concerned by the content of the call."])
    assert [e.detail["source"] for e in got if e.kind == "source"] == ["Morrison"]


# holdout14: a day after a source's phrase ("according to a securities filing Thursday") hid
# the source; "club sources", "police sources", "company officials" were the body speaking,
# not unnamed people of it (so "club sources" -> "the club announced" was no change);
# '"...," the statement said' after "announced in a statement" was a source of its own; a
# headline's "Town close to signing" (no "is") held no hedge.


def test_filings_body_sources_statements_and_close_to() -> None:
    filed = "Arden Foods will shut 30 of its 200 shops, according to a securities filing Monday."
    assert [(a.name, a.key) for a in attributions(filed)] == [("securities filing", "filing")]
    assert [(a.key, a.anonymous) for a in attributions("It is over, police sources said.")] == [
        ("source|police", True)
    ]
    assert [(a.key, a.anonymous) for a in attributions("It fell, company officials said.")] == [
        ("official|company", True)
    ]
    before = ["Tolworth Rovers have sacked their manager after six defeats, club sources said."]
    after = [
        "Tolworth Rovers have sacked their manager after six defeats, the club announced in a "
        "statement on Monday.",
        '"We wish him well in the future," the statement said.',
    ]
    got = edits_of(before, after)
    assert [(e.change, e.old, e.new) for e in got if e.kind == "source"] == [
        ("changed", "club sources", "club")
    ]
    assert [h[2] for h in hedges("Tolworth close to signing winger Ade Bello")] == [
        "close to signing"
    ]
    assert hedges("Temperatures fell close to freezing, and they came close to winning.") == []


# holdout14 and holdout15: ", athletic director Lisa Crane announced Sunday." (two words of a
# role before the name) was not read; "two councillors who asked not to be named" was a named
# source; "Dr Hale said the results suggested that ..." made the results a source of their own
# (and "tests had confirmed" in reported speech too).


def test_a_long_role_an_unnamed_clause_and_a_source_in_reported_speech() -> None:
    hired = (
        "Dunmore College has hired Ray Kells as coach, athletic director Ana Ruiz announced Sunday."
    )
    assert sources(hired) == ["Ana Ruiz"]
    unnamed = (
        "Six members will back the motion, according to two councillors who asked not to be named."
    )
    assert [(a.name, a.anonymous) for a in attributions(unnamed)] == [
        ("two councillors who asked not to be named", True)
    ]
    # a name stays a name
    assert [
        a.anonymous for a in attributions("It is over, said Tom Reed, who declined to be named.")
    ] == [False]
    reported = "The lead author, Dr Ines Hale, said the results suggested that the ban worked."
    assert sources(reported) == ["Dr Ines Hale"]
    assert sources("It will close, said the finance minister.") == ["finance minister"]


# holdout11's documents: "Court papers show he is accused of ..." (papers opening a sentence,
# then a clause) and "Figures from the rental registry show a rise" (whose figures) name a
# source; "The figures show a rise" still states the claim and names none.


def test_papers_that_show_a_clause_and_figures_from_a_body() -> None:
    papers = "Ida Moyo, 41, was held on Monday. Court papers show she is accused of theft."
    assert [a.key for a in attributions(papers)] == ["court"]
    obtained = "Records obtained by the Courier show that the fund paid him twice."
    assert len(attributions(obtained)) == 1
    figures = "Figures from the regional housing registry show a similar rise."
    assert sources(figures) == ["regional housing registry"]
    assert attributions("The figures show a rise in thefts.") == []
    got = edits_of(["Ida Moyo, 41, was held on Monday."], [papers])
    assert [(e.change, e.new) for e in got if e.kind == "source"] == [("added", "Court")]


# holdout9, holdout10, holdout14 and holdout15 (four blind sets, the same call): a strike that
# "will" happen, then is called off or averted, is no certainty firmer: what was expected will
# not happen (the fact changed, not its certainty).


def test_an_expected_event_called_off_is_not_firmer() -> None:
    got = edits_of(
        ["Bus drivers in Selwick will strike for two days from Monday in a row over pay."],
        ["A two-day strike by bus drivers in Selwick has been called off after a new pay offer."],
    )
    assert typed(got, "certainty") == []
    got = edits_of(
        ["Bus drivers in Selwick are set to strike on Monday."],
        ["Bus drivers in Selwick reached a deal on Sunday, averting a strike on Monday."],
    )
    assert typed(got, "certainty") == []
    # an expected event that happened is still firmer
    got = edits_of(
        ["Bus drivers in Selwick are set to strike on Monday."],
        ["Bus drivers in Selwick went on strike on Monday."],
    )
    assert [c for c, _, _ in typed(got, "certainty")] == ["firmer"]


# holdout15 (and the seventeenth set's labeller, who wrote the same call): "Police believe
# the fire was deliberately lit" names the police as a source as well as holding a hedge, so
# "..., police said" in its reworded sentence is no source come.


def test_police_believe_is_a_source_too() -> None:
    assert sources("Police believe the fire at the depot was deliberately lit.") == ["Police"]
    assert sources("I believe the fire was deliberately lit.") == []
    got = edits_of(
        ["Police believe the fire at the depot was deliberately lit."],
        ["The fire at the depot is believed to have been deliberately lit, police said."],
    )
    assert typed(got, "source") == []


# The seventeenth set (holdout16), after its blind first run: a body's initials in brackets
# before its verb ("the Electricity Company of Ghana (ECG) said"); a court's "observed"; a
# quotation then "he said" after the sentence naming him; "in court over R14m" (what the case
# is about, not more than R14m); "Three people" -> "Five people" beside a "five-storey"
# building (the five counting the same thing paired); a count's unit of time in its evidence.


def test_initials_observed_quoted_pronoun_over_and_counts() -> None:
    said = "Power came back by 6am, the Electricity Company of Ghana (ECG) said in a statement."
    assert sources(said) == ["Electricity Company of Ghana"]
    assert sources("The delay was a denial of justice, the bench observed.") == ["bench"]
    assert sources("Residents observed a minute of silence.") == []
    old = ['"Rates will hold," said Ana Ruiz, an economist at Tarn Bank.']
    new = [
        old[0] + ' Idris Kane, an economist at Helm Capital, disagreed. "They will cut," he said.'
    ]
    got = edits_of(old, new)
    assert [(e.change, e.detail["source"]) for e in got if e.kind == "source"] == [
        ("added", "Idris Kane")
    ]
    assert [q.qualifier for q in quantities("Ex-clerk in court over R14m fraud")] == [""]
    got = edits_of(
        ["Three people died when a five-storey block fell in Lyari."],
        ["Five people died when a five-storey block fell in Lyari."],
    )
    assert typed(got, "number") == [("changed", "Three", "Five")]
    got = edits_of(
        ["The pool will close for at least four months from January."],
        ["The pool will close for at least six months from January."],
    )
    assert typed(got, "number") == [("changed", "at least four months", "at least six months")]


# The eighteenth set (holdout17), after its blind first run: court papers that show anything
# ("Court documents show the two men had ..."); "..., Meredith Sollis, testifying that"; a
# name that stands only in a request ("show Mr Kell asked civil servants to look again") or in
# what another source reports ("The order says Judge Ray Ost discussed") is no source yet, so
# its first statement is a source come; "the flexibility shows its strength, allowing
# Volkswagen to ..." is no reporting sentence.


def test_papers_testifying_and_names_that_are_no_source_yet() -> None:
    papers = "Court documents show the two men had swapped 40 messages that hour."
    assert [a.key for a in attributions(papers)] == ["court"]
    testified = "The trial went on, with his aide, Meredith Sollis, testifying that she was told."
    assert sources(testified) == ["Meredith Sollis"]
    shared = "The messages show Mr Kell asked civil servants to look again at the scheme."
    said = "In his letter, Mr Kell said he had done nothing wrong."
    got = edits_of([shared, "He has not commented."], [shared, said])
    assert [(e.change, e.new) for e in got if e.kind == "source"] == [("added", "Mr Kell")]
    order = "The commission's order says District Judge Ray Ost discussed two cases."
    won = "Ost won re-election in November."
    got = edits_of([order, won], [order, f"{won} He said on Thursday that he accepted it."])
    assert [(e.change, e.detail["source"]) for e in got if e.kind == "source"] == [("added", "Ost")]
    asked = "Mr Kell asked, \u201cWho signed this?\u201d"
    got = edits_of([asked, "He has not commented."], [asked, said])
    assert typed(got, "source") == []  # a question asked: a source already
    from newsdiff.diff.cues import reports

    assert not reports("The platform's flexibility shows its strength, allowing Volkswagen to.")


# The seventeenth and eighteenth sets, after their blind first runs: "are said to be on the
# run" -> "are on the run, police said" (the hedge's glue changed, "said" stayed); a
# headline's "tipped for"; "the filing said" after "said in a securities filing" and "The
# indictment says" after "an indictment unsealed Thursday" are those documents again; a body
# called by its kind ("the company", "the watchdog", "the bureau") just after its name is that
# body, so "the company said" <-> "Pinecrest Poultry said" is no source changed (holdout14's
# decoy, and two of holdout17's).


def test_said_to_tipped_for_documents_again_and_a_body_by_its_kind() -> None:
    got = edits_of(
        ["Two other suspects are said to be on the run."],
        ["Two other suspects are on the run, police said."],
    )
    assert [c for c, _, _ in typed(got, "certainty")] == ["firmer"]
    assert [h[2] for h in hedges("Okafor tipped for Harbour City job")] == ["tipped for"]
    old = ["Prosecutors are looking at Arden Health's billing, two people familiar said."]
    new = [
        "Prosecutors are looking at Arden Health's billing, Arden Health said in a securities "
        "filing Friday.",
        "The inquiry began in 2022, the filing said.",
    ]
    assert [e.new for e in edits_of(old, new) if e.kind == "source" and e.change == "added"] == []
    fined = "Pinecrest Poultry has been fined $180,000 after two workers were hurt."
    got = edits_of(
        [fined, "The company said it had installed new guards."],
        [fined, "Pinecrest Poultry said it had installed new guards."],
    )
    assert typed(got, "source") == []
    office = "The Independent Office for Police Conduct is looking into the case."
    got = edits_of(
        [office, "The watchdog said two officers had been served notices."],
        [office, "The IOPC said two officers had been served notices."],
    )
    assert typed(got, "source") == []
    # another body named there with the kind in its name is that body
    school = "Ofsted inspected Hale School in May."
    got = edits_of(
        [school, "The school said it would appeal."], [school, "Ofsted said it would appeal."]
    )
    assert [c for c, _, _ in typed(got, "source")] == ["changed"]


# More of the seventeenth and eighteenth sets' gaps: '"...," said Rep. Tara Inglis, D-Minn.,
# one of the bill's sponsors.' (the party's comma kept before the appositive); "ruled 5-2 on
# Monday that"; "draw a new one" (a pronoun, no count); "The court heard arguments" (an
# object: no source; "the court heard that" still is one); "according to a poll of analysts
# by Sutlej Research" (the body whose poll it is).


def test_party_appositive_a_court_vote_one_heard_and_a_poll_by() -> None:
    quoted = '"We lost their trust," said Rep. Tara Inglis, D-Minn., one of the sponsors.'
    assert sources(quoted) == ["Rep. Tara Inglis"]
    ruled = "The Missouri Supreme Court ruled 5-2 on Monday that the map divides the city."
    assert sources(ruled) == ["Missouri Supreme Court"]
    assert quantities("and ordered lawmakers to draw a new one.") == []
    assert [q.text for q in quantities("There is a one percent chance.")] == ["one percent"]
    assert sources("The court heard arguments in the case in October.") == []
    assert sources("The court heard that he had fled.") == ["court"]
    poll = "The rate will fall, according to a poll of analysts by Sutlej Research."
    assert sources(poll) == ["Sutlej Research"]


# The nineteenth and twentieth sets (holdout18, holdout19), after their blind first runs.


def test_spokespeople_swaps_plans_and_who_named_the_dead() -> None:
    # "A spokesperson for Lanefield Fire and Rescue Service said": one unnamed source of the
    # body, named whole; "Group manager X, of the service, said the roof had collapsed": not
    # "the roof" (the verb is X's)
    spoke = "A spokesperson for Lanefield Fire and Rescue Service said the roof fell in."
    assert [(a.key, a.anonymous) for a in attributions(spoke)] == [("spokesperson|lanefield", True)]
    named = "Group manager Sam Pell, of Lanefield Fire and Rescue Service, said the roof fell in."
    assert [a.key for a in attributions(named)] == ["pell"]
    got = edits_of(["The mill burned.", spoke], ["The mill burned.", named])
    assert [c for c, _, _ in typed(got, "source")] == ["changed"]
    # a sentence swapping a source the article keeps for one it gains is a source changed
    lede = "A man was hurt when a car hit a shop in Delford on Friday, police said."
    got = edits_of(
        [lede, "Police said the car had been stolen."],
        [lede, "Sgt. Ana Vell, a police spokeswoman, said the car had been stolen."],
    )
    assert [(c, o) for c, o, _ in typed(got, "source")] == [("changed", "Police")]
    # a plan or a schedule made a plain "will" is firmer
    got = edits_of(
        ["Aldmere plans to charge $20 a month for the app."],
        ["Aldmere will charge $20 a month for the app."],
    )
    assert [c for c, _, _ in typed(got, "certainty")] == ["firmer"]
    # "..., which said on Tuesday that"; "said Pelican Securities analyst Daryl Koh"
    which = "It needs approval from the Markets Authority, which said on Tuesday that it would."
    assert sources(which) == ["Markets Authority"]
    assert sources('"It was solid," said Pelican Securities analyst Daryl Koh.') == [
        "Pelican Securities analyst Daryl Koh"
    ]
    # who named the dead
    coroner = "The Kessling County coroner's office identified the victim as Ed Marr, 19."
    assert [a.key for a in attributions(coroner)] == ["coroner"]
    assert attributions("The club named the new coach on Friday.") == []


def test_set_for_a_preprint_two_kinds_of_hedge_a_ticker_and_one_roof() -> None:
    assert [h[2] for h in hedges("Tasman Orbital set for first launch from Cape York")] == [
        "set for"
    ]
    assert hedges("The table was set for dinner.") == []
    assert [h[2] for h in hedges("Preprint suggests vaccine cuts infections")] == [
        "preprint suggests"
    ]
    # a schedule and a "would" gone from one sentence: one edit resting on both
    got = edits_of(
        ["The rocket is scheduled to lift off on Sunday, in what would be a first for the state."],
        ["The rocket lifted off on Sunday and reached orbit, a first for the state."],
    )
    assert [(c, "is scheduled to" in o) for c, o, _ in typed(got, "certainty")] == [
        ("firmer", True)
    ]
    assert [q.text for q in quantities("Shares of Kurobane Robotics (6871.T) rose 4%.")] == ["4%"]
    assert quantities("Every child is now taught under one roof.") == []


# holdout14's "Westway Trains": a sentence's first word is capitalised as any first word is,
# so it stands as a name only before a verb or a comma ("Trains between the towns were
# cancelled, Network Rail said" holds no "Westway Trains"; "Hale said", "Ruiz, 34, said",
# "Clark in October revealed" and "James P. Kennedy" still do).


def test_a_first_word_stands_as_a_name_only_before_a_verb() -> None:
    shared = "Trains between Arley and Besk were cancelled after a fault, Network Rail said."
    posted = "Operator Westway Trains posted on X that buses were running every 30 minutes."
    got = edits_of([shared], [shared, posted])
    assert [(e.change, e.new) for e in got if e.kind == "source"] == [
        ("added", "Operator Westway Trains")
    ]
    # a name opening a reporting sentence before its verb stands there
    clark = "Clark in October revealed plans to grow the fleet."
    told = "Airline president Tim Clark told reporters the plan was on track."
    assert typed(edits_of([clark], [clark, told]), "source") == []


# The twenty-second set (holdout21): a wire's "CORRECTED-UPDATE 1-" slug is no headline edit,
# its "(Corrects ... )" line a correction notice, its "(Adds ... in paragraph 3)" line page
# furniture; and (with holdout16, holdout20 and holdout21) "the company said" just after a
# company named as a source is that company again, not one more source.


def test_wire_lines_and_the_company_again() -> None:
    from newsdiff.diff.cues import is_stamp, notice

    assert notice("(Corrects percentage fall in paragraph 1 to 4%, not 14%)") == (0, "correction")
    assert is_stamp("(Adds CEO comment in paragraph 3, details of dividend in paragraph 2)")
    assert not is_stamp("(The company declined to comment.)")
    got = edits_of(
        ["The co-op's revenue fell 14% on Tuesday."],
        ["The co-op's revenue fell 4% on Tuesday."],
        title="UPDATE 1-Dairy co-op posts lower revenue",
    )
    same = analyse(
        Document("UPDATE 1-Dairy co-op posts lower revenue", ["Revenue fell."]),
        Document("CORRECTED-UPDATE 1-Dairy co-op posts lower revenue", ["Revenue fell."]),
    ).edits
    assert [e.kind for e in same] == []
    assert [e.kind for e in got] == ["number"]
    said = "The home's owner, Kittiwake Care, said it had brought in a new manager."
    quoted = '"We accept the findings in full," the company said.'
    got = edits_of([said, quoted], [said])
    assert [e.kind for e in got if e.kind == "source"] == []
    # a police force is no company
    hurt = "Dr Ana Vell said two people were hurt."
    got = edits_of([hurt], [hurt, "The police said the road was shut."])
    assert [e.change for e in got if e.kind == "source"] == ["added"]


# holdout12, holdout19 and holdout21 (three blind sets, one call): "Prosecutors allege Neil
# Barrow used ..." -> "The jury found Neil Barrow used ...": the jury is the source now, a
# source changed; a correction notice's "An earlier version of this report said" names none.


def test_a_jury_found_and_an_earlier_version() -> None:
    assert sources("The jury found Lindahl moved the money into a shell company.") == ["jury"]
    assert sources("Police found him in a field near the road.") == []
    got = edits_of(
        ["Prosecutors allege Lindahl moved the money into a shell company."],
        ["The jury found Lindahl moved the money into a shell company."],
    )
    assert typed(got, "source") == [("changed", "Prosecutors", "jury")]
    assert sources("An earlier version of this report said the minister promised 500.") == []


# The twenty-fourth set (holdout23): a finding that closes its clause ("..., a study published
# Monday in the journal suggests.") and "Aerial surveys suggest" hold hedges, so "shows" ->
# "suggests" is softer and "suggest" -> "show" firmer.


def test_a_closing_suggests_and_surveys_suggest() -> None:
    said = "Walking lowers the risk, a study published Monday in the Journal of Gait {}."
    got = edits_of([said.format("shows")], [said.format("suggests")])
    assert [c for c, _, _ in typed(got, "certainty")] == ["softer"]
    got = edits_of(
        ["Aerial surveys suggest 61 per cent of the reefs are bleached."],
        ["Aerial surveys show 61 per cent of the reefs are bleached."],
    )
    assert [c for c, _, _ in typed(got, "certainty")] == ["firmer"]
    assert hedges("As the name suggests, it is big.") == []
    assert hedges("I suggest you go.") == []


# holdout5, holdout23 (twice): a vague count ("thousands", "dozens") gone with no figure for it
# is no number edit, as "several" was not; "Tests confirmed ..." names no source; a headline's
# "Suspected Nipah case" holds a hedge.


def test_vague_counts_gone_tests_and_suspected() -> None:
    got = edits_of(
        ["Thousands of doses reached the clinics in Kisumu on Monday."],
        ["The doses reached the clinics in Kisumu on Monday."],
    )
    assert typed(got, "number") == []
    got = edits_of(["Hundreds of homes were hit."], ["About 400 homes were hit."])
    assert [c for c, _, _ in typed(got, "number")] == ["changed"]
    assert attributions("Tests confirmed the presence of E. coli in the water.") == []
    assert [h[2] for h in hedges("Suspected Nipah case in Kerala village")] == ["suspected"]
