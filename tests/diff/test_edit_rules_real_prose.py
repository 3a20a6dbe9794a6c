"""Rule fixes from the first labelled sets on real prose (tests/data/edits_corpus1.toml and
_corpus2.toml: windows of the shared corpus's articles with edits written for newsdiff), each
seen failing on the rules they were scored on (f84ad72). The sentences here are our own, made
up; the corpus stays out of the tree."""

from __future__ import annotations

from newsdiff.diff.cues import attributions, hedges, notice, quotes
from tests.diff.rule_helpers import edits_of, sources, typed


def markers(text: str) -> list[str]:
    return [h[2] for h in hedges(text)]


def certainty(old: str, new: str, title: str = "A title") -> list[str]:
    return [c for c, _, _ in typed(edits_of([old], [new], title), "certainty")]


# corpus1 (aljazeera): a claim the outlet could not check is the same caveat however it is
# put: "It was not possible to independently verify" -> "could not be independently verified"
# is no hedge come (the second was already one).


def test_a_caveat_that_could_not_be_verified_however_it_is_put() -> None:
    assert markers("It was not possible to independently verify the rebels' claim.") == [
        "not possible to independently verify"
    ]
    assert markers("Reuters was unable to verify the figures.") == ["unable to verify"]
    assert markers("The video cannot be independently verified.") == [
        "cannot be independently verified"
    ]
    assert (
        certainty(
            "It was not possible to independently verify the rebels' claim.",
            "The rebels' claim could not be independently verified.",
        )
        == []
    )
    assert certainty(
        "The rebels said they shot down a drone, which was not possible to verify.",
        "The rebels said they shot down a drone.",
    ) == ["firmer"]
    assert markers("It was not possible to reach him.") == []


# corpus1 (bbc, space), corpus2 (wccftech, quanta): hedges put without the words the rules knew:
# "seem" without "to" ("plumes seem real"), "looks like it's", a sentence opening with
# "Presumably," or "Perhaps", "X believes that" (-> "X said").


def test_seem_looks_like_an_opening_adverb_and_believes_that() -> None:
    assert certainty(
        "The comet's tail does seem real, the team wrote.",
        "The comet's tail is real, the team wrote.",
    ) == ["firmer"]
    assert markers("Comet's tail seems real, new paper finds") == ["seems"]
    assert markers("It seems to be real.") == ["seems to"]
    assert certainty(
        "The strike at the port looks like it's coming to an end.",
        "The strike at the port has come to an end.",
    ) == ["firmer"]
    assert markers("The old mill looks like a cathedral.") == []
    assert certainty(
        "Presumably, other ferries were also delayed.", "Other ferries were also delayed."
    ) == ["firmer"]
    assert markers("Perhaps the vote will be close.") == ["perhaps", "will"]
    assert markers("Maybe in June.") == ["maybe"]
    assert markers("May 4 is the date.") == []
    assert certainty(
        "Okoro believes that the cells sense the virus early.",
        "Okoro said the cells sense the virus early.",
    ) == ["firmer"]


# corpus1 (gizmodo): typeset marks with spaces inside them (“ comfort food ”, common in scraped
# pages) were no quotation: the marks' spacing fixed read as a quotation come.


def test_typeset_marks_with_spaces_inside_are_a_quotation() -> None:
    text = "The ward calls it “ pigeon keeper’s cough. ” Others call it “ loft lung. ”"
    assert [q.text for q in quotes(text)] == ["pigeon keeper’s cough.", "loft lung."]
    got = edits_of(
        [text], ["The ward calls it “pigeon keeper’s cough.” Others call it “loft lung.”"]
    )
    assert typed(got, "quote") == []
    # one trivial edit a sentence, each spanning the quotation's marks
    assert [("pigeon" in new, "loft" in new) for _, _, new in typed(got, "trivial")] == [
        (True, False),
        (False, True),
    ]
    # a closing mark after a word ("„Hallo“ sagte er") stays no opener
    assert [q.text for q in quotes("„Ja“ sagte er.")] == ["Ja"]


