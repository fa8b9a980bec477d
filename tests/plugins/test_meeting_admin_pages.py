"""The pages for the rest of the meetings and decisions API (core/meetings/views.py,
agenda_views.py, minutes_views.py and core/decisions/views.py):
creating meetings (ALB-B7, SLA-7), moving them, editing and reordering items, mandates
(KBH-7), dissents (SLA-6), corrected minutes, changed votes, the rules' dry run, and the
Danish names of breached deadlines, on Albertslund's, Slagelse's and Copenhagen's bodies.

Each action is posted as a browser without JavaScript does (the ``submit`` fixture): its
effect is checked in the database and on the page, a bad input names the field and changes
nothing, a refusal cites its clause, and a role without the right is refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from core.decisions.models import Dissent, Vote, VoteChange, VoteChoice
from core.extensions import db
from core.meetings.models import (
    AgendaItem,
    BreachKind,
    DeadlineBreach,
    MandateDelegation,
    Meeting,
    MeetingKind,
    MeetingState,
    MinutesEntry,
)
from tests.web.conftest import submit  # noqa: F401  (a fixture)
from tests.web.refused import error_text, field_message

T = "albertslund"
SECRETARY = "sanne.skov@abc.example"  # secretary of Bestyrelsen and tenant administrator
LEADER = "lise.lindholm@bo-vest.example"  # BO-VEST's meeting leader (ALB-B6)
VA, AB, AKB = (
    "vibeke.vestergaard@va.example",
    "bent.albrechtsen@ab.example",
    "kamma.berthelsen@akb.example",
)
MAYOR = "steffen.borg@albertslund.example"
OUTSIDER = "dagmar.dalsgaard@albertslund.example"  # no seat in Bestyrelsen

KBH = "kobenhavn"
AMAGER = "bydelsbestyrelse-amager-vvvk"
KBH_SEC = "bolette.sejr@bsk.example"  # secretary of Bydelsbestyrelse Amager + VVVK
KBH_MEMBER = "signe.vang@sof.kk.example"  # SOF Voksen's member there

SLA = "slagelse"
SLA_CHAIR = "frede.fogh@fob.example"
SLA_MEMBER = "sonja.bruun@slagelse-boligselskab.example"


@pytest.fixture
def board(sync_tenant):
    sync_tenant(T)


@pytest.fixture
def look(in_tenant):
    """``look(slug, fn)``: run ``fn()`` against the tenant's rows as they are now."""

    def _look(slug, fn):
        with in_tenant(slug):
            db.session.expire_all()
            return fn()

    return _look


def page(meeting_id: int) -> str:
    return f"/{T}/moeder/{meeting_id}"


def meetings_of(slug: str, body: str) -> str:
    return f"/{slug}/organer/{body}/moeder"


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _error(html: str) -> str:
    return error_text(html)


# --------------------------------------------------------------------------- create a meeting


def test_secretary_creates_an_ordinary_meeting_from_the_meetings_page(board, member, submit, look):
    sec = member(SECRETARY)
    assert 'action="/albertslund/organer/bestyrelse/moeder"' in sec.get(
        meetings_of(T, "bestyrelse")
    ).get_data(as_text=True)
    html = submit(
        sec,
        meetings_of(T, "bestyrelse"),
        meetings_of(T, "bestyrelse"),
        kind="ordinary",
        date="2020-11-12",
        time="17:00",
        location="Rådhuset, mødesal 2",
        title="Bestyrelsesmøde",
    ).get_data(as_text=True)
    assert "Mødet er oprettet." in html and "Rådhuset, mødesal 2" in html
    assert "12.11.2020 kl. 17:00" in html  # local time on the meeting page
    m = look(
        T, lambda: db.session.scalar(sa.select(Meeting).filter_by(location="Rådhuset, mødesal 2"))
    )
    assert m.kind is MeetingKind.ORDINARY and m.starts_at == datetime(2020, 11, 12, 16, tzinfo=UTC)
    assert m.state is MeetingState.PLANNED


def test_extraordinary_meeting_called_for_the_secretariat_cites_ALB_B7(board, member, submit, look):
    html = submit(
        member(SECRETARY),
        meetings_of(T, "bestyrelse"),
        meetings_of(T, "bestyrelse"),
        kind="extraordinary",
        on_behalf_of="secretariat",
        date="2020-11-20",
        time="09:00",
        call_reason="Akut sag om budgettet",
    ).get_data(as_text=True)
    assert "Mødet er oprettet." in html and "Akut sag om budgettet" in html and "ALB-B7" in html
    m = look(
        T, lambda: db.session.scalar(sa.select(Meeting).filter_by(kind=MeetingKind.EXTRAORDINARY))
    )
    assert m is not None and "ALB-B7" in m.call_reason


def test_a_single_member_calling_an_extraordinary_meeting_is_refused_with_the_clause_ALB_B7(
    board, member, submit, look, clock
):
    clock.set(datetime(2020, 9, 1, 9, tzinfo=UTC))
    va = member(VA)
    form = va.get(meetings_of(T, "bestyrelse")).get_data(as_text=True)
    assert "Indkald til ekstraordinært møde" in form and "Planlæg året" not in form
    html = submit(
        va,
        meetings_of(T, "bestyrelse"),
        meetings_of(T, "bestyrelse"),
        kind="extraordinary",
        date="2020-11-20",
        time="09:00",
    ).get_data(as_text=True)
    assert "(ALB-B7)" in _error(html)
    assert look(T, lambda: _count(Meeting)) == 0


