"""Agenda templates: save a prepared agenda, start from it, export and import as JSON."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperations.templates_io import export_json, import_template, template_data
from sessions.models import AgendaTemplate, Session, TemplateStep

STEP_FIELDS = ("key", "kind", "optional", "minutes", "texts", "config")


def steps_of(template):
    return [
        {field: getattr(step, field) for field in STEP_FIELDS}
        for step in template.steps.order_by("position")
    ]


def test_the_toolkit_survives_an_export_import_round_trip(toolkit, facilitator):
    copy = import_template(facilitator, export_json(toolkit))
    assert copy.pk != toolkit.pk and copy.owner == facilitator
    assert copy.title == toolkit.title and copy.source == toolkit.source
    assert steps_of(copy) == steps_of(toolkit)
    assert len(steps_of(copy)) == 17


def test_a_saved_agenda_keeps_its_edits_and_a_new_session_starts_from_it(
    owner_client, session, facilitator
):
    step = session.steps.get(key="strength_of_the_other")
    step.texts = {**step.texts, "nl": {**step.texts["nl"], "title": "Onze kracht"}}
    step.minutes = 35
    step.save()
    session.steps.filter(key="examples").update(skipped=True)
    response = owner_client.post(
        reverse("save_template", args=[session.code]), {"title": "Dordrecht-variant"}
    )
    assert response.status_code == 302
    template = AgendaTemplate.objects.get(owner=facilitator)
    assert str(template) == "Dordrecht-variant"
    saved = template.steps.get(key="strength_of_the_other")
    assert (saved.title, saved.minutes) == ("Onze kracht", 35)
    assert template.steps.get(key="examples").optional  # skipped: an option now

    listing = owner_client.get(reverse("agenda_templates")).content.decode()
    assert "Dordrecht-variant" in listing
    form = owner_client.get(reverse("create_session"), {"template": template.slug})
    assert "Dordrecht-variant" in form.content.decode()
    owner_client.post(
        reverse("create_session"),
        {
            "template": template.slug,
            "title": "Tweede ronde",
            "date": "2027-01-15",
            "language": "nl",
            "formal_organisations": "CJG",
            "informal_organisations": "Buurtmoeders",
        },
    )
    new = Session.objects.get(title="Tweede ronde")
    assert new.template == template
    assert new.steps.get(key="strength_of_the_other").minutes == 35
    assert new.steps.get(key="examples").skipped


def test_a_template_is_its_owners_alone_and_the_toolkit_everyones(
    owner_client, other_client, other_facilitator, toolkit, facilitator
):
    mine = import_template(facilitator, export_json(toolkit))
    assert other_client.get(reverse("export_template", args=[mine.slug])).status_code == 404
    assert mine.slug not in other_client.get(reverse("agenda_templates")).content.decode()
    exported = other_client.get(reverse("export_template", args=[toolkit.slug]))
    assert json.loads(exported.content)["format"] == "samenwerking-agenda"
    # Someone else's template slug on the create page falls back to the toolkit.
    page = other_client.get(reverse("create_session"), {"template": mine.slug})
    assert page.context["template"] == toolkit


def upload(client, content, name="agenda.json"):
    file = SimpleUploadedFile(name, content, content_type="application/json")
    return client.post(reverse("import_template"), {"file": file}, follow=True)


def good_file(toolkit):
    return template_data(toolkit)


def test_an_uploaded_file_becomes_a_template(owner_client, toolkit, facilitator):
    data = good_file(toolkit)
    data["title"] = {"nl": "Variant uit Zaandam"}
    response = upload(owner_client, json.dumps(data).encode())
    assert "Sjabloon “Variant uit Zaandam” geïmporteerd." in response.content.decode()
    assert AgendaTemplate.objects.get(owner=facilitator).steps.count() == 17


def broken(toolkit, change):
    data = good_file(toolkit)
    change(data)
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda t: b"{not json", "geen leesbare JSON"),
        (lambda t: b"[" * 200_000, "geen leesbare JSON"),
        (lambda t: b"[1, 2]", "geen agendabestand van deze app"),
        (lambda t: broken(t, lambda d: d.update(version=2)), "versie die deze app niet kan lezen"),
        (lambda t: broken(t, lambda d: d.update(steps=[])), "De agenda heeft geen stappen."),
        (
            lambda t: broken(t, lambda d: d["steps"][16].update(kind="karaoke")),
            "Stap 17 heeft een soort oefening die deze app niet kent: karaoke.",
        ),
        (
            lambda t: broken(t, lambda d: d["steps"][2]["texts"]["nl"].update(title="x" * 201)),
            "Stap 3 is langer dan 200 tekens.",
        ),
        (
            lambda t: broken(t, lambda d: d["steps"][1].update(minutes="10")),
            "Stap 2: de minuten moeten een heel getal van 0 tot 240 zijn.",
        ),
        (
            lambda t: broken(t, lambda d: d["steps"][1].update(key=d["steps"][0]["key"])),
            "Twee stappen hebben dezelfde sleutel.",
        ),
        (
            lambda t: broken(t, lambda d: d["steps"][0]["texts"].update(xx={"title": "?"})),
            "Stap 1 heeft teksten in een onbekende taal: xx.",
        ),
        (
            lambda t: broken(
                t, lambda d: d["steps"][5].update(config={"a": [[[[[[[["deep"]]]]]]]]})
            ),
            "Stap 6: de opties zijn niet leesbaar.",
        ),
        (
            lambda t: broken(t, lambda d: d["steps"][16]["config"].update(evaluation=["?"])),
            "Stap 17: de opties zijn niet leesbaar.",
        ),
        (
            lambda t: broken(t, lambda d: d["steps"][12]["config"]["themes"].append("power")),
            "Stap 13: de opties zijn niet leesbaar.",
        ),
        (lambda t: b" " * (513 * 1024), "Het bestand is te groot: hoogstens 512 KB."),
    ],
)
def test_a_bad_file_is_refused_whole_with_a_clear_message(owner_client, toolkit, make, message):
    before = (AgendaTemplate.objects.count(), TemplateStep.objects.count())
    response = upload(owner_client, make(toolkit))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert (AgendaTemplate.objects.count(), TemplateStep.objects.count()) == before


def test_a_coordinator_cannot_import(coordinator_client, toolkit):
    response = upload(coordinator_client, export_json(toolkit))
    assert response.status_code == 403


def test_the_commands_export_and_import_a_template(tmp_path, toolkit, facilitator):
    from django.core.management import call_command

    path = tmp_path / "toolkit.json"
    call_command("export_template", "--out", str(path))
    call_command("import_template", str(path), "--owner", facilitator.username, verbosity=0)
    assert steps_of(AgendaTemplate.objects.get(owner=facilitator)) == steps_of(toolkit)