# corpus2 (ap): a straight opening mark closed by a typeset one ("... authority?” said Hill)
# ran on to the next straight mark, taking the attribution between into the quotation.


def test_a_straight_opening_mark_closed_by_a_typeset_one() -> None:
    text = '"Who signed it?” asked Ruiz, who will testify Monday. "Nobody knows."'
    assert [q.text for q in quotes(text)] == ["Who signed it?", "Nobody knows."]
    got = edits_of([text], [text.replace("will testify", "is due to testify")])
    assert typed(got, "quote") == []
    assert [c for c, _, _ in typed(got, "certainty")] == ["softer"]


# corpus2 (space): words split by stray spaces and rejoined ("Arte mis m oon" -> "Artemis
# moon") were no trivial change when a rejoined word also stood elsewhere in the sentence
# ("Blue Moon"): the changed words were compared in the order of their first place.


def test_words_rejoined_when_one_also_stands_elsewhere() -> None:
    got = edits_of(
        ["The Moon lander joins the Arte mis m oon plan."],
        ["The Moon lander joins the Artemis moon plan."],
    )
    assert [c for c, _, _ in typed(got, "trivial")] == ["changed"]
    assert [e.kind for e in got] == ["trivial"]


# corpus2 (quanta): a dated notice saying when it was added ("Correction added Nov. 18,
# 2019:") was no notice.


def test_a_notice_dated_when_it_was_added() -> None:
    assert notice("Correction added Nov. 18, 2019: The caption gave the wrong lab.") == (
        0,
        "correction",
    )
    assert notice("Update appended at 14:00: The council has now replied.") == (0, "update")
    assert notice("The update added 12 new features: maps and more.") is None
    got = edits_of(
        [
            "The lab grew the cells.",
            "Correction added Nov. 18, 2019: The caption gave the wrong lab.",
        ],
        ["The lab grew the cells."],
    )
    assert typed(got, "correction") == [
        ("removed", "Correction added Nov. 18, 2019: The caption gave the wrong lab.", "")
    ]


# corpus1 (cbsnews), holdout10, holdout22: a count in a hyphenated compound ("a three-hour
# interview" -> "four-hour") was not looked for: plain_words joins the compound
# ("threehour"), which no number word matched.


def test_a_count_in_a_hyphenated_compound() -> None:
    got = edits_of(
        ["In a three-hour interview, the driver admitted the theft."],
        ["In a four-hour interview, the driver admitted the theft."],
    )
    assert [(c, o, n) for c, o, n in typed(got, "number")] == [("changed", "three", "four")]
    got = edits_of(["Moran signed a deal."], ["Moran signed a three-year deal."])
    assert [c for c, _, _ in typed(got, "number")] == ["added"]
    got = edits_of(["The tenants met."], ["The tenant met."])
    assert typed(got, "number") == []


# corpus1 (reuters): a month after "mid-" ("mid-December" -> "Dec. 15") was not looked for
# (plain_words joins it: "middecember"), so the date came as a number added.


def test_a_month_after_mid() -> None:
    got = edits_of(["The levy starts in mid-December."], ["The levy starts on Dec. 15."])
    assert typed(got, "number") == [("changed", "December", "Dec. 15")]
    got = edits_of(["The talks resume in mid-March."], ["The talks resume in mid-April."])
    assert typed(got, "number") == [("changed", "March", "April")]


# corpus2 (smithsonian, wccftech), corpus1 (nyt, polygraph): ways real copy credits a source
# that the rules did not read: "per the WHO", "As Emily Feng reports for NPR", "as first
# reported by", "according to The Verge's review", a body's name with "of" in it ("China's
# National Bureau of Statistics", which was read as a person "of" a body), "both X and Y told",
# and the WHO (its initials spell a pronoun) and the New York Times ("times" is no source alone).