def test_creating_a_meeting_without_a_date_names_the_field_and_creates_nothing(
    board, member, submit, look
):
    html = submit(
        member(SECRETARY),
        meetings_of(T, "bestyrelse"),
        meetings_of(T, "bestyrelse"),
        kind="ordinary",
        location="Et sted",
    ).get_data(as_text=True)
    assert _error(html) == "Tidspunkt: skal udfyldes."
    html = submit(
        member(SECRETARY),
        meetings_of(T, "bestyrelse"),
        meetings_of(T, "bestyrelse"),
        kind="ordinary",
        date="12-11-2020",
        time="17:00",
    ).get_data(as_text=True)
    assert _error(html).startswith("Tidspunkt: skriv datoen som ÅÅÅÅ-MM-DD")
    html = submit(
        member(SECRETARY),
        meetings_of(T, "bestyrelse"),
        meetings_of(T, "bestyrelse"),
        kind="ordinary",
        date="2020-11-12",
        time="17:00",
        online_url="teams",
    ).get_data(as_text=True)
    assert _error(html) == "Link til onlinemøde: er ikke en gyldig adresse (https://…)."
    assert look(T, lambda: _count(Meeting)) == 0


def test_only_the_secretariat_plans_an_ordinary_meeting_and_outsiders_see_nothing(
    board, member, submit, look
):
    resp = submit(
        member(VA),
        meetings_of(T, "bestyrelse"),
        meetings_of(T, "bestyrelse"),
        follow=False,
        kind="ordinary",
        date="2020-11-12",
        time="17:00",
    )
    assert resp.status_code == 403 and "Du har ikke adgang til dette" in resp.get_data(as_text=True)
    resp = submit(
        member(OUTSIDER),
        f"/{T}/",
        meetings_of(T, "bestyrelse"),
        follow=False,
        kind="extraordinary",
        date="2020-11-12",
        time="17:00",
    )
    assert resp.status_code in (403, 404)
    assert look(T, lambda: _count(Meeting)) == 0


@pytest.mark.parametrize(
    "who, supporters, ok",
    [
        (SLA_CHAIR, "", True),  # the chair calls
        (SLA_MEMBER, "", False),  # one member alone
        (
            SLA_MEMBER,
            (
                "anders.broendum@sab-slagelse.example\nbirte.skaelby@skaelskoer-boligselskab.example\n"
                "klaus.korsholm@boligkorsoer.example"
            ),
            True,
        ),  # a majority of the members
    ],
)
def test_extraordinary_callers_SLA_7(sync_tenant, member, submit, look, clock, who, supporters, ok):
    sync_tenant(SLA)
    clock.set(datetime(2019, 1, 5, 9, tzinfo=UTC))
    fields = {
        "kind": "extraordinary",
        "date": "2019-05-01",
        "time": "15:00",
        "supporters": supporters,
        "on_behalf_of": "members_majority" if supporters else "self",
    }
    html = submit(
        member(who), meetings_of(SLA, "bestyrelse"), meetings_of(SLA, "bestyrelse"), **fields
    ).get_data(as_text=True)
    if ok:
        assert "Mødet er oprettet." in html and "SLA-7" in html
        assert look(SLA, lambda: _count(Meeting)) == 1
    else:
        assert "(SLA-7)" in _error(html)
        assert look(SLA, lambda: _count(Meeting)) == 0


# --------------------------------------------------------------------------- edit a meeting


def test_secretary_moves_a_meeting_and_those_invited_are_told_again(
    board, create_meeting, member, submit, look
):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.AGENDA_PUBLISHED)
    sec = member(SECRETARY)
    assert f"/{T}/moeder/{meeting}/rediger" in sec.get(page(meeting)).get_data(as_text=True)
    edit = f"{page(meeting)}/rediger"
    form = sec.get(edit).get_data(as_text=True)
    assert 'value="2020-10-01"' in form and 'value="16:00"' in form  # prefilled in local time
    html = submit(
        sec,
        edit,
        edit,
        date="2020-10-08",
        time="18:30",
        location="Kulturhuset",
        title="Flyttet møde",
        duration_minutes="90",
        online_url="",
    ).get_data(as_text=True)
    assert "Mødet er ændret." in html and "Kulturhuset" in html and "08.10.2020 kl. 18:30" in html
    m = look(T, lambda: db.session.get(Meeting, meeting))
    assert m.starts_at == datetime(2020, 10, 8, 16, 30, tzinfo=UTC) and m.duration_minutes == 90
    assert m.revision == 1


def test_moving_a_meeting_with_a_bad_link_names_the_field_and_changes_nothing(
    board, create_meeting, member, submit, look
):
    meeting = create_meeting(T, "bestyrelse")
    edit = f"{page(meeting)}/rediger"
    html = submit(
        member(SECRETARY),
        edit,
        edit,
        date="2020-10-08",
        time="18:30",
        location="Kulturhuset",
        online_url="ikke en adresse",
    ).get_data(as_text=True)
    assert _error(html) == "Link til onlinemøde: er ikke en gyldig adresse (https://…)."
    m = look(T, lambda: db.session.get(Meeting, meeting))
    assert m.location == "" and m.starts_at == datetime(2020, 10, 1, 14, tzinfo=UTC)


