"""The typed edits hold their measured quality on the labelled pairs (bench/edits.py prints the
figures). Goal of issue 14: precision >= 0.9 and recall >= 0.85 for every kind."""

from __future__ import annotations

import pytest

from . import corpus_sets
from .corpus_sets import CORPUS_FILES
from .edits_scoring import LABELLED_FILES, SCORED, Score, load, score

PRECISION_FLOOR = 0.9
RECALL_FLOOR = 0.85
FILES = LABELLED_FILES
#: pairs the rules still get wrong, left out of their file's own floor (they count in the sum of
#: all sets): each with why it is left. A test checks they still miss, so a fix is noticed.
KNOWN_MISSES = {
    "edits_labelled_holdout.toml": {
        # number (the set's call, before the rule): a clause adding "relegated in May" is a
        # month come, a date given (issue 14: "a date ... appeared"); the set labels none
        "no-change-of-kind",
    },
    "edits_labelled_holdout5.toml": {
        # trivial: a name respelt by a final "s" (Morgans -> Morgan) reads as an inflection;
        # taking it as a spelling fix would make "Democrats" -> "Democrat" trivial too
        "corr-name-fixed-with-note",
    },
    "edits_labelled_holdout6.toml": {
        # number: "Six people were injured" -> "Two people were killed and nine injured": the
        # quantities that went and came are paired in order (Six -> Two, nine added), not by
        # what they count (Six -> nine injured, Two killed added)
        "wire-fire-update-slug",
    },
    "edits_labelled_holdout7.toml": {
        # certainty: "Work is set to begin in spring." -> "Work began last week.": too few
        # words shared for the two sentences to be linked, so no hedge is seen to go
        "aus-grant-work-began",
        # trivial: "4.1 per cent ... 4.4 per cent" -> "3.9% ... 4.4%": the number change is
        # found; the house style of the figure that stayed is not typed beside it
        "triv-per-cent-style-and-figure",
        # source (disputed): "the judge told the jury ..." -> "the judge issued a correction
        # to the jury: ...": no reporting verb is left, so the judge is a source removed; the
        # set labels nothing (the judge still gives the fact)
        "correction-word-in-story-decoy",
    },
    "edits_labelled_holdout8.toml": {
        # number (the set's own call): "62% of the expected vote counted" -> "54.1% of the
        # vote" is labelled two quantities, one gone and one come; the only share that went
        # and the only one that came are typed one changed
        "pol-projected-to-won",
        # source: "an administration official said" -> "she told reporters": the pronoun that
        # took the official's place is read as the same source, so nothing is typed; the set
        # labels a source changed (the president)
        "pol-anonymous-official-to-president",
        # trivial: a name transliterated another way ("Youssef" -> "Yusuf") reads as another
        # word, not a spelling fix
        "war-name-transliterated",
        # number (the set's own call): a version number in a product's name ("Halo OS 18" ->
        # "19") is read as a number
        "tech-version-number-decoy",
        # certainty: a quotation paraphrased: its "will" now stands outside quotation marks,
        # typed a hedge come (the set labels the quote removed only)
        "quote-paraphrased",
    },
    "edits_labelled_holdout9.toml": {
        # trivial: "premier" -> "premiere" is one word for another, not a spelling fix
        "culture-film-premiere",
        # source: "a trial in Carrick has found" -> "early results from a trial in Carrick
        # suggest": the trial is still the source; a closing "suggest" after a long phrase is
        # not read as attribution, so the trial is typed removed
        "health-flu-jab-softened",
    },
    "edits_labelled_holdout10.toml": {
        # certainty: "plans to lay off" -> "will lay off" is anticipation both ways, no change;
        # source: "according to a notice filed with the state" (a notice is never a source,
        # lest a correction notice be one)
        "business-layoffs-warn-notice",
        # number: an ordinal that appears ("a case" -> "a second case") is not typed, by the
        # rule that ordinals count only when they change
        "health-measles-case-and-anonymous",
        # number: a month named alone that appears ("in June") is not typed; source: the
        # victim's surname stands alone in the article ("Ruiz died"), so his sister, Elena
        # Ruiz, is not a source come
        "verdict-lede-rewritten",
        # certainty (arguable): "police say may have been taken by her father" -> "her father
        # was arrested": the hedged claim went; typed firmer
        "missing-girl-found-safe",
        # source: "county officials said" when "Officials urged residents" stands unchanged:
        # the same key, so no source came
        "roads-reopen-flood-update",
    },
    "edits_labelled_holdout11.toml": {
        # source: "The Department of Health's daily count ... gave the same figure": "gave"
        # is no reporting verb
        "ie-trolleys-second-source",
        # source: "Farris said he would wait" -> "Farris conceded ... and congratulated":
        # "conceded" is no reporting verb ("has not conceded" says nothing), so Farris is
        # typed removed
        "nz-mayor-elected",
    },
    "edits_labelled_holdout12.toml": {
        # certainty (the set's own call): a hedge inside a quotation that changed ("will" ->
        # "could" in a quoted warning) is the speaker's word: the quote change is typed, no
        # certainty edit is looked for inside quotation marks
        "uk-landslip-quote-will-to-could",
        "us-harbor-days-quote-may-to-was",
        # certainty (a span): the headline's hedge gone is shown as "believed to be missing
        # hiker", labelled "Body believed to be missing" (neither holds the other)
        "us-hiker-believed-confirmed",
    },
    "edits_labelled_holdout13.toml": {
        # certainty (the set's own call, as holdout9's tram strike): "teams will resume the
        # search" -> "found" is typed firmer
        "sc-missing-walker-found",
    },
    # The fifteenth and sixteenth sets, written blind late in a session: the gaps their first
    # runs found that are not fixed (their headers give each error in full).
    "edits_labelled_holdout14.toml": {
        # certainty (arguable): "he expected to be fit" in an added clause is typed softer
        "sport-winger-subject-now-source",
        # certainty (the set's own call): a suspected cause replaced by another is typed firmer
        "tech-bank-outage-cause-cto-on-x",
        # a lede rewritten whole: its count, hedge and source swap are not paired
        "health-legionnaires-agency-confirms",
        # source: "the company" in a joint statement is not read as Stellar Bus
        "transport-strike-off-joint-statement",
        # number (the set's own call): "24 votes to 17" is two numbers, labelled one
        "council-tax-budget-passed-finance-chief",
    },
    "edits_labelled_holdout15.toml": {
        # source: the set's own slip, recorded in its header ("MetService said" is a source
        # come by the earlier sets' conventions)
        "nz-karewa-rain-fell",
        # certainty: a rewritten headline's "believed deliberately lit" is no hedge (no "to")
        "au-bushfire-teen-charged",
        # number: the set's own slip ("the two companies" is a count by holdout5's labels);
        # source (arguable): Corvale quoted in a new paragraph is a source come
        "uk-harcourt-takeover-agreed",
        # number: a photo caption's year is page furniture; captions are not told apart
        "us-decoy-added-and-caption",
    },
    # The seventeenth and eighteenth sets, written blind in a later session and scored once
    # (their headers); the gaps left after their fixes.
    "edits_labelled_holdout16.toml": {
        # number (the set's own call): "by midday" is a time of day come
        "za-umgeni-results-dividend",
        # source (the set's own call): "..., Eskom said" gone while Eskom stays the subject
        # ("Eskom suspended load-shedding") is typed a source gone
        "za-loadshedding-suspended",
    },
    "edits_labelled_holdout17.toml": {
        # certainty (the set's own call): ", the criminal complaint alleges" appended to a
        # sentence stated as fact is typed a source come; the set also labels it softer
        "us-complaint-alleges-appended",
        # certainty (a span): the headline's hedge gone is shown as "expected to sign ...",
        # labelled with the word before it, "Governor expected to"
        "us-governor-signs-disclosure-law",
        # a lede rewritten whole: "sources who have seen a draft said" -> "a report ... has
        # found" is typed a source gone and one come, not changed; "is due to be published" ->
        # "published on Tuesday" (a participle) is not typed firmer
        "uk-stadium-crush-inquiry-published",
    },
    "edits_labelled_holdout19.toml": {
        # certainty: "said crews would inspect the road" -> "had inspected": "would" after a
        # reporting verb is the tense of reported speech, no hedge (the set labels it firmer)
        "au-kanimbla-highway-reopens",
        # certainty (a span): a headline's hedge gone is shown from "expected to ...", labelled
        # with the word before it ("council expected to", "board expected to"; as holdout17's
        # us-governor-signs-disclosure-law)
        "nz-whenuaroa-rates-rise-approved",
        "us-brightwater-superintendent-hired",
        # source: "Prosecutors allege" -> "a jury found": "found" before a name is no
        # attribution (as holdout12's au-council-boss-accused-guilty); certainty: the
        # headline's "Builder accused" is labelled with the word before it, and "will be
        # sentenced" is typed softer
        "uk-marbridge-builder-guilty",
        # source: "A Health New Zealand spokesperson said" -> a named director quoted in a
        # paragraph rewritten whole: the two sentences are not linked, so one went and one
        # came (and the body's name before "spokesperson" is cut to "New Zealand")
        "nz-kaiwhero-birthing-unit-closes",
        # number: a photo caption's count is page furniture; captions are not told apart
        "uk-decoy-northolm-fridge-caption",
    },
    "edits_labelled_holdout20.toml": {
        # certainty (a span): "an outbreak that may be linked" -> "linked" is shown as "that may
        # be", labelled "may be linked"; source: "a grower in Hesper, Idaho, said" takes the
        # state between commas for a source
        "us-salmonella-sprouts-linked",
        # certainty (the set's own call, as holdout9's tram strike): "teams will resume the
        # search" -> "found" is typed firmer
        "us-silverbell-peak-hiker-found",
        # number (the set's own call): a hurricane's "Category 3" -> "Category 2" is read as a
        # name, not a measure
        "us-delphine-landfall",
        # number: a cricket score "2/118" -> "4/311" and "88/3" -> "169" are read as two
        # numbers each (the set labels one)
        "au-marlins-cyclones-stumps",
        "in-tuskers-riders-result",
        # number: "until at least Friday" -> "until at least next Wednesday" is not paired
        "nz-kaiwhenua-boil-water-extended",
        # a lede rewritten whole: "the National Prosecuting Authority said" -> its named
        # spokesperson in another sentence (not linked); the headline's hedge is labelled with
        # the word before it ("Bail bid expected")
        "za-mhlabeni-tavern-murder-bail",
    },
    "edits_labelled_holdout21.toml": {
        # trivial: "out of pocket" -> "out-of-pocket" (words joined by hyphens) is not read as
        # a spelling fix
        "wire-senate-insulin-vote",
        # number (a span): "at least 23" is labelled "23 people"
        "wire-floods-toll-could-not-verify",
        # number (the set's own call): "seven votes to four" is one quantity to the set (as
        # holdout14's council-tax-budget-passed-finance-chief)
        "bc-uk-wind-farm-vote-notice-extended",
        # number (the set's own call): a dateline's date moved a day is page furniture
        "wire-miners-rescued",
        # certainty: "the road is expected to reopen" -> "the county council said it expects
        # the road to reopen" is typed firmer ("expects" is no hedge word)
        "bc-decoy-ie-hedge-kept-reworded",
    },
    # The twenty-third and twenty-fourth sets, scored once on the session's last rules: their
    # gaps are left (no time was left to fix them), each listed in their headers.
    "edits_labelled_holdout22.toml": {
        # number: a marathon time "2hr 09min 05sec" is read as several numbers (one to the set)
        "uk-tynebridge-marathon-time-corrected",
        # number (the set's own call): a cricket score "3/187" -> "6/302" is two numbers
        "au-hartigan-day-one-stumps",
        # certainty (a span): the headline's hedge labelled with the word before it
        "au-pettifer-sacked",
        # number: a boxer's weight "9st 2lb 10oz" is read as several numbers
        "ie-kinsella-weigh-in",
        # certainty: a headline's "close in on" is no hedge to the rules
        "au-delacroix-believed-agreed",
        # number: the body's "a two-shot lead" -> "a one-shot lead" is typed a number gone
        # and one come, not changed (the new text adds another "one": "penalized one stroke")
        "us-ortega-penalty-stroke",
        # number: a photo caption's year is page furniture; captions are not told apart
        "uk-decoy-photo-caption",
        # source: "the team said in a statement" reworded as "a team statement said" is typed
        # a source gone
        "ca-decoy-statement-reworded",
    },
    "edits_labelled_holdout23.toml": {
        # number: "about four metres" -> "4.2 metres" is typed one gone and one come
        "au-crocodile-believed-length",
        # trivial: "Covid-19" -> "COVID-19" in a sentence also changed otherwise is not typed
        "sg-covid-wave-estimates",
        # number: "over two days" in a quotation changed is typed a number gone
        "us-salmonella-quote-corrected",
        # number (the set's own call): a hurricane's "as Category 3" is read as a name
        "us-hurricane-makes-landfall",
        # trivial: "34 degrees Celsius" -> "34°C" is not read as a unit's style
        "sg-decoy-degrees-restyled",
    },
}


