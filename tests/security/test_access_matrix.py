"""Who may open what: every URL of the app tried with every persona.

ACCESS below is the table: one row per URL name (with the method and the data a real user would
send) and, per persona, what they get. A URL that is not in the table fails
`test_every_url_is_in_the_table`, so a new view cannot ship untried. Refused requests (403,
404, 405, a redirect to the login or join page) must change nothing in the database and show
nothing personal. FORGED tries the ids of another session in every POST that takes an id.

Each persona's request runs in a savepoint that is rolled back, so one world serves them all.
"""

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from cooperations.models import Cooperation, Meeting, RegisterChange, RegisterEntry
from exercises.answers import add_note
from exercises.models import Contribution, Group, GroupMember, Vote
from sessions.models import (
    AgendaTemplate,
    Organisation,
    Participant,
    Question,
    Session,
    SessionStep,
)
from sessions.roles import set_coordinator

PERSONAS = [
    "owner",  # the session's own facilitator
    "co_facilitator",  # a facilitator the session is shared with
    "other_facilitator",  # a facilitator with a session of their own
    "coordinator_shared",  # a coordinator the session is shared with
    "coordinator_not_shared",
    "participant_here",  # a phone that joined this session
    "participant_elsewhere",  # a phone that joined another session
    "anonymous",
]
PHONES = {"participant_here", "participant_elsewhere", "anonymous"}
LOGGED_IN = [p for p in PERSONAS if p not in PHONES]

# What the persona gets: a status, "status path" for a redirect, or one of the short forms.
LOGIN = "login"  # 302 to the login page
JOIN = "join"  # 302 to the session's join page
REFUSED = {LOGIN, JOIN, "403", "404", "405", "400"}


def everyone(outcome):
    return dict.fromkeys(PERSONAS, outcome)


def facilitators(allowed, refused="403"):
    """The session's facilitators get `allowed`; other accounts 403; phones the login page."""
    return {
        **dict.fromkeys(["owner", "co_facilitator"], allowed),
        **dict.fromkeys(
            ["other_facilitator", "coordinator_shared", "coordinator_not_shared"], refused
        ),
        **dict.fromkeys(PHONES, LOGIN),
    }


def readers(allowed):
    """The report: the session's facilitators and its coordinator."""
    return {**facilitators(allowed), "coordinator_shared": allowed}


def the_phone(allowed):
    """Only the phone that joined this session; everyone else is sent to the join page."""
    return {**everyone(JOIN), "participant_here": allowed}


@dataclass
class Row:
    name: str
    method: str
    args: tuple  # names of world attributes, filled in at run time
    expect: dict
    data: dict = field(default_factory=dict)
    # Personas whose allowed-looking answer must still change nothing (a polite refusal).
    unchanged_for: tuple = ()


CONTROLS = "302 /f/{A}/controls/"
PREPARE = "302 /f/{A}/"