def test_sources_credited_in_ways_real_copy_has() -> None:
    assert sources("The germ, per the WHO, lives in fleas.") == ["WHO"]
    assert sources("The fee rose 3% (per Reuters) in May.") == ["Reuters"]
    assert sources("The fee is 3%, per year, and rising.") == []
    assert sources("As Ruth Abara reports for the Ledger, two cases were found.") == ["Ruth Abara"]
    assert sources("As first reported by the Gazette, the mill will close.") == ["Gazette"]
    assert sources("According to The Courier's review, the game runs slowly.") == ["Courier"]
    assert sources("Output fell, according to Kenya's National Bureau of Statistics.") == [
        "Kenya's National Bureau of Statistics"
    ]
    assert sources("It grew, according to Ana Ruiz of the Dunmore Post, in May.") == ["Ana Ruiz"]
    assert sources("Both the council and the police said the road was shut.") == [
        "council",
        "police",
    ]
    assert sources("He said both engineers and residents in the valley told the inquiry.") == [
        "engineers",
        "residents in the valley",
    ]
    assert sources("The WHO said the risk was low.") == ["WHO"]
    assert sources("HE SAID IT WAS LOW.") == []
    assert sources("The New York Times reported on Sunday that the firm would cut jobs.") == [
        "New York Times"
    ]
    got = edits_of(
        [
            "The germ, per the WHO, lives in fleas.",
            "As Ruth Abara reports for the Ledger, two cases were found.",
        ],
        ["The germ lives in fleas.", "Two cases were found."],
    )
    assert [(c, o) for c, o, _ in typed(got, "source")] == [
        ("removed", "WHO"),
        ("removed", "Ruth Abara"),
    ]


# corpus2 (nypost): "an insurgent source told AFP" (keyed "source") beside "a local police
# source" (keyed "source|police") was taken for that source again, as "the source said" after
# it is; so with both gone and a named one come, the police source's going was lost.


def test_a_source_told_apart_is_not_the_bare_one_again() -> None:
    got = edits_of(
        [
            "The two men were freed at the border, an insurgent source told the agency.",
            "They were flown out by helicopter, according to a local police source.",
        ],
        [
            "The two men were freed at the border, rebel commander Omar Dall told the agency.",
            "They were flown out by helicopter.",
        ],
    )
    assert [(c, o) for c, o, _ in typed(got, "source")] == [
        ("changed", "insurgent source"),
        ("removed", "local police source"),
    ]
    # the bare one is still that source again: "one of the people" after "people familiar"
    got = edits_of(
        [
            "People familiar with the deal said it was signed."
            " It closes in May, one of the people said."
        ],
        ["It closes in May."],
    )
    assert [(c, o) for c, o, _ in typed(got, "source")] == [
        ("removed", "People familiar with the deal")
    ]


# corpus1 (nbcnews, a decoy; holdout10's convention): an official given by title who is then
# named ("the state's health minister said" -> "the state's health minister, Ida Marsh, said")
# is no source changed: the same person, now named (and the name dropped, the title kept).


def test_an_official_named_after_the_title_that_stays() -> None:
    title = "The clinic will close in May, the state's health minister{} said on Monday."
    got = edits_of([title.format("")], [title.format(", Ida Marsh,")])
    assert typed(got, "source") == []
    got = edits_of([title.format(", Ida Marsh,")], [title.format("")])
    assert typed(got, "source") == []
    # another person in the title's place is one
    got = edits_of(
        [title.format("")],
        ["The clinic will close in May, Ida Marsh, a nurse at the clinic, said on Monday."],
    )
    assert [c for c, _, _ in typed(got, "source")] == ["changed"]


# corpus1 (sciencealert, read beside it): a clause between commas before "said" that
# coordinates ("..., but the poles are wetter, said X") was read as an appositive, so what
# opened the sentence was a source ("Rainfall occurs everywhere on Titan"); in the corpus it
# made "Germany", "Space" and "portfolio of solutions for the Intensive Care" sources too.