def test_a_held_meeting_cannot_be_moved_and_a_member_may_not(
    board, create_meeting, member, submit, look
):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.HELD)
    edit = f"{page(meeting)}/rediger"
    html = submit(member(SECRETARY), page(meeting), edit, date="2020-10-08", time="18:30").get_data(
        as_text=True
    )
    assert _error(html) == "Mødet er afholdt; det kan ikke ændres."
    open_meeting = create_meeting(T, "bestyrelse")
    resp = submit(
        member(VA),
        page(open_meeting),
        f"{page(open_meeting)}/rediger",
        follow=False,
        date="2020-10-08",
        time="18:30",
    )
    assert resp.status_code in (403, 404)
    assert member(VA).get(f"{page(open_meeting)}/rediger").status_code in (403, 404)
    assert look(T, lambda: db.session.get(Meeting, open_meeting).starts_at) == datetime(
        2020, 10, 1, 14, tzinfo=UTC
    )


# --------------------------------------------------------------------------- agenda items


def test_secretary_edits_an_item_closes_it_with_a_reason_and_invites_a_guest_ALB_B11(
    board, create_meeting, create_item, member, submit, look
):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.PLANNED)
    item = create_item(T, meeting, title="Legeplads", kind="B")
    edit = f"{page(meeting)}/punkter/{item}/rediger"
    assert edit in member(SECRETARY).get(page(meeting)).get_data(as_text=True)
    html = submit(
        member(SECRETARY),
        edit,
        edit,
        kind="D",
        title="Inspektørens ansættelse",
        case_text="Sagen drøftes.",
        recommendation="",
        is_confidential="on",
        confidentiality_reason="personnel",
        guests="Hanne Hansen, BO-VEST, hanne@bo-vest.example",
    ).get_data(as_text=True)
    assert "Punktet er ændret." in html and "Inspektørens ansættelse" in html
    assert "Personalesager (forvaltningslovens § 27)" in html and "Hanne Hansen (BO-VEST)" in html
    row = look(T, lambda: db.session.get(AgendaItem, item))
    assert (
        row.kind.value == "D" and row.is_confidential and row.confidentiality_reason == "personnel"
    )
    assert row.guests == [
        {"name": "Hanne Hansen", "organisation": "BO-VEST", "email": "hanne@bo-vest.example"}
    ]
    # the public page shows a closed item, not its title
    submit(member(SECRETARY), page(meeting), f"{page(meeting)}/udsend-dagsorden")
    public = member(None).get(f"/{T}/offentlig/moeder/{meeting}").get_data(as_text=True)
    assert "Lukket punkt" in public and "Inspektørens" not in public


def test_closing_an_item_without_a_reason_names_the_field_and_changes_nothing(
    board, create_meeting, create_item, member, submit, look
):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.PLANNED)
    item = create_item(T, meeting, title="Legeplads", kind="B")
    edit = f"{page(meeting)}/punkter/{item}/rediger"
    html = submit(
        member(SECRETARY),
        edit,
        edit,
        kind="B",
        title="Ny titel",
        is_confidential="on",
        confidentiality_reason="",
    ).get_data(as_text=True)
    assert _error(html).startswith(
        "Begrundelse for lukket punkt: Et lukket punkt kræver en begrundelse"
    )
    html = submit(member(SECRETARY), edit, edit, kind="X", title="").get_data(as_text=True)
    assert "Art: har en værdi, der ikke kan vælges." in _error(
        html
    ) and "Overskrift: skal udfyldes." in _error(html)
    row = look(T, lambda: db.session.get(AgendaItem, item))
    assert row.title == "Legeplads" and not row.is_confidential


def test_items_are_moved_up_and_down_the_agenda(
    board, create_meeting, create_item, member, submit, look
):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.PLANNED)
    first = create_item(T, meeting, title="Første punkt", kind="O")
    second = create_item(T, meeting, title="Andet punkt", kind="B")
    html = member(SECRETARY).get(page(meeting)).get_data(as_text=True)
    assert (
        "Flyt punkt 2 op" in html and "Flyt punkt 1 ned" in html and "Flyt punkt 1 op" not in html
    )
    html = submit(
        member(SECRETARY), page(meeting), f"{page(meeting)}/punkter/{second}/flyt", position="1"
    ).get_data(as_text=True)
    assert "Punktet er flyttet." in html
    assert html.index("Andet punkt") < html.index("Første punkt")
    assert look(
        T,
        lambda: (
            db.session.get(AgendaItem, second).position,
            db.session.get(AgendaItem, first).position,
        ),
    ) == (1, 2)
    html = submit(
        member(SECRETARY), page(meeting), f"{page(meeting)}/punkter/{second}/flyt", position="nul"
    ).get_data(as_text=True)
    assert _error(html) == "Placering på dagsordenen: skal være et helt tal."
    resp = submit(
        member(VA),
        page(meeting),
        f"{page(meeting)}/punkter/{first}/flyt",
        follow=False,
        position="1",
    )
    assert resp.status_code in (403, 404)
    assert look(T, lambda: db.session.get(AgendaItem, second).position) == 1