ACCESS = [
    Row("home", "GET", (), everyone("200")),
    Row("join", "GET", ("A",), {**everyone("200"), "participant_here": "302 /p/{A}/"}),
    Row(
        "join",
        "POST",
        ("A",),
        everyone("302 /p/{A}/"),
        data={"name": "Nieuw", "organisation": "{org_free}", "side": "informal"},
        unchanged_for=("participant_here",),  # already in: no second participant
    ),
    Row("phone", "GET", ("A",), the_phone("200")),
    Row("ask_question", "POST", ("A",), the_phone("302 /p/{A}/"), data={"text": "Wanneer?"}),
    Row(
        "answer",
        "POST",
        ("A", "step_A"),
        the_phone("200"),
        data={"text": "Nieuw", "client_id": "n"},
    ),
    # The live poll is public by design: a version number, the status and a step id, no content.
    Row("poll", "GET", ("A",), everyone("200")),
    Row(
        "facilitator_home",
        "GET",
        (),
        {
            **facilitators("200"),
            "other_facilitator": "200",
            "coordinator_shared": "302 /c/",
            "coordinator_not_shared": "302 /c/",
        },
    ),
    Row(
        "create_session",
        "GET",
        (),
        {**facilitators("200"), "other_facilitator": "200"},
    ),
    Row("prepare", "GET", ("A",), facilitators("200")),
    Row(
        "edit_details",
        "POST",
        ("A",),
        facilitators(PREPARE),
        data={"title": "Overgenomen", "date": "2026-12-04", "place": "Elders", "language": "nl"},
    ),
    Row(
        "add_organisation",
        "POST",
        ("A",),
        facilitators(PREPARE),
        data={"name": "Nieuwe club", "side": "informal"},
    ),
    Row("remove_organisation", "POST", ("A", "org_free"), facilitators(PREPARE)),
    Row("edit_step", "GET", ("A", "step_A"), facilitators("200")),
    Row("change_step", "POST", ("A", "step_A"), facilitators(PREPARE), data={"action": "skip"}),
    Row(
        "share_session",
        "POST",
        ("A",),
        facilitators(PREPARE),
        data={"username": "nog-een-coordinator"},
        unchanged_for=("co_facilitator",),  # only the owner shares
    ),
    Row(
        "delete_session",
        "POST",
        ("A",),
        {**facilitators("302 /f/"), "co_facilitator": "403"},
        data={"confirm": "{A}"},
    ),
    Row("controls", "GET", ("A",), facilitators("200")),
    Row("projector", "GET", ("A",), facilitators("200")),
    Row("navigate", "POST", ("A",), facilitators(CONTROLS), data={"action": "next"}),
    Row("timer", "POST", ("A",), facilitators(CONTROLS), data={"action": "start"}),
    Row("close_session", "POST", ("A",), facilitators(CONTROLS)),
    Row("lock_step", "POST", ("A", "step_A"), facilitators(CONTROLS), data={"locked": "1"}),
    Row(
        "step_action",
        "POST",
        ("A", "step_A"),
        facilitators(CONTROLS),
        data={"action": "spotlight", "note": "{note_other}"},
    ),
    Row(
        "hide_contribution",
        "POST",
        ("A", "note_other"),
        facilitators(CONTROLS),
        data={"hidden": "1"},
    ),
    Row("set_anonymous", "POST", ("A",), facilitators(CONTROLS), data={"anonymous": "1"}),
    Row("login", "GET", (), everyone("200")),
    Row("logout", "POST", (), everyone("302 /")),
    Row("set_language", "POST", (), everyone("302 /"), data={"language": "en", "next": "/"}),
    Row(
        "reports_home",
        "GET",
        (),
        {**dict.fromkeys(LOGGED_IN, "200"), **dict.fromkeys(PHONES, LOGIN)},
    ),
    Row("report_pdf", "GET", ("A",), readers("200")),
    Row("export", "GET", ("A", "csv"), readers("200")),
    Row(
        "media",
        "GET",
        ("A", "photo"),
        {
            **dict.fromkeys(
                ["owner", "co_facilitator", "coordinator_shared", "participant_here"], "200"
            ),
            **dict.fromkeys(
                [
                    "other_facilitator",
                    "coordinator_not_shared",
                    "participant_elsewhere",
                    "anonymous",
                ],
                "403",
            ),
        },
    ),
    Row("healthz", "GET", (), everyone("200")),
    Row(
        "set_phone_language",
        "POST",
        ("A",),
        the_phone("302 /p/{A}/"),
        data={"language": "en"},
    ),
    # Cooperations: the facilitators run them, coordinators of a meeting read them.
    Row(
        "cooperations",
        "GET",
        (),
        {**dict.fromkeys(LOGGED_IN, "200"), **dict.fromkeys(PHONES, LOGIN)},
    ),
    Row("cooperation", "GET", ("coop",), readers("200")),
    Row(
        "change_entry",
        "POST",
        ("coop", "entry"),
        facilitators("302 /f/cooperations/{coop}/"),
        data={"status": "done", "note": "Gedaan"},
    ),
    Row("cooperation_report", "GET", ("coop",), readers("200")),
    Row(
        "plan_follow_up",
        "POST",
        ("A",),
        facilitators("302 /f/*"),
        data={"title": "Vervolg", "date": "2027-01-14"},
    ),
    Row("handout", "GET", ("A",), facilitators("200")),
    Row(
        "save_template",
        "POST",
        ("A",),
        facilitators("302 /f/templates/"),
        data={"title": "Mijn agenda"},
    ),
    Row(
        "agenda_templates",
        "GET",
        (),
        {**facilitators("200"), "other_facilitator": "200"},
    ),
    Row(
        "import_template",
        "POST",
        (),
        {**facilitators("422"), "other_facilitator": "422"},
        unchanged_for=("owner", "co_facilitator", "other_facilitator"),  # no file: nothing made
    ),
    Row(
        "export_template",
        "GET",
        ("template",),
        {**dict.fromkeys(LOGGED_IN, "200"), **dict.fromkeys(PHONES, LOGIN)},
    ),
    # The admin is staff-only; none of the personas is staff.
    Row("admin:index", "GET", (), {**everyone("302 /admin/login/")}),
]