def test_a_coordinated_clause_before_said_is_no_appositive() -> None:
    assert sources(
        "Snow settles everywhere on Io, but the poles are colder, said Dr Ana Ruiz, a scientist."
    ) == ["Dr Ana Ruiz"]
    assert sources("Officials, who asked not to be named, said the deal was off.") == ["Officials"]


# corpus1 (cbsnews): an outlet opening its sentence that reports what follows, with no
# "that" ("CBS DFW reports the man ... was sentenced") was no source.


def test_a_name_that_reports_what_follows() -> None:
    assert sources("Police met. KSTV News reports the man was sentenced on Friday.") == [
        "KSTV News"
    ]
    assert sources("The reports the council gave were late.") == []
    got = edits_of(
        ["KSTV News reports the man was sentenced to life."],
        ["The man was sentenced to life."],
    )
    assert [(c, o) for c, o, _ in typed(got, "source")] == [("removed", "KSTV News")]


# corpus2 (livescience), corpus3 (slashgear), corpus4 (quanta): what is not yet real
# ("a potential production version" -> "will build a production version") and a finding put
# weakly ("work in recent years shows that" -> "suggests that") are hedges; three writers
# labelled them so.


def test_potential_and_suggests_that() -> None:
    assert certainty(
        "The maker is weighing a potential sports version for Europe.",
        "The maker will build a sports version for Europe.",
    ) == ["firmer"]
    assert certainty(
        "Surveys of the reef in recent years show that the coral is recovering.",
        "Surveys of the reef in recent years suggest that the coral is recovering.",
    ) == ["softer"]
    assert markers("It could potentially grow.") == ["could"]  # (not "potentially")
    assert markers("A potential buyer came.") == ["potential"]


# corpus3 and corpus4: sources real copy names in ways the rules missed or misread: "Dempsey
# stressed", "PG&E said" (an ampersand inside a name), "Carlineo's attorney told" (an
# attorney is a lawyer), "according to teachers unions" (the unions, not the teachers, so
# "The unions said" in the next sentence is that source still); and "denied Swift's claims"
# names no source (a possessive before a verb that is a noun too).


def test_sources_corpus3_and_corpus4_found_or_misread() -> None:
    assert sources("Recovery takes weeks, Dr Ruiz stressed.") == ["Dr Ruiz"]
    assert sources("Mr Ruiz has not commented publicly.") == []
    assert sources("Power will return by Friday, PG&E said.") == ["PG&E"]
    assert sources("Ruiz's attorney told the court her client was innocent.") == ["Ruiz's attorney"]
    assert sources("Schools shut, according to teachers unions.") == ["teachers unions"]
    assert sources("The label denied Ruiz's claims, saying they were false.") == ["label"]
    assert sources("Moody's said the outlook was stable.") == ["Moody's"]
    # a source's span holds its name where its first word has a typeset apostrophe
    text = "Then Ruiz’s attorney told the court she was innocent."
    (a,) = attributions(text)
    assert text[a.start : a.end] == "Ruiz’s attorney"
    got = edits_of(
        ["Schools shut, according to teachers unions. The unions said 900 marched."],
        ["Schools shut. The unions said 900 marched."],
    )
    assert typed(got, "source") == []


# corpus3 and corpus4: "is accused by critics of" (the accusers), a name with an appositive
# before "called" ("The Campaign for Fair Elections, a watchdog group, called the stunt "..."")
# and "described it as "..."" (a decoy: "called it" -> "described it as" is no source gone),
# "X, a senior fellow at ..., has written" (a decoy: -> "wrote"), "a lawyer representing the
# woman said".


def test_accused_by_called_described_written_representing() -> None:
    assert sources("Ruiz is accused by critics of raising taxes.") == ["critics"]
    assert sources("Ruiz is accused of raising taxes.") == []
    assert sources(
        "The Fair Vote Trust, a watchdog group, called the stunt “a deliberate deceit”."
    ) == ["Fair Vote Trust"]
    got = edits_of(
        ['The Gulf League called it an "extremely adverse development".'],
        ['The Gulf League described it as an "extremely adverse development".'],
    )
    assert typed(got, "source") == []
    assert sources('"Nobody pays," Ann Ruiz, a senior fellow at the Tax Centre, has written.') == [
        "Ann Ruiz"
    ]
    assert sources("A letter written by the mayor arrived.") == []
    assert sources("A lawyer representing the family said the ruling was wrong.") == [
        "lawyer representing the family"
    ]