def test_items_of_a_held_meeting_cannot_be_edited(
    board, create_meeting, create_item, member, submit, look
):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.HELD)
    item = create_item(T, meeting, title="Legeplads", kind="B")
    html = submit(
        member(SECRETARY),
        page(meeting),
        f"{page(meeting)}/punkter/{item}/rediger",
        kind="B",
        title="Ændret",
    ).get_data(as_text=True)
    assert _error(html) == "Mødet er afholdt; det kan ikke få ændret sine punkter."
    assert look(T, lambda: db.session.get(AgendaItem, item).title) == "Legeplads"


# --------------------------------------------------------------------------- mandates (KBH-7)


@pytest.fixture
def district(sync_tenant):
    sync_tenant(KBH)


def mandates(slug=KBH, body=AMAGER) -> str:
    return f"/{slug}/organer/{body}/mandater"


def test_secretary_delegates_a_mandate_and_the_delegate_attends_KBH_7(
    district, create_meeting, member, submit, look
):
    sec = member(KBH_SEC)
    html = submit(
        sec,
        mandates(),
        mandates(),
        seat="domea",
        to_organisation="KAB",
        starts_on="2020-01-01",
        ends_on="2020-12-31",
    ).get_data(as_text=True)
    assert (
        "Mandatet er uddelegeret." in html and "KBH-7" in html and "01.01.2020–31.12.2020" in html
    )
    d = look(KBH, lambda: db.session.scalar(sa.select(MandateDelegation)))
    assert d.to_organisation.code == "KAB" and d.verdict["clause"] == "KBH-7"
    # a member of the body sees the delegations, and the form for its own seat only: the
    # member lays down its own mandate (KBH-7), not another's
    seen = member(KBH_MEMBER).get(mandates()).get_data(as_text=True)
    assert "KBH-7" in seen and "Uddelegér mandatet" in seen
    seat_select = seen.split('name="seat"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([^"]+)"', seat_select) == ["sof-voksen"]
    html = submit(member(KBH_MEMBER), mandates(), mandates(), seat="sof-voksen",
                  to_organisation="TMF", starts_on="2020-01-01", ends_on="2020-06-30").get_data(as_text=True)
    assert "Mandatet er uddelegeret." in html
    refused = submit(member(KBH_MEMBER), mandates(), mandates(), seat="domea", to_organisation="TMF",
                     starts_on="2021-01-01", ends_on="2021-06-30")
    assert refused.status_code == 403
    # the delegate fills the seat at a meeting (the attendance form's "Uddelegeret mandat")
    meeting = create_meeting(KBH, AMAGER)
    html = submit(
        sec,
        f"/{KBH}/moeder/{meeting}",
        f"/{KBH}/moeder/{meeting}/fremmoede",
        seat="domea",
        status="present",
        acting_as="delegate",
        person="aysel.holm@kab.example",
    ).get_data(as_text=True)
    assert "Fremmødet er registreret." in html
    assert "Til stede (Uddelegeret mandat, KBH-7)" in html


def test_a_delegation_for_more_than_a_year_is_refused_with_its_clause_KBH_7(
    district, member, submit, look
):
    html = submit(
        member(KBH_SEC),
        mandates(),
        mandates(),
        seat="domea",
        to_organisation="KAB",
        starts_on="2020-01-01",
        ends_on="2021-06-30",
    ).get_data(as_text=True)
    assert "(KBH-7)" in _error(html)
    assert look(KBH, lambda: _count(MandateDelegation)) == 0


def test_a_delegation_where_the_rules_allow_none_is_refused_CORE_MANDATE(
    board, member, submit, look
):
    html = submit(
        member(SECRETARY),
        mandates(T, "bestyrelse"),
        mandates(T, "bestyrelse"),
        seat="akb-formand",
        to_organisation="KAB",
        starts_on="2018-01-01",
        ends_on="2018-12-31",
    ).get_data(as_text=True)
    assert "(CORE-MANDATE)" in _error(html)
    assert look(T, lambda: _count(MandateDelegation)) == 0


def test_a_delegation_without_an_end_names_the_field_and_a_member_may_not_delegate(
    district, member, submit, look
):
    html = submit(
        member(KBH_SEC),
        mandates(),
        mandates(),
        seat="domea",
        to_organisation="KAB",
        starts_on="2020-01-01",
    ).get_data(as_text=True)
    assert _error(html) == "Til og med: skal udfyldes."
    resp = submit(
        member(KBH_MEMBER),
        mandates(),
        mandates(),
        follow=False,
        seat="domea",
        to_organisation="KAB",
        starts_on="2020-01-01",
        ends_on="2020-12-31",
    )
    assert resp.status_code == 403
    assert member(None).get(mandates()).status_code == 401
    assert look(KBH, lambda: _count(MandateDelegation)) == 0


# --------------------------------------------------------------------------- dissents (SLA-6)


def test_a_member_has_a_dissent_recorded_in_the_items_minutes_SLA_6(
    board, create_meeting, create_item, member, submit, look
):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.HELD)
    item = create_item(T, meeting, title="Budget", kind="B")
    action = f"{page(meeting)}/punkter/{item}/saerstandpunkt"
    assert action in member(VA).get(page(meeting)).get_data(as_text=True)
    html = submit(member(VA), page(meeting), action, text="VA kan ikke støtte budgettet.").get_data(
        as_text=True
    )
    assert "Dit særstandpunkt er ført til referat." in html
    # by name and organisation, under the core's rule: Albertslund has no dissent clause of its own
    assert "Særstandpunkt (Vibeke Demo Vestergaard, VA) (CORE-DISSENT): VA kan ikke støtte budgettet." in html
    entry = look(T, lambda: db.session.scalar(sa.select(MinutesEntry).filter_by(item_id=item)))
    assert entry.dissents == [
        {
            "by": "Vibeke Demo Vestergaard",
            "email": VA,
            "organisation": "VA",
            "text": "VA kan ikke støtte budgettet.",
            "clause": "CORE-DISSENT",
        }
    ]