#: the sets on real prose (tests/diff/corpus_sets.py: windows of the shared corpus's articles with
#: edits written for newsdiff), skipped where the corpus is absent: their pairs the rules still
#: get wrong, as above
CORPUS_KNOWN_MISSES: dict[str, set[str]] = {
    "edits_corpus1.toml": {
        # number (a span): the headline's count labelled "10,000 teachers rally", typed "More
        # than 10,000": the spans overlap, neither holds the other (the scorer asks that)
        "detroitnews-teachers-lede-count",
        # trivial (disputed): a stray "the" dropped ("the South Dakota's") is a word cut, not
        # typed trivial in a sentence whose figure changed too
        "thehill-noem-youth-rate",
        # certainty (holdout12's call, kept): a hedge inside a quotation that changed ("will
        # take longer" -> "may take longer") is the speaker's word: the quote change is typed
        "foxbusiness-homedepot-outlook-corrected",
        # source: "..., said a European Space Agency research fellow who co-wrote the study" is
        # not read as a source (a rule tried for it gave the agency, not the fellow)
        "sciencealert-titan-coauthor",
        # source: "according to reports from The Wrap and Deadline": two outlets joined by
        # "and" are read as one name ("and" stands inside bodies' names too)
        "verge-startrek-deadline",
    },
    "edits_corpus2.toml": {
        # trivial: a misspelt first letter ("sutomatic") is no spelling fix to the rules: a
        # neighbouring-key rule for it made 45 pairs of the corpus's real words one word
        "chron-autos-typo-forecast-kept-hedge",
        # number (a span): the headline's "more than a third of staff" -> "2,400 jobs" is
        # typed a number gone and one come; the label's spans overlap the rule's
        "trd-wework-layoffs-begin",
        # source (disputed): "Lynn said, via the Los Angeles Times" labelled a source; the
        # rules follow holdout8, holdout13 and corpus1, for which "via" credits none
        "pft-chargers-via-cut-quote-trimmed",
        # number (spans): labelled "106 protesters killed", "375,000 people"; typed "at least
        # 106", "some 375,000": the spans overlap, neither holds the other
        "panarmenian-iran-toll-rises",
        "ap-pge-blackouts-begin",
    },
    # The third and fourth, scored on the rules after the first two's fixes: the gaps their
    # first runs found that are not fixed (their headers give each error).
    "edits_corpus3.toml": {
        # trivial: a two-letter word misspelt ("a medical st Stamford Bridge") is no spelling
        # fix to the rules (words of four letters or more)
        "linknaija-kepa-signed",
        # source: "Rolling Stone reported details of the tour" -> "The band announced details":
        # "reported"/"announced" with an object name no source to the rules
        "cleveland-doobie-band-announced-dates",
        # number (a span): labelled "300 districts", typed "Nearly 300": the spans overlap,
        # neither holds the other
        "detnews-teachers-districts-corrected",
        # source and certainty: "Industry experts expect rates to" -> "Rates are expected to":
        # "expect" names no source to the rules, and "are expected to" is a hedge come
        "chron-autos-experts-cut-hedge-kept",
        # source: "Volker and Morrison said" -> "Morrison said": two capitalised names joined by
        # "and" are one name to the rules ("Marks and Spencer")
        "deccanherald-vindman-quote-trimmed-volker-cut",
    },
    "edits_corpus4.toml": {
        # number: a headline rewritten whole ("plan 30-date tour" -> "now 34 shows") has its
        # figures typed gone and come, not paired (the rules' call: a new claim)
        "billboard-doobies-dates-added",
        # certainty (the rules' call): a headline's question answered ("Is $53 million ...?" ->
        # "... claim rated Mostly True") is firmer; the set labels the headline only
        "politifact-mckinley-ruling-softened",
        # source (conventions differ): "according to Wall Street" cut while "Wall Street
        # predicted" stays in the next paragraph is no source gone to the rules (corpus3's
        # writer labelled it so too); the set labels it removed
        "barrons-homedepot-shares-headline",
        # source: "..., comments Robin Biesbroek of the CDF" is no source to the rules
        # ("comments" is a noun as often), so "said Robin Biesbroek" is one come
        "physorg-hibernation-roadmap-years",
        # source: "explains SciSpacE Team Leader Jennifer Ngo-Anh": a title of two capitalised
        # words and a name of three are longer than a name the rules read
        "physorg-hibernation-team-leader-anonymous",
        # trivial (disputed): a doubled "he said" closed up is a words cut to the rules
        "pioneerpress-wild-pep-talk-doubled-words",
    },
    # The fifth and sixth, scored on analyser version 8 (after the first four's fixes).
    "edits_corpus5.toml": {
        # source (conventions differ): "Morrison's lawyer said" -> "Morrison's lawyer, Ruth
        # Alcott, said" is no source changed to the rules (corpus1's decoy: the same person,
        # now named); the set labels it changed
        "cbsnews-morrison-lawyer-named-counsel-case",
        # number: "at the end of August" -> "in mid-August": the month stays; where in it is
        # not typed
        "cbsnews-volker-politico-cut-mid-august",
        # source: "The Afghan government has ruled out ..." -> "ministry spokesman Rohullah
        # Karimi ruled out ...": "ruled out" reports nothing to the rules
        "aljazeera-afghan-crash-ministry-spokesman-named",
        # number: an ordinal that appears ("for seventh session") is not typed, by the rule
        # that ordinals count only when they change
        "reuters-markets-headline-seventh-hyphen",
        # trivial (disputed): "scored just three four times" -> "four times" is a count gone
        # to the rules
        "twincities-parise-doubled-count-fixed",
        # source (disputed): "Richardson, via USA Today, said" labelled a source; "via"
        # credits none to the rules (corpus2's pft pair likewise)
        "cbssports-richardson-via-cut",
    },
    "edits_corpus6.toml": {
        # source: "researchers at the University of Maryland School of Medicine reported that"
        # is longer than a noun phrase the rules read (four words after "at")
        "quanta-tuft-liggett-lab-anonymous",
        # trivial: "male of female" -> "male or female": two-letter words are no spelling fix
        # to the rules (corpus3's "medical st" likewise)
        "wired-instagram-nbc-cut",
        # correction: a paragraph opening "Note:" is a notice to the rules (the site's label
        # for a sports note here), so its edit is a correction changed
        "timesunion-nhl-hathaway-banned",
        # trivial: "Caldwell Pope" -> "Caldwell-Pope" in a sentence whose figures changed too
        # is not typed (only misspellings, case and spacing are, beside other changes)
        "ap-lakers-closeout-clock-fixed",
        # certainty (a span): a headline's hedge labelled with the word before it ("Sweden
        # expected to"), as in the known misses of holdout22
        "bbc-assange-lede-dropped",
        # source: "a group representing rural counties in California" -> "the Rural County
        # Representatives of California" (the same body named) is a source changed to the
        # rules
        "ap-pge-outage-rounds-updated",
        # number: the headline's "thousands" -> "more than 2,400" is typed a number added (a
        # headline rewritten whole); trivial: a stray "a" cut ("installed a Claure") is a
        # word cut to the rules
        "trd-wework-layoffs-confirmed",
    },
}


