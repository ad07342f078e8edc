"""Passes over one article's reports as a whole, after each sentence has been read: a claim
the article denies elsewhere is disputed (``propagate_denials``), a headline's change takes
the date the body gives it (``headline_dated_by_body``), a section heading with no side
reports nothing (``drop_section_headings``), and fighting for a place that the article says
changed hands in those days is part of that change (``drop_fighting_before_change``)."""

from __future__ import annotations

from dataclasses import replace

from conflictmap.date_choice import default_interval
from conflictmap.model import Actor, Article, Change, Event, Status
from conflictmap.rules.literals import Guarded
from conflictmap.taken_districts import FIGHTING_AFTER_DAYS, in_district_of_taken, takings_by_town


def propagate_denials(events: list[Event]) -> list[Event]:
    """A claim the same article denies elsewhere is disputed too (so the reports merge)
    unless the two go opposite ways (``_same_gainer``); so is an unattributed capture
    ("Azerbeidzjan neemt Sjoesja in" as a headline) that the article's own denial answers."""
    denied = [e for e in events if e.status is Status.DISPUTED]
    if not denied:
        return events
    out = []
    for e in events:
        if ((e.status is Status.CLAIMED and e.change is not Change.WITHDRAWAL)
                or (e.status is Status.REPORTED and e.change is Change.CAPTURE)) and any(
                d.place.id == e.place.id and d.period.overlaps(e.period)
                and _same_gainer(d, e) for d in denied) and not _left_by_loser(e, events):
            e = replace(e, status=Status.DISPUTED, change=Change.CONTESTED)
        out.append(e)
    return out


def _left_by_loser(claim: Event, events: list[Event]) -> bool:
    """The article reports, undenied, the other side's leaving of the claimed place in the
    claim's days ("meldden dat ze de stad in handen hadden; het leger trok zich terug"): the
    claim is confirmed, and a denial of an earlier stage (a live blog's entry of the day
    before) does not turn it into a dispute."""
    return any(w.change is Change.WITHDRAWAL and w.status is Status.REPORTED
               and w.place.id == claim.place.id and w.period.overlaps(claim.period)
               and _same_gainer(w, claim) for w in events)


def _same_gainer(a: Event, b: Event) -> bool:
    """The two reports may be of one change: not when one's gainer is the other's loser or
    a state's forces gain in one and a non-state group in the other ("Taliban say they
    still hold the city" denies the army's retaking, not the Taliban's own capture)."""
    def side(actor: Actor | None) -> str:
        return actor.side if actor is not None else ""

    if a.actor is not None and b.actor is not None and a.actor.kind != b.actor.kind:
        return False
    return not ((side(a.actor) and side(a.actor) == side(b.losing_actor))
                or (side(b.actor) and side(b.actor) == side(a.losing_actor)))


TAKING = frozenset({Change.CAPTURE, Change.RECAPTURE})


def headline_dated_by_body(article: Article, events: list[Event]) -> list[Event]:
    """A headline's change with no time word of its own ("Army regains X, a year after
    losing it") is the one change of that place the body tells with a date ("By early March
    the army had retaken it"): it takes that date, so the two are one event."""
    first = article.text.find("\n")
    if first < 0 or not events:
        return events
    window = default_interval(article.period)
    title = _title_lines(article.text, first)
    out: list[Event] = []
    for e in events:
        headline = _in_title(e, first, title)
        if headline and e.period == window:
            body = [b for b in events if b.place.id == e.place.id
                    and b.sources and not _in_title(b, first, title)
                    and (b.change is e.change or {b.change, e.change} <= TAKING)
                    and (e.actor is None or b.actor is None or e.actor.side == b.actor.side)
                    and (window.start - b.period.end).days <= HEADLINE_NEWS_REACH_DAYS]
            # "Kadhafi-troepen heroveren Brega" over a body that also tells the rebels'
            # capture of March: the recapture the body dates is the headline's
            same = [b for b in body if b.change is e.change]
            if len({b.period for b in same}) == 1:
                body = same
            if len({b.period for b in body}) == 1:
                told = body[0].period
                narrowed = told.intersect(e.period) if told.overlaps(e.period) else told
                e = replace(e, period=narrowed or told)
        if headline:
            e = _named_by_body(e, events, first, title)
        out.append(e)
    return out


def _in_title(event: Event, first: int, title: set[str]) -> bool:
    """True when the event's first report is the headline (the first line, ending at
    ``first``) or a line that repeats it."""
    return bool(event.sources) and (event.sources[0].start < first
                                    or event.sources[0].quote.strip() in title)