# Another session's ids in a request to this session's URLs: 404 (or ignored), nothing changed.
FORGED = [
    (
        "participant_here",
        "answer",
        "POST",
        ("A", "step_B"),
        {"text": "Ingebroken", "client_id": "f"},
        "404",
    ),
    (
        "participant_here",
        "answer",
        "POST",
        ("A", "step_A"),
        {"action": "delete", "note": "{note_other}"},  # another participant's note
        "200",
    ),
    ("owner", "lock_step", "POST", ("A", "step_B"), {"locked": "1"}, "404"),
    ("owner", "step_action", "POST", ("A", "step_B"), {"action": "clear"}, "404"),
    (
        "owner",
        "step_action",
        "POST",
        ("A", "step_A"),
        {"action": "spotlight", "note": "{note_B}"},
        "404",
    ),
    ("owner", "hide_contribution", "POST", ("A", "note_B"), {"hidden": "1"}, "404"),
    ("owner", "remove_organisation", "POST", ("A", "org_B"), {}, "404"),
    ("owner", "edit_step", "POST", ("A", "step_B"), {"title": "x", "minutes": "5"}, "404"),
    ("owner", "change_step", "POST", ("A", "step_B"), {"action": "skip"}, "404"),
    ("owner", "navigate", "POST", ("A",), {"action": "go", "step": "{step_B}"}, "404"),
    ("owner", "media", "GET", ("A", "photo_B"), {}, "404"),
    # A session of someone else's, with the owner's own session ids: still refused.
    ("owner", "lock_step", "POST", ("B", "step_A"), {"locked": "1"}, "403"),
    ("co_facilitator", "delete_session", "POST", ("B",), {"confirm": "{B}"}, "403"),
]


def url_names(patterns=None, namespace=""):
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                names.add("admin:index")  # Django's own admin: one row for all of it
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(namespace + entry.name)
    return names


def test_every_url_is_in_the_table():
    missing = url_names() - {row.name for row in ACCESS}
    assert not missing, f"Add these URLs to ACCESS in {Path(__file__).name}: {sorted(missing)}"


class World:
    """Session A (the owner's, shared with a co-facilitator and a coordinator) and session B
    (another facilitator's), each with phones, notes, an organisation and a photo."""

    def __init__(self, make_session, join, facilitator, other_facilitator, users, media_root):
        self.a = make_session()
        self.b = make_session(owner=other_facilitator, title="Sessie van een ander")
        co = users.objects.create_user("co-begeleider", password="pw-co-2017")
        coordinator = users.objects.create_user("gemeente", password="pw-gemeente-2017")
        other_coordinator = users.objects.create_user("provincie", password="pw-provincie-2017")
        spare = users.objects.create_user("nog-een-coordinator", password="pw-nog-2017")
        for user in (coordinator, other_coordinator, spare):
            set_coordinator(user)
        self.a.shared_with.add(co)
        self.a.coordinators.add(coordinator)
        for session in (self.a, self.b):
            session.go_to(session.steps.get(key="strength_of_the_other"))
        here = join("Fatima", "informal", target=self.a)
        joost = join("Joost", "formal", target=self.a)
        elsewhere = join("Sanne", "formal", target=self.b)
        step_a, step_b = self.a.current_step, self.b.current_step
        add_note(step_a, here.participant, text="Fatima's geheime notitie", client_id="1")
        self.note_other = add_note(
            step_a, joost.participant, text="Notitie van Joost", client_id="2"
        )[0]
        self.note_b = add_note(step_b, elsewhere.participant, text="Notitie in B", client_id="3")[0]
        here.post(f"/p/{self.a.code}/question", {"text": "Mag ik iets vragen?"})
        self.photos = {s.code: self._photo(s, media_root) for s in (self.a, self.b)}
        coop = Cooperation.objects.create(title="Samenwerking Dordrecht", owner=facilitator)
        coop.shared_with.add(co)
        Meeting.objects.create(cooperation=coop, session=self.a, number=1)
        entry = RegisterEntry.objects.create(
            cooperation=coop, meeting_number=1, source_key="a1", text="Maandelijks overleg"
        )
        self.values = {
            "A": self.a.code,
            "B": self.b.code,
            "step_A": step_a.pk,
            "step_B": step_b.pk,
            "note_other": self.note_other.pk,
            "note_B": self.note_b.pk,
            "org_free": self.a.organisations.get(name="Vrouwen van Nu").pk,
            "org_B": self.b.organisations.first().pk,
            "photo": self.photos[self.a.code],
            "photo_B": self.photos[self.b.code],
            "csv": "contributions.csv",
            "coop": coop.pk,
            "entry": entry.pk,
            "template": "toolkit-2017",
        }
        self.clients = {
            "owner": self._logged_in(facilitator),
            "co_facilitator": self._logged_in(co),
            "other_facilitator": self._logged_in(other_facilitator),
            "coordinator_shared": self._logged_in(coordinator),
            "coordinator_not_shared": self._logged_in(other_coordinator),
            "participant_here": here,
            "participant_elsewhere": elsewhere,
            "anonymous": Client(),
        }
        # Nothing of this may show in a refused answer.
        self.private = ["Fatima", "Joost", "geheime notitie", "Mag ik iets vragen"]

    @staticmethod
    def _logged_in(user):
        client = Client()
        client.force_login(user)
        return client

    @staticmethod
    def _photo(session, media_root):
        step = session.steps.get(kind="org_presentation")
        contribution = Contribution.objects.create(session=session, step=step)
        contribution.image.save("logo.png", ContentFile(b"\x89PNG not shown"), save=True)
        return Path(contribution.image.name).name

    def fill(self, text):
        return text.format(**self.values) if isinstance(text, str) else text

    def request(self, persona, name, method, args, data):
        from django.urls import reverse

        url = reverse(name, args=[self.values[arg] for arg in args])
        client = self.clients[persona]
        data = {key: self.fill(value) for key, value in data.items()}
        return client.post(url, data) if method == "POST" else client.get(url)

    def reset_files(self, media_root):
        # A delete removes the session's folder at once, not at commit: put the photos back.
        for code, name in self.photos.items():
            path = Path(media_root) / code / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"\x89PNG not shown")