def _load(name: str) -> list[dict[str, object]]:
    if name in CORPUS_FILES:
        if not corpus_sets.available(name):
            pytest.skip(f"no shared corpus ({corpus_sets.CORPUS}) or no {name}")
        return corpus_sets.load(name)
    return load(name)


def _known(name: str) -> set[str]:
    return KNOWN_MISSES.get(name, set()) | CORPUS_KNOWN_MISSES.get(name, set())


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return score(load(*FILES))


@pytest.fixture(scope="module")
def per_file():  # type: ignore[no-untyped-def]
    return {
        name: score(p for p in load(name) if p["id"] not in KNOWN_MISSES.get(name, ()))
        for name in FILES
    }


_ALL_KNOWN = {**KNOWN_MISSES, **CORPUS_KNOWN_MISSES}


@pytest.mark.parametrize("pair_id", sorted(i for ids in _ALL_KNOWN.values() for i in ids))
def test_known_misses_still_miss(pair_id: str) -> None:
    """A known miss that the rules come to get right should leave KNOWN_MISSES."""
    name = next(n for n, ids in _ALL_KNOWN.items() if pair_id in ids)
    got = score(p for p in _load(name) if p["id"] == pair_id)
    assert got.errors, pair_id


def test_the_labelled_set_is_large_enough(result) -> None:  # type: ignore[no-untyped-def]
    assert result.labelled >= 150
    for kind in SCORED:
        tally = result.kinds[kind]
        assert tally.tp + tally.fn >= 8, kind