def test_an_empty_dissent_names_the_field_a_dissent_before_the_meeting_is_refused_and_outsiders_may_not(
    board, create_meeting, create_item, member, submit, look
):
    held = create_meeting(T, "bestyrelse", state=MeetingState.HELD)
    item = create_item(T, held, title="Budget", kind="B")
    html = submit(
        member(VA), page(held), f"{page(held)}/punkter/{item}/saerstandpunkt", text="  "
    ).get_data(as_text=True)
    assert _error(html) == "Særstandpunkt: skal udfyldes."
    early = create_meeting(T, "bestyrelse", state=MeetingState.AGENDA_PUBLISHED)
    early_item = create_item(T, early, title="Budget", kind="B")
    html = submit(
        member(VA),
        page(early),
        f"{page(early)}/punkter/{early_item}/saerstandpunkt",
        text="For tidligt",
    ).get_data(as_text=True)
    assert _error(html).startswith("Mødet er indkaldt")
    resp = submit(
        member(OUTSIDER),
        f"/{T}/",
        f"{page(held)}/punkter/{item}/saerstandpunkt",
        follow=False,
        text="Ikke medlem",
    )
    assert resp.status_code in (403, 404)
    assert look(T, lambda: _count(MinutesEntry)) == 0


def _open_vote(decision_item, meeting_of, member, submit, *, voting=True, secret=False):
    item = decision_item(T, "bestyrelse", title="Budget for 2021")
    meeting = meeting_of(T, item)
    fields = {"text": "Budgettet godkendes."}
    if secret:
        fields["secret"] = "on"
    html = submit(
        member(LEADER), page(meeting), f"/{T}/punkter/{item}/afstemning", **fields
    ).get_data(as_text=True)
    motion = int(re.search(r"/afstemninger/(\d+)/til-afstemning", html).group(1))
    if voting:
        submit(member(LEADER), page(meeting), f"/{T}/afstemninger/{motion}/til-afstemning")
    return item, meeting, motion


def test_a_present_member_has_a_dissent_on_a_motion_recorded_once_SLA_6(
    board, decision_item, meeting_of, member, submit, look
):
    _item, meeting, motion = _open_vote(decision_item, meeting_of, member, submit, voting=False)
    action = f"/{T}/afstemninger/{motion}/saerstandpunkt"
    assert action in member(VA).get(page(meeting)).get_data(as_text=True)
    html = submit(member(VA), page(meeting), action, text="VA stemmer imod.").get_data(as_text=True)
    assert "Dit særstandpunkt er ført til referat." in html and "(VA) (CORE-DISSENT): VA stemmer imod." in html
    assert look(T, lambda: db.session.scalar(sa.select(Dissent.text))) == "VA stemmer imod."
    again = submit(member(VA), page(meeting), action, text="Igen").get_data(as_text=True)
    assert _error(again) == "Dit særstandpunkt er allerede ført til referat. (CORE-DISSENT)"
    empty = submit(member(AB), page(meeting), action, text="").get_data(as_text=True)
    assert _error(empty) == "Særstandpunkt: skal udfyldes."
    # someone not present at the meeting is refused with the clause, the anonymous must log in
    html = submit(member(OUTSIDER), f"/{T}/", action, text="Udefra").get_data(as_text=True)
    assert "(CORE-ATTENDANCE)" in _error(html)
    assert member(None).post(action, data={"text": "x"}).status_code in (400, 401)
    assert look(T, lambda: _count(Dissent)) == 1


# --------------------------------------------------------------------------- votes


def test_a_member_changes_her_vote_while_voting_is_open_and_the_change_is_logged(
    board, decision_item, meeting_of, member, submit, look
):
    _item, meeting, motion = _open_vote(decision_item, meeting_of, member, submit)
    submit(
        member(VA), page(meeting), f"/{T}/afstemninger/{motion}/stem", choice="yes", unit="org:VA"
    )
    html = member(VA).get(page(meeting)).get_data(as_text=True)
    assert "Ændr din stemme for VA" in html
    change = f"/{T}/afstemninger/{motion}/ret-stemme"
    html = submit(member(VA), page(meeting), change, unit="org:VA", choice="no").get_data(
        as_text=True
    )
    assert "Din stemme er ændret." in html and "Du har stemt for VA: Nej" in html
    vote = look(T, lambda: db.session.scalar(sa.select(Vote).filter_by(motion_id=motion)))
    assert vote.choice is VoteChoice.NO and vote.changed_at is not None
    assert look(T, lambda: _count(VoteChange)) == 1
    # no choice: the field is named; another organisation's member cannot change VA's vote
    html = submit(member(VA), page(meeting), change, unit="org:VA").get_data(as_text=True)
    assert _error(html) == "Stemme: skal udfyldes."
    html = submit(member(AB), page(meeting), change, unit="org:VA", choice="yes").get_data(
        as_text=True
    )
    assert _error(html) == "Kun den, der afgav stemmen, kan ændre den. (CORE-VOTE-CHANGE)"
    assert look(T, lambda: db.session.scalar(sa.select(Vote.choice))) is VoteChoice.NO
    assert look(T, lambda: _count(VoteChange)) == 1