def snapshot():
    """Everything a request could change, as plain values."""
    models = (Session, SessionStep, Organisation, Participant, Question, Contribution, Group)
    models += (Cooperation, Meeting, RegisterEntry, RegisterChange, AgendaTemplate)
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    for model in (GroupMember, Vote):
        state[model.__name__] = list(model.objects.order_by("pk").values())
    state["shares"] = [
        sorted(s.shared_with.values_list("pk", flat=True))
        + sorted(s.coordinators.values_list("pk", flat=True))
        for s in Session.objects.order_by("pk")
    ]
    return state


@pytest.fixture
def fast_passwords(settings):
    # Nobody here logs in with a password (force_login): skip the slow, safe hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(
    fast_passwords,
    make_session,
    join,
    facilitator,
    other_facilitator,
    django_user_model,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    return World(make_session, join, facilitator, other_facilitator, django_user_model, tmp_path)


def check(world, persona, expected, response, *, unchanged, before):
    expected = world.fill(expected)
    status = response.status_code
    location = response.get("Location", "")
    where = f"{persona}: got {status} {location}"
    if expected == LOGIN:
        assert status == 302 and location.startswith("/login/"), where
    elif expected == JOIN:
        assert status == 302 and location == f"/j/{world.a.code}", where
    elif " " in expected:
        code, path = expected.split(" ", 1)
        location = location.split("?")[0].split("#")[0]
        matches = location.startswith(path[:-1]) if path.endswith("*") else location == path
        assert status == int(code) and matches, where
    else:
        assert status == int(expected), where
    if expected in REFUSED or unchanged:
        assert snapshot() == before, f"{persona} changed something"
    if expected in REFUSED and not response.streaming:
        body = response.content.decode(errors="replace")
        for private in world.private:
            assert private not in body, f"{persona} was shown {private!r}"


def run_as(world, persona, media_root, send):
    world.reset_files(media_root)
    with transaction.atomic():
        before = snapshot()
        response = send()
        result = (response, before)
        transaction.set_rollback(True)
    return result


@pytest.mark.parametrize("row", ACCESS, ids=lambda row: f"{row.method}-{row.name}")
def test_each_url_for_each_persona(world, row, tmp_path):
    assert set(row.expect) == set(PERSONAS), "every persona has an expected outcome"
    for persona in PERSONAS:
        response, before = run_as(
            world,
            persona,
            tmp_path,
            lambda persona=persona: world.request(
                persona, row.name, row.method, row.args, row.data
            ),
        )
        check(
            world,
            persona,
            row.expect[persona],
            response,
            unchanged=persona in row.unchanged_for,
            before=before,
        )


@pytest.mark.parametrize(
    "persona,name,method,args,data,expected",
    FORGED,
    ids=[f"{row[0]}-{row[1]}-{'-'.join(row[3])}" for row in FORGED],
)
def test_forged_ids_change_nothing(world, persona, name, method, args, data, expected, tmp_path):
    response, before = run_as(
        world, persona, tmp_path, lambda: world.request(persona, name, method, args, data)
    )
    check(world, persona, expected, response, unchanged=True, before=before)