# corpus4 (crn): a straight opening mark with a space after it ('he told Cook. " You guys')
# was no quotation, and an apostrophe fixed inside a quotation ("whether its" -> "whether
# it's") was no trivial change (it changed the quotation's key).


def test_a_spaced_straight_mark_and_an_apostrophe_in_a_quotation() -> None:
    text = '"It works," he told Ruiz. " You have done a good job."'
    assert [q.text for q in quotes(text)] == ["It works,", "You have done a good job."]
    got = edits_of([text], [text.replace('. " You', '. "You')])
    assert typed(got, "quote") == []
    assert [c for c, _, _ in typed(got, "trivial")] == ["changed"]
    said = '"I love how fast you ship things, whether {} maps or music," he told Ruiz.'
    got = edits_of([said.format("its")], [said.format("it's")])
    assert [c for c, _, _ in typed(got, "trivial")] == ["changed"]
    assert typed(got, "quote") == []


# corpus3 (ctpost): "several dozen" was two counts ("several", then "dozen"), so "a crowd of
# several dozen" -> "of about 60" had a number gone beside the one changed.


def test_several_dozen_is_one_count() -> None:
    got = edits_of(
        ["He was met by a crowd of several dozen."], ["He was met by a crowd of about 60."]
    )
    assert typed(got, "number") == [("changed", "several dozen", "about 60")]


# corpus3 (rt): "a doctor on the scene" was keyed on "scene" (a doctor was no head word,
# only "doctors"), so "the doctor said" after it was one more source, gone when the doctor
# was named.


def test_a_doctor_on_the_scene_is_the_doctor_again() -> None:
    got = edits_of(
        [
            "A doctor on the scene told the agency he tried to help.",
            '"It was awful," the doctor said.',
        ],
        [
            "Raul Quispe, a doctor on the scene, told the agency he tried to help.",
            '"It was awful," Quispe said.',
        ],
    )
    assert [c for c, _, _ in typed(got, "source")] == ["changed"]


# corpus3 (livescience): a name opening its sentence before three clauses and its verb took a
# first clause of at most 30 characters ("Dylan Nelson, a postdoctoral fellow at the Max
# Planck Institute ..., Germany, and co-author of the study, said" was no source); one up to
# 80 now, and no clause may add a name ("Kurt Volker, ..., and Tim Morrison, ..., testified").


def test_a_name_before_a_long_appositive() -> None:
    assert sources(
        "Ann Ruiz, a postdoctoral fellow at the Hale Institute for Astronomy in Lund, Sweden,"
        " and co-author of the study, said in a statement that it worked."
    ) == ["Ann Ruiz"]
    assert sources(
        "Kurt Vale, the former special envoy, and Tim Moss, a former council official,"
        " testified side by side."
    ) == ["Tim Moss"]


# corpus5 and corpus6 (scored after the first four's fixes): "chimed in" and "weighed in",
# "reiterated", "X predicted that" (a source, and a forecast: "predicted that Apple will" ->
# "Apple is expected to" is no certainty edit), "is estimated at", "appears consistent",
# "after Politico reported the aid had been paused" (not "reported a 31 per cent fall in
# profit"), "As both NBC News and Bloomberg have reported", and no source in "have made China
# wary of offering concessions, for fear that ..., said X".