def test_a_vote_in_a_secret_ballot_cannot_be_changed(
    board, decision_item, meeting_of, member, submit, look
):
    _item, meeting, motion = _open_vote(decision_item, meeting_of, member, submit, secret=True)
    submit(
        member(VA), page(meeting), f"/{T}/afstemninger/{motion}/stem", choice="yes", unit="org:VA"
    )
    assert "Ændr din stemme" not in member(VA).get(page(meeting)).get_data(as_text=True)
    html = submit(
        member(VA),
        page(meeting),
        f"/{T}/afstemninger/{motion}/ret-stemme",
        unit="org:VA",
        choice="no",
    ).get_data(as_text=True)
    assert "(CORE-SECRET)" in _error(html)
    assert look(T, lambda: _count(VoteChange)) == 0


# --------------------------------------------------------------------------- minutes corrections


def _final_minutes(create_meeting, create_item, member, submit):
    """A district board meeting whose minutes are final when sent (approval_mode none)."""
    meeting = create_meeting(KBH, AMAGER)  # in session
    item = create_item(KBH, meeting, title="Helhedsplanens budget", kind="B")
    url = f"/{KBH}/moeder/{meeting}"
    sec = member(KBH_SEC)
    api = f"/api/v1/tenants/{KBH}"
    seat = next(s["key"] for s in sec.get(f"{api}/bodies/{AMAGER}").get_json()["seats"] if s["holder"])
    assert sec.put(f"{api}/meetings/{meeting}/attendance/{seat}",
                   json={"status": "present"}).status_code == 200  # CORE-ATTENDANCE
    submit(sec, url, f"{url}/afholdt")
    submit(sec, url, f"{url}/punkter/{item}/referat", decision="Budgettet blev godkendt.")
    assert "Referatet er udsendt." in submit(sec, url, f"{url}/send-referat").get_data(as_text=True)
    return meeting, item, url


def test_secretary_corrects_final_minutes_with_a_new_version_and_its_reason(
    district, create_meeting, create_item, member, submit, look
):
    meeting, item, url = _final_minutes(create_meeting, create_item, member, submit)
    form = f"{url}/referat/rettelse"
    assert form in member(KBH_SEC).get(url).get_data(as_text=True)
    assert "Budgettet blev godkendt." in member(KBH_SEC).get(form).get_data(as_text=True)
    html = submit(
        member(KBH_SEC),
        form,
        form,
        reason="Beløbet var skrevet forkert.",
        **{f"decision-{item}": "Budgettet på 2,1 mio. kr. blev godkendt."},
    ).get_data(as_text=True)
    assert "Referatet er rettet; rettelsen er en ny version." in html
    assert "Version 2" in html and "Rettelse: Beløbet var skrevet forkert." in html
    versions = look(
        KBH,
        lambda: [
            (v.number, v.correction_reason, [e.decision for e in v.entries])
            for v in db.session.get(Meeting, meeting).minutes_versions
        ],
    )
    assert versions == [
        (1, "", ["Budgettet blev godkendt."]),
        (2, "Beløbet var skrevet forkert.", ["Budgettet på 2,1 mio. kr. blev godkendt."]),
    ]


def test_a_correction_without_a_reason_names_the_field_a_draft_is_not_corrected_and_members_may_not(
    district, create_meeting, create_item, member, submit, look
):
    meeting, item, url = _final_minutes(create_meeting, create_item, member, submit)
    form = f"{url}/referat/rettelse"
    html = submit(
        member(KBH_SEC), form, form, reason="", **{f"decision-{item}": "Ændret."}
    ).get_data(as_text=True)
    assert _error(html) == "Begrundelse for rettelsen: skal udfyldes."
    resp = submit(member(KBH_MEMBER), url, form, follow=False, reason="Jeg vil rette")
    assert resp.status_code == 403
    assert look(KBH, lambda: len(db.session.get(Meeting, meeting).minutes_versions)) == 1
    # minutes still being drafted are not corrected with a version
    held = create_meeting(KBH, AMAGER, state=MeetingState.HELD)
    html = submit(
        member(KBH_SEC),
        f"/{KBH}/moeder/{held}",
        f"/{KBH}/moeder/{held}/referat/rettelse",
        reason="For tidligt",
    ).get_data(as_text=True)
    assert _error(html).startswith("Kun et godkendt (endeligt) referat rettes")


# --------------------------------------------------------------------------- dry run


def dry(slug=T, body="bestyrelse") -> str:
    return f"/{slug}/organer/{body}/proeveafstemning"


def test_dry_run_without_every_voting_organisation_is_not_quorate_ALB_B3(
    board, member, submit, look
):
    sec = member(SECRETARY)
    html = sec.get(dry()).get_data(as_text=True)
    assert "Prøveafstemning" in html and 'name="vote-org:VA"' in html
    present = [s for s in _seat_keys(look) if not s.startswith("akb")]
    html = submit(sec, dry(), dry(), present=present).get_data(as_text=True)
    assert "Resultat af prøven" in html and "Ikke beslutningsdygtigt" in html and "ALB-B3" in html
    assert look(T, lambda: _count(Meeting)) == 0  # stores nothing


