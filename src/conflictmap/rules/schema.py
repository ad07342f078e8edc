"""The keys every per-language rules file (``<lang>.toml``) holds: its ``[markers]``
patterns, its ``[dates]`` words and patterns and its ``[words]`` lists, each with what reads
it. Adding a key here makes every language file need it (``rules.load_file`` checks)."""

from __future__ import annotations

MARKER_KEYS = (
    "claim", "confirm", "denial", "negation", "hypothetical", "future", "infinitive", "static",
    "durative", "territory", "partial_contested", "partial_capture", "partial_adverb_capture",
    "partial_adverb_contested", "near", "locative", "source", "agent", "loser", "speaker_after",
    "anaphora_town", "anaphora_region", "title_after", "clause_break", "passive_aux", "active_aux",
    "actor_suffix", "feature_after", "again", "relative", "attributive", "verb_after",
    "site_object", "state_change", "still", "pronoun_subject", "unsettled", "proximity",
    "purpose", "adjunct", "continuation", "compound_after", "proxy_before", "subject_clause",
    "owner_after", "partial_after", "pronoun_object",
    # "fighting on the edges of X, which the army captured in 2020": an edge before a place
    # belongs to the main clause, not to the relative clause's change after it (eventplaces.py)
    "edge_before",
    # "de verovering van twee dorpen, A en B": a count of place nouns and a comma between a
    # "next"-target trigger and the list it names (eventplaces._next_targets)
    "count_list",
    # factuality and time per clause (factuality.py)
    "related_line", "related_heading", "earlier", "holding", "mention", "wish", "backer_by",
    "no_longer",
    "denial_back", "holding_after", "civil_domain", "civil_act", "extent_verb",
    # a compass phrase between a place and the relative clause about it (eventrelatives.py)
    "antecedent_gap",
    # "Rastan north of Homs, which ...": a compass point between a place and a town that only
    # locates it; the relative clause after the town is about the place (eventrelatives.py)
    "locator_gap",
    # (s16) a list of capitalised names and the words after it that tie them to a town the
    # gazetteer knows ("Synkivka (9km northeast of Kupiansk)"): names it lacks, placed near that
    # town (anchored.py)
    "anchor_names", "anchor_after", "anchor_before",
    # "milities uit Misrata verdreven IS uit Sirte": the side's home town (clauseplaces.py)
    "origin_before",
    # "Vovchansk in the Kharkiv region": a region after a town only locates it (clauseplaces.py)
    "region_after_town",
    # "beide steden", "both towns": the last two towns named (clauseplaces.py)
    "anaphora_both",
    # "captured the provincial capital of Kunduz", "de provinciehoofdstad van X": a capital's
    # phrase right after the trigger names the town itself, no reference point (clauseplaces.py)
    "capital_object",
    # ", a claim the Armenian side denied": a denial set after a claim as its apposition; it
    # denies that claim, not an earlier clause of the sentence (eventstatus.claim_undenied)
    "denied_claim",
    # "The newly captured villages include A and B": after an attributive participle, a list
    # the sentence goes on to name is a report, not a description (triggers._blocked)
    "attributive_list",
    # "die havens", "those towns": the towns of the list named last (clauseplaces.py)
    "anaphora_list",
    # ", de stad die ...", ", the town the rebels had held": an apposition opening a relative
    "apposition_relative",
    # "Hama, dat de rebellen nooit hadden kunnen houden, viel", "X, which the army had never
    # lost, fell": a relative clause set between a subject and its verb; its words neither
    # negate nor make hypothetical the main clause's trigger after it (triggers.py)
    "embedded_relative",
    # "entered X, but do not control it", "trokken X binnen, maar hebben de stad niet in
    # handen": after an entry trigger (``entry``), fighting for the place, not its capture
    "not_held",
    # "in the first months of the war": a time told only by the war's start (factuality.py)
    "war_relative",
    # "fighting went on in the village of X", "in het nabijgelegen dorp X": a place the text
    # calls a village of its own or nearby, no district of a town just taken (taken_districts)
    "separate_place",
    # "in de havenwijken Tawahi en Mualla", "the Shejaiya district": a place the text calls a
    # district; a town of unknown size has districts only so named (taken_districts)
    "district_word",
    # the change verbs whose place right before them is their subject when another place
    # follows as the object ("KDF and Ras Kamboni take Afmadow"): any verb in English; none
    # in Dutch, where an object stands before a participle ("hebben Paletwa ingenomen")
    "subject_verb",
    # "Damascus herovert Palmyra": a capital that opens its sentence right before the verb is
    # the government, the verb's subject, when another place follows (eventplaces._subject_before)
    "capital_subject_verb",
    # ", zegt het ministerie in Moskou", ", the ministry in Moscow said": a trailing clause that
    # says who reports the change; a place in it is the speaker's (clauseplaces.py)
    "speaker_clause",
    # "volgens Rabat", "according to Baku": the town before it speaks (clauseplaces.py)
    "speaker_before",
    # ", supported by Russian fighters and by drones from Turkey,": an open participle phrase
    # naming the sides that back the one that acts (eventactors.py)
    "backing_phrase",
    # "fighters loyal to the STC", "strijders die loyaal zijn aan de STC": the words after a
    # generic noun that name whose it is (eventactors.resolve_actor)
    "loyal_after",
    # ", a town in Cabo Delgado province", ", on the southern border of": an apposition after a
    # town or name that only locates it in the region that follows (clauseplaces.py)
    "region_locator",
    # "the army's last Darfur stronghold", "the Amhara town": a region used as an attribute of
    # a place noun after it, not the changed place (clauseplaces.py)
    "region_attribute",
    # "captured dozens of army outposts", "tientallen legerposten heeft overgenomen": a trigger
    # whose object is a count of unnamed places takes none of the named ones around it
    # (triggers.py; counted_after is matched at the trigger's end, counted_before at its start)
    "counted_after", "counted_before",
    # "Van onze correspondent, Jeruzalem, 10 februari", "By our Middle East staff | JERUSALEM,
    # May 8", "Port Sudan | 12 May 2024": a byline or dateline line (matched on the line alone);
    # its place is where the story was filed, never a place that changed (clauseplaces.py)
    "byline",
    # an object pronoun before the trigger, in a verb-final clause ("IS had het in mei
    # ingenomen", "werden de jihadisten er verdreven"; eventplaces.pronoun_targets)
    "pronoun_object_before",
    # "Daar wordt hevig gevochten", "fighting raged there": a place pronoun that stands for
    # the town named before, for fighting (eventplaces.pronoun_targets)
    "pronoun_locative",
    # "opnieuw in handen van Bagdad", "back in the hands of Baghdad": the place after the
    # trigger's own words holds the place, not the place that changed (clauseplaces.py)
    "holder_before",
    # ", cutting X off", ", waardoor X werd afgesneden": a result of the change, whose place
    # is the participle's object, not the place that changed (clauseplaces.py)
    "result_before",
    # "fighting on the road to Pokrovsk", "gevechten op de weg naar X": a road named by where it
    # leads; the town is neither fought in nor taken (clauseplaces.passed_over)
    "route_before",
    # "the village", "het dorp": an anaphor too small for the seat of those who speak ("Officials in
    # Moscow hailed the capture of the village": not Moscow; clauseplaces._anaphora)
    "anaphora_small",
    # "the Gaza side of the Rafah crossing": a part of a site named right after it is the
    # site, not a place it only locates (clauseplaces.passed_over)
    "site_part_before",
    # "where the alliance claimed to have taken the town's police station": the trigger's
    # object is a building of the town, not the town before it (eventplaces.py)
    "part_object",
    # "rebels entered the capital", "de Libische hoofdstad": the capital of the war's country
    # (or of the nationality named), when the text names it (clauseplaces.py)
    "anaphora_capital",
    # "het was de tweede keer dat de taliban Kabul innamen", "the second time (that) X fell":
    # a change the text has told already, counted; it joins that report (events.py)
    "repeat_reference",
    # "de laatste stad in Darfur die nog in handen was van het leger,": a relative clause with
    # no comma before it, closed by one; its actor did no change of the main clause
    # (eventactors._closed_relatives)
    "bare_relative",
    # "De regering in Kabul ontkent dat", "the government in Tripoli said": the seat of those
    # who govern or speak, not a place fought over or taken (clauseplaces.passed_over)
    "seat_before",
)
DATE_KEYS = (
    "years_ago_day", "today", "yesterday", "day_before_yesterday", "last_night", "this_week",
    "last_week",
    "weekend", "week_ago", "weeks_ago", "days_ago", "past_days", "past_weeks", "month_begin",
    "month_start",
    "month_end", "last_month", "since", "then", "same_day", "last_year", "this_year",
    "weekday_suffix",
    "days_after", "weeks_after", "after_noun", "anniversary", "months_after", "years_after",
    "more_than",
    # "less than two weeks after/ago": from that long before up to the date it counts from
    "less_than",
    "days_later", "weeks_later", "months_later", "years_later",
    "days_earlier", "weeks_earlier", "months_earlier", "years_earlier",
    "relative_start", "anterior", "present", "described",
    "spring", "summer", "autumn", "winter", "season_last", "season_this",
    # "that same spring", "datzelfde jaar": the season or year of the sentence before
    "season_then", "then_year",
    # "a month ago", "two months ago", "twee maanden geleden"
    "month_ago", "months_ago",
    # "winter 2022-23", "de winter van 2022 op 2023": the second year of a winter
    "winter_next",
    # "the following May", "het voorjaar daarop": the first such month or season after it
    "then_next",
    # "the night before", "de avond ervoor": the day before the date of the sentence before
    "then_before",
    # "a decade ago", "twee decennia geleden": ten years each
    "decade",
    # "the fastest advance since foreign troops began their withdrawal in May": the
    # since-clause's own date, no change's (as since_start)
    "since_clause",
    # "held it for about two weeks before the army drove them out": that long after the
    # sentence before (context_dates.time_later)
    "days_held", "weeks_held", "months_held",
    # "the first/second half of October", "de tweede helft van 2023": that half
    "first_half", "second_half",
    "year_begin", "year_end", "year_mid", "year_in", "years_ago", "first_since",
    "since_when", "month_before", "count_after", "weekday_last", "when_clause", "until",
    # "in the 2020 war", "tijdens de oorlog van 2020": a war or campaign named by its year
    # dates a clause that names no date (sentence_years.war_year)
    "war_year",
    "days_within", "weeks_within", "began_before", "began_after", "month_range",
    # "..., days after they retook X", "enkele weken nadat": no count, a stretch before the
    # main clause's date (context_dates.time_before)
    "vague_days_after", "vague_weeks_after",
    # "Damascus viel zondag, nadat de rebellen Hama hadden veroverd": a clause after the main
    # one with no date of its own, in the days up to the main clause's date
    "after_clause",
    # "since the start of the invasion (in February)": the date is the since-phrase's
    # (dates.py), not the change's
    "since_start",
    # "the war, which broke out on 15 April 2023", "sinds de invasie van 24 februari 2022": the
    # day the war began, named right after it (war_start.py)
    "war_began",
    # "In de nacht van 7 op 8 augustus 2008", "On the night of 7-8 August 2008": a part of
    # the day before a date that still opens its sentence (context_dates._text_date)
    "date_lead",
)
# ``[words]``: the function words (articles, conjunctions, prepositions, auxiliaries...) and
# other short word lists the code builds its own patterns from (``Words.compile``), so that
# no Python module holds a language's words. Each key a list of words or phrases.
WORD_KEYS = (
    "and",
    # "briefly overran X before pulling out", "nam X in, waarna ze zich terugtrokken": the
    # words after a taking that open a leaving of the same subject (events._taker_leaves)
    "keeps_subject",
    # "Daarna verdreef het leger de rebellen uit X": a one-word adverbial that opens a main
    # clause, after which the verb comes second and the subject after it (eventactors.py)
    "clause_adverb",
    # "de grootste haven van Israël": a country that owns the place, not an actor in it
    "owned_place_noun",
    # "Its capture of X ... was one of the heaviest blows": a past copula after a mention
    "past_copula",
    "again",
    # "entered X for the first time since the rebels seized it": the gainer is back, a return
    # (CODEBOOK.md, Clarifications: "for the first time since 2001 ... again"; events.py)
    "first_since",
    "taking_past",
    # "captured Shusha on November 8, returning it to Azerbaijani control", "nam X in, waarmee
    # de stad weer ...": a clause after a taking that tells it as a return (events.py)
    "return_gerund",
    "return_back_gerund",  # "bringing it back under", not "bringing them to Marib's doorstep"
    "return_back",
    "return_object",
    "return_to",
    # "nadat ze het stadje aan al-Shabaab hadden verloren": the side after it took the place
    # from the one that withdrew or lost it (eventactors.py)
    "recipient_preposition",
    "date_opener",
    "date_preposition",
    "or",
    "definite_article",
    "as_well_as",
    "article",
    "possessive",
    "of",
    "town_noun",
    "relative_pronoun",
    "subject_relative",
    "leaver_pronoun",
    "perfect_aux",
    "aux_stop",
    "return_what",
    "agent_preposition",
    "in",
    "district_noun",
    "locating_preposition",
    "of_that_year",
    "perfect_auxiliary",
    "actor_preposition",
    "together_with",
    "ordinal_suffix",
    "month_preposition",
    "settlement_noun",
    "not_a_name",
    "participle_ending",
    # "the Kokang minority", "de Kachin-minderheid": a word after a people's or a region's
    # name that makes it the name of a people, no place (toponym_words.group_tails)
    "people_tail",
    # "the Ouagadougou conference centre in Sirte": a building named after a town, no place
    "building_tail",
    # "het bestand van Minsk", "the Minsk agreements": a town that names an accord, no place of
    # the news (toponyms._names_accord)
    "accord_before", "accord_after",
    # "in the first days/weeks/months of the war": the unit it counts in; "the offensive": a
    # campaign's start, not the war's (war_start.py)
    "span_days", "span_weeks", "span_months", "span_year", "offensive_noun",
    "site_tail",
    "people",
    # "'Our forces have taken X,' the TPLF said": a generic noun after it is the speaker's side
    "first_person_possessive",
    # "The RSF said its forces had captured X": the side named before the possessive
    # (actorresolution._own_forces)
    "third_person_possessive",
    # "Tuareg-led rebels", "Russian-backed forces": the second part of a hyphenated attribute;
    # the capitalised word before it names no place (clauseplaces._named)
    "compound_tail",
    # the words toponym recognition works with (toponym_words: the union of every language
    # file's list, as names are found before an article's language counts)
    "name_connector", "title", "not_person_title", "region_before", "region_plural",
    "region_after", "site_after", "unit_before", "name_particle", "army_noun", "place_noun",
    "actor_after", "group_after", "capture_before", "capture_after",
    "organisation_word", "apposition_noun", "direction", "object_filler", "organisation_link",
    # where a name is said to lie (namesakes.py)
    "compass", "area_filler", "region_word", "near_word", "reference_word", "near_filler",
    "settlement_end",
    # "de internationale luchthaven": the town's international airport (airports.py)
    "international",
    # "in LNA hands", "in IS-handen": the noun after a side that makes "in X" its holding,
    # not a location (actorresolution.as_location)
    "holder_noun",
    # "Khalifa Haftar ... His forces seized X", "zijn troepen": a possessive before a generic
    # noun that makes it the forces of the side named last (actorresolution.resolve_actor)
    "owner_possessive",
    # "An ethnic armed group fighting Myanmar's military government said it had taken X": the
    # side named as the one fought is no antecedent of the pronoun (eventactors._pronoun_subject)
    "opponent_before",
    # (bg15) "ruled it until ... drove them out": a hold the clause after it ends
    # (eventobjects.held_until)
    "hold_past",
    "hold_until",
)
