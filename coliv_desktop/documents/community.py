"""House life printouts: a notice for the noticeboard, an event's flyer, the house newsletter.

Times are printed on the operator's wall clock (`astimezone()`), as they were typed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from coliv_desktop.documents.base import Document, Letterhead, long_date
from coliv_desktop.schemas.community import AnnouncementOut, EventOut, PostOut

_PRIORITY = {"normal": "", "important": "IMPORTANT", "urgent": "URGENT"}
_CATEGORY = {"general": "General", "event": "Event", "lost_found": "Lost & found",
             "marketplace": "Marketplace", "recommendation": "Recommendation",
             "notice": "Notice"}


def when(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{long_date(local.date())} at {local:%H:%M}"


def _span(event: EventOut) -> str:
    text = when(event.date_time)
    if event.ends_at is not None:
        end = event.ends_at.astimezone()
        same_day = end.date() == event.date_time.astimezone().date()
        text += f" to {end:%H:%M}" if same_day else f" to {when(event.ends_at)}"
    return text


def notice(head: Letterhead, data: AnnouncementOut, audience: str) -> Document:
    flag = _PRIORITY.get(data.priority, "")
    doc = Document(head, data.title, f"{flag + ' · ' if flag else ''}Notice to {audience}")
    for block in data.message.split("\n\n"):
        doc.paragraph(block)
        doc.spacer(2)
    doc.spacer(4)
    posted = long_date(data.created_at.astimezone().date())
    facts = [("Posted", f"{posted} by {data.created_by}")]
    if data.expires_on is not None:
        facts.append(("Valid until", long_date(data.expires_on)))
    doc.facts(facts)
    return doc


def flyer(head: Letterhead, data: EventOut, property_name: str) -> Document:
    doc = Document(head, data.title, f"{property_name} · house event")
    doc.paragraph(_span(data), "big")
    doc.spacer(4)
    if data.description:
        doc.paragraph(data.description)
        doc.spacer(4)
    facts = [("When", _span(data)), ("Where", data.location or property_name)]
    if data.max_attendees is not None:
        free = max(data.max_attendees - data.going, 0)
        facts.append(("Places", f"{data.max_attendees} ({free} still free)" if free
                      else f"{data.max_attendees} (full: answer to join the waitlist)"))
    doc.facts(facts)
    doc.spacer(6)
    doc.paragraph("Tell us if you are coming, so we can plan for everyone.")
    return doc


def newsletter(head: Letterhead, property_name: str, written_on: date,
               posts: Sequence[PostOut], events: Sequence[EventOut]) -> Document:
    doc = Document(head, f"{property_name} newsletter", long_date(written_on))
    doc.heading("Coming up")
    if events:
        doc.table(["When", "What", "Where"],
                  [[_span(e), e.title, e.location or ""] for e in events], widths=(60, 70, 50))
    else:
        doc.paragraph("No events are planned yet: suggest one!")
    doc.heading("From the house board")
    if not posts:
        doc.paragraph("Nothing was posted lately.")
    for post in posts:
        day = long_date(post.created_at.astimezone().date())
        doc.paragraph(f"{_CATEGORY.get(post.category, post.category)} · {post.author_name} · "
                      f"{day}", "cell_bold")
        doc.paragraph(post.content)
        doc.spacer(3)
    return doc
