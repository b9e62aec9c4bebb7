"""A finished session with realistic Dutch content in every exercise, to see a full report.

    python manage.py demo_session [--participants 24]

Owned by the demo facilitator (created if missing). Prints the code and where to look.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from exercises.answers import add_note, save_own_answer, save_shared_field
from exercises.grouping import form_groups
from exercises.models import Contribution, Vote
from sessions.forms import SessionCreateForm
from sessions.models import AgendaTemplate, Participant, Session

DEMO_TITLE = "Samen sterk in Dordrecht"
FORMAL = ["CJG Dordrecht", "Jeugdteam Dordrecht-Oost", "GGD Zuid-Holland Zuid"]
INFORMAL = ["Stichting Al Amal", "Turks Ouderplatform", "Vrouwen van Nu", "Buurtvaders Crabbehof"]
FIRST_NAMES = [
    "Fatima",
    "Joost",
    "Aylin",
    "Mohammed",
    "Sanne",
    "Hatice",
    "Kees",
    "Nadia",
    "Ewa",
    "Ricardo",
    "Ilse",
    "Yusuf",
    "Marieke",
    "Samira",
    "Tomasz",
    "Latifa",
    "Bram",
    "Zeynep",
    "Gerda",
    "Abdel",
    "Priya",
    "Henk",
    "Khadija",
    "Mila",
    "Omar",
    "Lotte",
    "Emre",
    "Anouk",
    "Soufiane",
    "Wendy",
]
STRENGTHS = {
    "formal": [
        "Ze kennen de families en hun verhalen al jaren",
        "Vertrouwen: ouders komen eerder naar hen dan naar ons",
        "Ze spreken de taal, letterlijk en figuurlijk",
        "Snel contact via WhatsApp en de moskee",
        "Ze zijn er ook 's avonds en in het weekend",
    ],
    "informal": [
        "Kennis van regels, subsidies en de weg naar hulp",
        "Ze kunnen doorverwijzen als het echt zorgelijk is",
        "Een vast gezicht in de wijk en korte lijnen",
        "Professionele training voor onze vrijwilligers",
        "Een ruimte om bij elkaar te komen",
    ],
}
CARD_TEXTS = {
    "who": "Wij zijn {name}: een team van betrokken mensen in Dordrecht.",
    "what": "Individueel: gesprekken met ouders. Gemeenschap: ouderavonden en inloopochtenden.",
    "achieve": "Dat ouders sneller de juiste steun vinden, zonder drempel.",
    "need_offer": "We hebben elkaars netwerk nodig; we bieden kennis en een plek.",
}
QUOTES = {
    "power": "“Wij worden pas gebeld als het al misgaat, niet om mee te denken.”",
    "loyalty": (
        "“Als ik iets doorgeef aan het wijkteam, ben ik het vertrouwen van de moeders kwijt.”"
    ),
    "values": "“Ze zien onze manier van opvoeden vooral als een probleem.”",
}
TREE_NOTES = {
    "fruits": [
        "Meer ouders bereiken die nu buiten beeld blijven",
        "Eerder signaleren als een gezin vastloopt",
        "Samen één aanpak per gezin",
    ],
    "roots": [
        "Vrijwilligers spreken de taal van de ouders",
        "Kennis van de sociale kaart",
        "Vertrouwen in de wijk",
    ],
    "trunk": ["Jeugdteam: casusregie en veiligheid", "Sleutelpersoon als brug naar school"],
    "sun": ["Tijd en ruimte van het management", "Structureel overleg, niet alleen bij crisis"],
    "watering_can": [
        "Terugkoppeling na een doorverwijzing",
        "Uitleg over wat het jeugdteam wel en niet mag",
    ],
}
PITFALL_ACTIONS = [
    "Elke zes weken een wijkoverleg met beide kanten",
    "Vrijwilligers niet overvragen: maximaal twee gezinnen per persoon",
    "Uren voor samenwerking opnemen in het jaarplan",
    "Eén coördinator per wijk",
]
PROPOSALS = [
    {
        "title": "Over de drempel: samen naar het CJG",
        "what": (
            "Sleutelfiguren lopen de eerste keer mee naar het CJG en leggen uit wat er gebeurt."
        ),
        "roles_formal": "Het CJG maakt tijd voor een warme overdracht, zonder wachtlijst.",
        "roles_informal": "De sleutelfiguur bereidt voor, gaat mee en blijft aanspreekpunt.",
        "conditions": "Vertrouwen, een vaste contactpersoon en een kleine vergoeding.",
    },
    {
        "title": "Vadercafé met zwemmen",
        "what": "Eens per maand zwemmen vaders en zonen samen; daarna een gesprek over vaderschap.",
        "roles_formal": "Het jeugdteam levert een gespreksleider en regelt het zwembad.",
        "roles_informal": "Buurtvaders nodigen persoonlijk uit en openen het gesprek.",
        "conditions": "Het blijft informeel: geen dossiers, geen intake.",
    },
    {
        "title": "Een veilige ruimte voor moeders",
        "what": "Moeders praten in eigen kring over opvoeden; het CJG is erbij en luistert.",
        "roles_formal": "Luisteren; alleen iets inbrengen als daarom gevraagd wordt.",
        "roles_informal": "De vrijwilligers kiezen de onderwerpen en leiden het gesprek.",
        "conditions": "Hun proces volgen, niet dat van de instelling.",
    },
]
PLAN = {
    "looking_back": "Wij kennen de moeders uit de wijk; het CJG kent de weg naar hulp.",
    "looking_forward": "Over een jaar weten ouders ons allebei te vinden.",
    "goals": "Meer ouders bereiken met opvoedvragen, eerder en lichter.",
    "concrete": "Elke maand een koffieochtend in het buurthuis, met iemand van het CJG erbij.",
    "roles": "Formeel: kennis en doorverwijzing. Informeel: uitnodigen, vertrouwen en taal.",
    "conditions": "Vaste contactpersonen aan beide kanten en tijd van de leidinggevenden.",
    "agreements": "Eerste koffieochtend vóór 1 februari; evaluatie na drie ochtenden.",
}

AGREEMENTS = [
    ("Maandelijks overleg tussen CJG en sleutelpersonen", "Sanne (CJG)", "both", 30),
    ("Training ‘signalen herkennen’ voor vrijwilligers", "Jeugdteam Oost", "formal", 60),
    ("Ouderavond over puberteit in de moskee", "Stichting Al Amal", "informal", 45),
    ("Vast aanspreekpunt per wijkteam voor de zelforganisaties", "Kees", "formal", 21),
    ("Subsidieaanvraag samen voorbereiden", "Vrouwen van Nu en CJG", "both", 90),
]


class Command(BaseCommand):
    help = "Create a finished demo session with content in every exercise and print its code."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=24)
        parser.add_argument("--seed", type=int, default=2017)
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="only when the demo facilitator has no demo session yet (used by `make run`)",
        )

    @transaction.atomic
    def handle(self, participants, seed, if_missing=False, **options):
        existing = Session.objects.filter(owner__username="demo", title=DEMO_TITLE).first()
        if if_missing and existing:
            self.stdout.write(
                f"Demo session '{existing.title}': code {existing.code}\n"
                f"  report: /r/{existing.code}/report.pdf   controls: /f/{existing.code}/controls/"
            )
            return None
        rng = random.Random(seed)
        if not AgendaTemplate.objects.filter(slug="toolkit-2017").exists():
            call_command("load_toolkit", verbosity=0)
        template = AgendaTemplate.objects.get(slug="toolkit-2017")
        owner, _ = get_user_model().objects.get_or_create(
            username="demo", defaults={"first_name": "Demo", "last_name": "Begeleider"}
        )
        form = SessionCreateForm(
            data={
                "title": DEMO_TITLE,
                "date": timezone.localdate().isoformat(),
                "place": "Wijkcentrum Crabbehof, Dordrecht",
                "language": "nl",
                "formal_organisations": "\n".join(FORMAL),
                "informal_organisations": "\n".join(INFORMAL),
                "include_tree": "on",
                "include_pitfalls": "on",
                "include_letter": "on",
            }
        )
        assert form.is_valid(), form.errors
        session = form.save_for(owner, template)
        people = self.join(session, participants, rng)
        steps = {step.key: step for step in session.active_steps()}
        for step in steps.values():
            filler = getattr(self, f"fill_{step.kind}", None)
            if filler:
                filler(session, step, people, rng)
        self.run_agenda(session, rng)
        self.stdout.write(
            f"Demo session '{session.title}' with {len(people)} participants: code {session.code}\n"
            f"  report: /r/{session.code}/report.pdf   controls: /f/{session.code}/controls/"
        )
        return None

    def join(self, session, count, rng):
        organisations = list(session.organisations.all())
        people = []
        for number in range(count):
            organisation = organisations[number % len(organisations)]
            name = FIRST_NAMES[number % len(FIRST_NAMES)]
            if number >= len(FIRST_NAMES):
                name = f"{name} {number // len(FIRST_NAMES) + 1}"
            people.append(
                Participant.objects.create(
                    session=session, name=name, organisation=organisation, side=organisation.side
                )
            )
        return people

    def run_agenda(self, session, rng):
        """Book realistic actual minutes and close the session, as after a real meeting."""
        now = timezone.now()
        for step in session.active_steps():
            step.actual_seconds = max(60, int(step.minutes * 60 * rng.uniform(0.7, 1.3)))
            step.save(update_fields=["actual_seconds"])
        session.current_step = session.active_steps().last()
        session.status = "closed"
        session.started_at = now - datetime.timedelta(hours=3)
        session.closed_at = now
        session.save()

    # --- one filler per kind: the content a real room would leave behind ----------------

    def fill_strength(self, session, step, people, rng):
        for person in people:
            for text in rng.sample(STRENGTHS[person.side], 2):
                add_note(step, person, text=text, client_id=f"demo-{person.pk}-{text[:8]}")

    def fill_org_presentation(self, session, step, people, rng):
        for organisation in session.organisations.all():
            for key, text in CARD_TEXTS.items():
                save_shared_field(
                    step,
                    owner={"organisation": organisation},
                    field_name=key,
                    text=text.format(name=organisation.name),
                    base_version=0,
                )

    def fill_examples(self, session, step, people, rng):
        keys = [example["key"] for example in step.config.get("examples", [])]
        for person in people:
            for key in rng.sample(keys, rng.randint(1, 2)):
                save_own_answer(step, person, slot=key, data={"inspires": True})

    def fill_obstacles(self, session, step, people, rng):
        quotes = [
            {"id": f"q{index}", "theme": theme, "text": text}
            for index, (theme, text) in enumerate(QUOTES.items())
        ]
        step.config = {**step.config, "quotes": quotes}
        step.save(update_fields=["config"])
        for person in people:
            for quote in quotes:
                answer = rng.choice(
                    ["yes", "yes", "partly", "no"]
                    if person.side == "informal"
                    else ["partly", "no", "yes"]
                )
                save_own_answer(
                    step, person, slot=quote["id"], data={"answer": answer, "comment": ""}
                )

    def fill_tree(self, session, step, people, rng):
        for zone, texts in TREE_NOTES.items():
            for number, text in enumerate(texts):
                person = rng.choice(people)
                add_note(step, person, text=text, client_id=f"demo-{zone}-{number}", slot=zone)

    def fill_pitfalls(self, session, step, people, rng):
        for person in people:
            for item in step.config.get("pitfalls", []):
                data = {"rating": rng.randint(1, 5), "action": ""}
                if rng.random() < 0.2:
                    data["action"] = rng.choice(PITFALL_ACTIONS)
                save_own_answer(step, person, slot=item["key"], data=data)

    def fill_group_proposal(self, session, step, people, rng):
        if not session.groups.exists():
            form_groups(session, 4)
        proposals = []
        for group, texts in zip(session.groups.order_by("number"), PROPOSALS, strict=False):
            for key, text in texts.items():
                result = save_shared_field(
                    step, owner={"group": group}, field_name=key, text=text, base_version=0
                )
            proposals.append(result.contribution)
        step.state = {**step.state, "votes_each": 2, "vote_closed": True, "results": True}
        step.save(update_fields=["state"])
        for person in people:
            for proposal in rng.sample(proposals, min(2, len(proposals))):
                Vote.objects.create(step=step, participant=person, proposal=proposal)

    def fill_cooperation_plan(self, session, step, people, rng):
        if not session.groups.exists():
            form_groups(session, 4)
        for group in session.groups.order_by("number")[:3]:
            for key, text in PLAN.items():
                save_shared_field(
                    step, owner={"group": group}, field_name=key, text=text, base_version=0
                )

    def fill_closing(self, session, step, people, rng):
        for person in people:
            save_own_answer(
                step,
                person,
                slot="evaluation",
                data={
                    "rating": rng.choice([3, 4, 4, 5, 5]),
                    "worked": rng.choice(
                        ["Elkaar echt leren kennen", "De voorbeelden uit andere steden", ""]
                    ),
                    "better": rng.choice(
                        ["Meer tijd voor de groepjes", "", "Tolk erbij voor de moeders"]
                    ),
                },
            )
        for what, who, side, days in AGREEMENTS:
            Contribution.objects.create(
                session=session,
                step=step,
                slot="agreement",
                client_id=f"demo-{what[:20]}",
                data={
                    "what": what,
                    "who": who,
                    "side": side,
                    "due": (timezone.localdate() + datetime.timedelta(days=days)).isoformat(),
                },
            )
        for person in people[:4]:
            save_own_answer(
                step,
                person,
                slot="letter",
                data={
                    "text": "Beste partners, ik neem mee dat we elkaar nodig hebben. "
                    f"Groet, {person.name}"
                },
            )