def test_sources_and_hedges_of_corpus5_and_corpus6() -> None:
    assert sources("Ruiz chimed in, noting that the offer was kind.") == ["Ruiz"]
    assert sources('"We miss him," Ruiz weighed in, telling Lee.') == ["Ruiz"]
    assert sources("The EU reiterated its view.") == ["EU"]
    assert sources("Analyst Ann Kuo has predicted that the firm will move.") == ["Analyst Ann Kuo"]
    assert (
        certainty(
            "Analyst Ann Kuo has predicted that the firm will move its plant in 2020.",
            "The firm is expected to move its plant in 2020.",
        )
        == []
    )
    assert certainty(
        "The camp's population is estimated at around 40,000.",
        "The camp's population stands at about 12,000.",
    ) == ["firmer"]
    assert certainty(
        "The plan appears consistent with the last one.",
        "The plan is consistent with the last one.",
    ) == ["firmer"]
    assert markers("She appeared in court.") == []
    assert sources("He spoke in August, after Politico reported the aid had been paused.") == [
        "Politico"
    ]
    assert sources("Ridgeline Mining reported a 31 per cent fall in profit on Wednesday.") == []
    assert sources("As both NBC News and Bloomberg have reported, there is a risk.") == [
        "NBC News",
        "Bloomberg",
    ]
    assert sources(
        "His threats have made China wary of offering concessions, for fear that he will only"
        " demand more, said Ann Kuo, a former negotiator."
    ) == ["Ann Kuo"]


# corpus6 (spacereview, cnn): a closing mark used to open ('were ”dwindling.”') is a
# quotation, so the mark set right is trivial; a straight mark with a space after it that
# opens a sentence and closes in a later paragraph ('Taylor wrote. " The course ...') is a
# quotation left open, as it is without the space.


def test_a_wrong_way_mark_and_a_spaced_mark_left_open() -> None:
    assert [q.text for q in quotes("the odds were ”dwindling.”")] == ["dwindling."]
    got = edits_of(["The odds were ”dwindling.”"], ["The odds were “dwindling.”"])
    assert typed(got, "quote") == []
    assert [c for c, _, _ in typed(got, "trivial")] == ["changed"]
    assert [q.text for q in quotes("word” then “x”")] == ["x"]
    text = '"It worked," Ruiz wrote. " The course lasted a year. I stopped it.'
    assert [(q.text, q.closed) for q in quotes(text)] == [
        ("It worked,", True),
        ("The course lasted a year.", False),
    ]
    got = edits_of([text], [text.replace('. " The', '. "The')])
    assert typed(got, "quote") == []


# corpus6 (nypost): "according to Taliban spokesman Saifullah Wardak" was cut to the body's
# name ("Taliban"), so a representative named was the body.


def test_according_to_a_body_a_role_and_a_name() -> None:
    assert sources("It rose, according to Kenya Power spokesman Peter Mbugua.") == [
        "Kenya Power spokesman Peter Mbugua"
    ]
    got = edits_of(
        ["The men were freed in Doha, according to a Taliban representative."],
        ["The men were freed in Doha, according to Taliban spokesman Ali Wardak."],
    )
    assert typed(got, "source") == [
        ("changed", "Taliban representative", "Taliban spokesman Ali Wardak")
    ]


# corpus2, corpus4-6 (five labels) and holdout5, holdout10, holdout12, holdout17 (four): a
# month named alone that comes or goes is a date given or taken away ("earlier this year" ->
# "in June"), as issue 14 says of dates; it was typed only when it changed. A month only
# respelt ("Febuary" -> "February") is no date come.


def test_a_month_that_comes_or_goes() -> None:
    got = edits_of(
        ["The label was bought by a fund earlier this year."],
        ["The label was bought by a fund in June."],
    )
    assert typed(got, "number") == [("added", "", "June")]
    got = edits_of(
        ["The case was reopened in May after his eviction."],
        ["The case was reopened after his eviction."],
    )
    assert typed(got, "number") == [("removed", "May", "")]
    got = edits_of(
        ["A joint team will report by Febuary."], ["A joint team will report by February."]
    )
    assert typed(got, "number") == []
    assert [c for c, _, _ in typed(got, "trivial")] == ["changed"]
    # a weekday still counts only when it changes
    got = edits_of(["The council met."], ["The council met on Monday."])
    assert typed(got, "number") == []