@pytest.mark.parametrize("kind", SCORED)
def test_precision_and_recall_floor(result, kind: str) -> None:  # type: ignore[no-untyped-def]
    tally = result.kinds[kind]
    assert tally.precision >= PRECISION_FLOOR, (kind, result.errors)
    assert tally.recall >= RECALL_FLOOR, (kind, result.errors)


def test_silent_floor(result) -> None:  # type: ignore[no-untyped-def]
    assert result.silent.precision >= PRECISION_FLOOR
    assert result.silent.recall >= RECALL_FLOOR


def _holds_the_floor(name: str, got: Score) -> None:
    for kind in SCORED:
        tally = got.kinds[kind]
        assert tally.precision >= PRECISION_FLOOR, (name, kind, got.errors)
        assert tally.recall >= RECALL_FLOOR, (name, kind, got.errors)
    assert got.silent.precision >= PRECISION_FLOOR, (name, got.errors)
    assert got.silent.recall >= RECALL_FLOOR, (name, got.errors)


@pytest.mark.parametrize("name", FILES)
def test_every_file_holds_the_floor(per_file, name: str) -> None:  # type: ignore[no-untyped-def]
    """Each set alone, not only their sum: a set the rules were not tuned on first shows
    their gaps (the third was written blind and scored once before its fixes)."""
    _holds_the_floor(name, per_file[name])


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_every_set_on_real_prose_holds_the_floor(name: str) -> None:
    """The sets whose text is real articles' (the other sets' texts are all written for
    newsdiff): the real prose around the edits, with its own sources, quotations, figures and
    hedges that stay, is where the rules meet text unlike the sets they were tuned on."""
    pairs = _load(name)
    assert len(pairs) >= 40, name
    ids = [p["id"] for p in pairs]
    assert not CORPUS_KNOWN_MISSES.get(name, set()) - set(ids), "known misses that are no pairs"
    _holds_the_floor(name, score(p for p in pairs if p["id"] not in _known(name)))


def test_both_directions_are_labelled() -> None:
    changes: dict[str, set[str]] = {}
    for pair in load(*FILES):
        for text in pair["edits"]:
            kind, change = text.split("|")[0].split()
            changes.setdefault(kind, set()).add(change)
    assert {"added", "removed", "changed"} <= changes["number"]
    assert {"added", "removed", "changed"} <= changes["quote"]
    assert {"added", "removed", "changed"} <= changes["source"]
    assert {"firmer", "softer"} <= changes["certainty"]
    assert {"added", "removed", "changed"} <= changes["correction"]