def test_dry_run_votes_give_the_outcome_ALB_B2(board, member, submit):
    html = submit(
        member(SECRETARY),
        dry(),
        dry(),
        present=_all_seats(member),
        **{"vote-org:VA": "yes", "vote-org:AB": "yes", "vote-org:AKB": "no"},
    ).get_data(as_text=True)
    assert "Vedtaget" in html and "Beslutningsdygtigt: Ja" in html


def test_dry_run_vote_for_an_absent_unit_names_it_and_outsiders_may_not(
    board, member, submit, look
):
    present = [s for s in _seat_keys(look) if not s.startswith("va")]
    resp = submit(member(SECRETARY), dry(), dry(), present=present, **{"vote-org:VA": "yes"})
    assert resp.status_code == 422
    assert "Stemmer org:VA: Er ikke til stede og kan ikke stemme." in resp.get_data(as_text=True)
    assert member(OUTSIDER).get(dry()).status_code in (403, 404)
    assert member(None).get(dry()).status_code == 401


def test_dry_run_on_an_agenda_item_uses_its_recorded_attendance_ALB_B3(
    board, decision_item, meeting_of, member, submit
):
    item = decision_item(
        T, "bestyrelse", present=["va-formand", "ab-formand", "borgmester"], title="Budget 2021"
    )
    form = member(SECRETARY).get(dry()).get_data(as_text=True)
    assert f'<option value="{item}"' in form and "Budget 2021" in form
    html = submit(
        member(SECRETARY), dry(), dry(), item_id=str(item), item_attendance="on"
    ).get_data(as_text=True)
    assert "Ikke beslutningsdygtigt" in html and "AKB var ikke repræsenteret" in html
    html = submit(
        member(SECRETARY),
        dry(),
        dry(),
        item_id=str(item),
        present=_all_seats(member),
        **{"vote-org:VA": "yes", "vote-org:AB": "yes"},
    ).get_data(as_text=True)
    assert "Beslutningsdygtigt: Ja" in html


def _seat_keys(look):
    from core.bodies.models import Body

    return look(
        T,
        lambda: [
            s.key for s in db.session.scalar(sa.select(Body).filter_by(key="bestyrelse")).seats
        ],
    )


def _all_seats(member):
    html = member(SECRETARY).get(dry()).get_data(as_text=True)
    return re.findall(r'name="present" value="([^"]+)"', html)


# --------------------------------------------------------------------------- breaches in Danish


def test_breached_deadlines_have_danish_names_on_the_compliance_and_meeting_pages(
    board, create_meeting, member, submit, in_tenant
):
    meeting = create_meeting(T, "bestyrelse")
    with in_tenant(T):
        m = db.session.get(Meeting, meeting)
        m.breaches.append(
            DeadlineBreach(
                kind=BreachKind.AGENDA_LATE,
                due_at=datetime(2020, 9, 26, 14, tzinfo=UTC),
                happened_at=datetime(2020, 9, 28, 9, tzinfo=UTC),
                clause="ALB-B8",
            )
        )
        db.session.commit()
    html = member(VA).get(f"/{T}/organer/bestyrelse/overholdelse?year=2020").get_data(as_text=True)
    assert "Dagsordenen blev udsendt for sent" in html and "agenda_late" not in html
    html = member(VA).get(page(meeting)).get_data(as_text=True)
    assert (
        "Dagsordenen blev udsendt for sent" in html
        and "(ALB-B8)" in html
        and "agenda_late" not in html
    )
    submit(member(VA), page(meeting), "/sprog", follow=False, lang="en", next=page(meeting))
    from flask_babel import refresh

    refresh()  # the tests' app context spans requests; a new request would choose afresh
    english = member(VA).get(page(meeting)).get_data(as_text=True)
    assert "The agenda went out late" in english


# --------------------------------------------------------------------------- a refused form keeps what was typed
# (docs/decisions/0012-forms-keep-what-was-typed.md): the page again with status 422 (409 for
# a rule's conflict), the typed values in the fields, the message by the field (aria-invalid,
# aria-describedby) and in the summary at the top linking to it; nothing is written.

LONG = "Lang sagsfremstilling. " * 400  # ~9 KB: more than a session cookie could carry


def test_a_refused_item_edit_keeps_the_typed_texts_and_names_the_reason_ALB_B11(
    board, create_meeting, create_item, member, submit, look
):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.PLANNED)
    item = create_item(T, meeting, title="Legeplads", kind="B")
    edit = f"{page(meeting)}/punkter/{item}/rediger"
    resp = submit(member(SECRETARY), edit, edit, kind="D", title="Ny titel", case_text=LONG,
                  recommendation="Indstilles til drøftelse", is_confidential="on",
                  confidentiality_reason="", guests="Gæst Hansen, VA, gaest@va.example", position="1")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and resp.headers["Cache-Control"] == "no-store"
    field = f"update-item-{item}-{meeting}-confidentiality_reason"
    assert field_message(html, field).startswith("Begrundelse for lukket punkt: Et lukket punkt kræver")
    assert (f'<a href="#{field}" class="function-link">Begrundelse for lukket punkt: Et lukket punkt kræver' in html)
    assert 'value="Ny titel"' in html and LONG.strip() in html and "Indstilles til drøftelse" in html
    assert "Gæst Hansen, VA, gaest@va.example" in html
    assert 'id="edit-kind-D" checked' in html and 'name="is_confidential" checked' in html
    assert html.count('aria-invalid="true"') == 1
    assert "<title>Fejl: " in html
    row = look(T, lambda: db.session.get(AgendaItem, item))
    assert (row.title, row.kind.value, row.is_confidential, row.guests or []) == ("Legeplads", "B", False, [])