def _named_by_body(headline: Event, events: list[Event], first: int,
                   title: set[str]) -> Event:
    """A headline's change takes the sides the body gives the one change of that type and
    place it tells in those days ("Libische milities heroveren Brega" over "Troepen die loyaal
    zijn aan de eenheidsregering hebben Brega heroverd"), so the two are one event: the
    headline names the gainer more loosely. Not when the body tells that change by more
    than one side, nor when a side of one is the other's opponent."""
    body = [b for b in events if b.place.id == headline.place.id and b.sources
            and not _in_title(b, first, title) and b.change is headline.change
            and b.period.overlaps(headline.period)
            and b.actor is not None]
    sides = {b.actor.side for b in body if b.actor is not None}
    if len(sides) != 1 or headline.actor is None or headline.actor.side in sides:
        return headline
    told = body[0]
    if any(x is not None and y is not None and x.side == y.side for x, y in (
            (headline.actor, told.losing_actor), (told.actor, headline.losing_actor))):
        return headline  # opposite sides: two changes
    return replace(headline, actor=told.actor,
                   losing_actor=told.losing_actor or headline.losing_actor)


_HEADING_WORDS = 8
"""At most this many words in a body line that heads a section ("Terugtrekking uit Tigray")."""


def _section_heading(text: str, start: int, first: int) -> bool:
    """True when ``start`` stands on a short line of the body, after a blank line and with no
    closing punctuation: a section heading, not the headline (the first line) or a sentence."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start <= first or not text[:line_start].endswith("\n\n"):
        return False
    line_end = text.find("\n", line_start)
    line = text[line_start:len(text) if line_end < 0 else line_end].strip()
    return (bool(line) and line[-1].isalnum() and len(line.split()) <= _HEADING_WORDS
            and line_end > 0 and text[line_end + 1:line_end + 2].strip() != "")


def drop_section_headings(article: Article, events: list[Event]) -> list[Event]:
    """A change named only by a section heading in the body, with no side ("Terugtrekking
    uit Tigray" over paragraphs of background) is the section's topic, not a report: the
    section's own sentences tell what changed, and when."""
    first = article.text.find("\n")
    if first < 0:
        return events
    return [e for e in events
            if e.actor is not None or e.losing_actor is not None or not e.sources
            or not all(_section_heading(article.text, src.start, first) for src in e.sources)]


HEADLINE_NEWS_REACH_DAYS = 366
"""How long before an article's window a change the body dates can still be the headline's
news ("Army regains X, a year after losing it" over "By mid-January the army had retaken
X"); a change told years before ("IS took the city in early 2014") is background, and the
headline ("Raqqa gevallen") keeps the article's own window."""


def _title_lines(text: str, first: int) -> set[str]:
    """The headline's text: the first line, which a page often repeats as a line of its
    own (the reader has already taken a " date ..." header off: sources/text.py)."""
    return {text[:first].strip()} - {""}


def drop_fighting_before_change(events: list[Event], separate: Guarded,
                                district: Guarded) -> list[Event]:
    """Fighting for a place the same article says changed hands in that window is part of
    that change, not a second event (undisputed contested reports only); so is fighting
    that goes on in a town a day or two after it was taken (CODEBOOK: it adds contested to
    the taking's acceptable types: "took X on Saturday; on Sunday fighting went on"). A place
    the report calls a village of its own or nearby (``separate``: markers.separate_place) is
    no district of a taken town; ``district`` (markers.district_word) names one."""
    changes = [e for e in events if e.change is not Change.CONTESTED]
    takings = takings_by_town(changes)
    return [e for e in events
            if e.change is not Change.CONTESTED
            or ((not in_district_of_taken(e, takings,
                                          any(district.search(s.quote) for s in e.sources))
                 or any(separate.search(s.quote) for s in e.sources))
            and not any(c.place.id == e.place.id and (
                # a denied claim ends in the change the text reports after it ("Turkey
                # claimed the town on 12 October, the SDF denied it; they withdrew on
                # Sunday", or a live blog's "gisteren ... binnengedrongen, ontkend" under
                # "vannacht trokken ze zich terug"), not in one told as earlier
                (c.period.overlaps(e.period) and e.status is not Status.DISPUTED)
                or (e.status is Status.DISPUTED and (c.period.start > e.period.start or (
                    c.period.start == e.period.start and c.period.end > e.period.end))
                    and (c.period.start - e.period.end).days <= CLAIM_ENDS_DAYS)
                or (c.change in TAKING and e.status is not Status.DISPUTED
                    and 0 < (e.period.start - c.period.end).days <= FIGHTING_AFTER_DAYS))
                for c in changes))]


CLAIM_ENDS_DAYS = 10
"""How long after a denied claim (fighting goes on) a change of the place is where it ended."""