def test_a_refused_meeting_move_keeps_the_typed_time_and_place(
    board, create_meeting, member, submit, look
):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.AGENDA_PUBLISHED)
    edit = f"{page(meeting)}/rediger"
    resp = submit(member(SECRETARY), edit, edit, date="2020-10-08", time="18:30", title="Flyttet",
                  duration_minutes="90", location="Kulturhuset", online_url="ikke en adresse")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert field_message(html, f"update-meeting-{meeting}-online_url") == (
        "Link til onlinemøde: er ikke en gyldig adresse (https://…).")
    for typed in ('value="2020-10-08"', 'value="18:30"', 'value="Flyttet"', 'value="90"',
                  'value="Kulturhuset"', 'value="ikke en adresse"'):
        assert typed in html
    m = look(T, lambda: db.session.get(Meeting, meeting))
    assert m.location == "" and m.title != "Flyttet"
    assert m.starts_at == datetime(2020, 10, 1, 14, tzinfo=UTC)


def test_a_refused_new_meeting_keeps_the_typed_fields_and_creates_nothing(board, member, submit, look):
    resp = submit(member(SECRETARY), meetings_of(T, "bestyrelse"), meetings_of(T, "bestyrelse"),
                  kind="extraordinary", date="12-11-2020", time="17:00", title="Budgetmøde",
                  location="Rådhuset", on_behalf_of="secretariat", call_reason="Akut budget")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert field_message(html, "create-meeting-bestyrelse-starts_at").startswith(
        "Tidspunkt: skriv datoen som ÅÅÅÅ-MM-DD")
    assert 'value="12-11-2020"' in html and 'value="Budgetmøde"' in html and 'value="Rådhuset"' in html
    assert 'id="new-kind-extraordinary" checked' in html and 'value="secretariat" selected' in html
    assert ">Akut budget</textarea>" in html
    assert look(T, lambda: _count(Meeting)) == 0


def test_a_refused_new_item_keeps_the_typed_texts_on_the_meeting_page(
    board, create_meeting, member, submit, look
):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.PLANNED)
    resp = submit(member(SECRETARY), page(meeting), f"{page(meeting)}/punkter", kind="O",
                  title="Nyt punkt", case_text=LONG, is_confidential="on", confidentiality_reason="")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    field = f"add-item-{meeting}-confidentiality_reason"
    assert field_message(html, field).startswith("Begrundelse for lukket punkt:")
    assert 'value="Nyt punkt"' in html and LONG.strip() in html and 'id="kind-O" checked' in html
    assert "<details class=\"details\" open>" in html  # the form is shown open, not folded away
    assert look(T, lambda: _count(AgendaItem, AgendaItem.meeting_id == meeting)) == 0


def test_a_refused_cancellation_and_dissent_name_their_field_and_change_nothing(
    board, create_meeting, create_item, member, submit, look
):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.PLANNED)
    resp = submit(member(SECRETARY), page(meeting), f"{page(meeting)}/aflys", reason="  ")
    assert resp.status_code == 422
    assert field_message(resp.get_data(as_text=True), f"cancel-meeting-{meeting}-reason") == (
        "Begrundelse: skal udfyldes.")
    assert look(T, lambda: db.session.get(Meeting, meeting).state) is MeetingState.PLANNED
    held = create_meeting(T, "bestyrelse", state=MeetingState.HELD)
    item = create_item(T, held, title="Budget", kind="B")
    html = submit(member(VA), page(held), f"{page(held)}/punkter/{item}/saerstandpunkt",
                  text="").get_data(as_text=True)
    assert field_message(html, f"record-dissent-{item}-{held}-text") == "Særstandpunkt: skal udfyldes."
    assert look(T, lambda: _count(MinutesEntry)) == 0


def test_a_refused_delegation_keeps_the_typed_dates_and_person_KBH_7(district, member, submit, look):
    resp = submit(member(KBH_SEC), mandates(), mandates(), seat="domea", to_organisation="KAB",
                  to_person="someone@example.org", starts_on="2020-09-01", ends_on="")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert field_message(html, f"delegate-mandate-{AMAGER}-ends_on") == "Til og med: skal udfyldes."
    assert 'value="someone@example.org"' in html and 'value="2020-09-01"' in html
    assert look(KBH, lambda: _count(MandateDelegation)) == 0


def test_a_refused_correction_keeps_the_typed_decisions(
    district, create_meeting, create_item, member, submit, look
):
    meeting, item, url = _final_minutes(create_meeting, create_item, member, submit)
    form = f"{url}/referat/rettelse"
    resp = submit(member(KBH_SEC), form, form, reason="", **{f"decision-{item}": "Rettet: 2,1 mio. kr."})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert field_message(html, f"correct-minutes-{meeting}-reason") == (
        "Begrundelse for rettelsen: skal udfyldes.")
    assert ">Rettet: 2,1 mio. kr.</textarea>" in html and "Budgettet blev godkendt.</textarea>" not in html
    assert look(KBH, lambda: len(db.session.get(Meeting, meeting).minutes_versions)) == 1
