"""Step 13: what stands in the way: quotes per theme, prepared, reacted to, shown per side."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from exercises.models import Contribution
from exercises.rendering import step_context
from sessions.models import SessionStep


@pytest.fixture
def step(session):
    return session.steps.get(key="obstacles")


@pytest.fixture
def live_step(step, at_step):
    return at_step("obstacles")


def quotes(step):
    return SessionStep.objects.get(pk=step.pk).config.get("quotes", [])


def add_quote(client, url, theme, text, **extra):
    return client.post(url, {"action": "add_quote", "theme": theme, "text": text, **extra})


@pytest.fixture
def quote(owner_client, step, action_url):
    add_quote(owner_client, action_url(step), "power", "De hulpverlener bepaalt wat er gebeurt.")
    return quotes(step)[0]


def react(phone, url, quote_id, **data):
    return phone.post(
        url, {"quote": quote_id, **data}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )


def projector(client, session):
    return client.get(reverse("projector", args=[session.code])).content.decode()


# --- preparing the quotes -------------------------------------------------------------------


def test_prepare_add_quote_goes_back_to_the_edit_page(owner_client, session, step, action_url):
    response = add_quote(
        owner_client,
        action_url(step),
        "loyalty",
        "  Ik wil mijn gemeenschap niet verraden.  ",
        next="prepare",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("edit_step", args=[session.code, step.pk])
    [stored] = quotes(step)
    assert (
        stored["theme"] == "loyalty" and stored["text"] == "Ik wil mijn gemeenschap niet verraden."
    )
    assert len(stored["id"]) == 8
    page = owner_client.get(response["Location"]).content.decode()
    assert "Ik wil mijn gemeenschap niet verraden." in page
    assert (
        'name="next" value="prepare"' in page
        and "hx-post" not in page.split("obstacles-prepare")[1]
    )


def test_prepare_remove_quote(owner_client, session, step, action_url, quote):
    response = owner_client.post(
        action_url(step), {"action": "remove_quote", "quote": quote["id"], "next": "prepare"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("edit_step", args=[session.code, step.pk])
    assert quotes(step) == []
    page = owner_client.get(response["Location"]).content.decode()
    assert "De hulpverlener bepaalt" not in page


def test_the_same_quote_sent_twice_is_stored_once(owner_client, step, action_url):
    for _ in range(2):
        add_quote(owner_client, action_url(step), "values", "Ze begrijpen onze waarden niet.")
    assert len(quotes(step)) == 1


@pytest.mark.parametrize("text", ["   ", "x" * 501])
def test_a_bad_quote_is_refused_and_nothing_stored(owner_client, step, action_url, text):
    response = add_quote(owner_client, action_url(step), "power", text, next="prepare")
    assert response.status_code in (400, 302)
    assert quotes(step) == []


def test_a_forged_theme_or_quote_id_is_404(owner_client, step, action_url, quote):
    assert add_quote(owner_client, action_url(step), "money", "Geld").status_code == 404
    response = owner_client.post(action_url(step), {"action": "remove_quote", "quote": "beef"})
    assert response.status_code == 404
    assert len(quotes(step)) == 1


def test_another_facilitator_cannot_add_or_remove_quotes(other_client, step, action_url, quote):
    assert add_quote(other_client, action_url(step), "power", "Inbraak").status_code == 403
    response = other_client.post(action_url(step), {"action": "remove_quote", "quote": quote["id"]})
    assert response.status_code == 403
    assert [q["text"] for q in quotes(step)] == ["De hulpverlener bepaalt wat er gebeurt."]


def test_a_quote_added_from_the_controls_returns_the_controls(
    owner_client, session, live_step, action_url
):
    response = owner_client.post(
        action_url(live_step),
        {"action": "add_quote", "theme": "values", "text": "Wij voeden anders op.", "phones": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="live"' in response.content.decode()
    assert [q["text"] for q in quotes(live_step)] == ["Wij voeden anders op."]
    controls = owner_client.get(reverse("controls", args=[session.code])).content.decode()
    assert "Wij voeden anders op." in controls
    phone_version = session.phone_version
    session.refresh_from_db()
    assert session.phone_version == phone_version + 1  # phones rebuild to show it


# --- reactions on the phone -----------------------------------------------------------------


def test_the_phone_shows_quotes_per_theme_with_the_answers(session, live_step, join, quote):
    page = join().get(reverse("phone", args=[session.code])).content.decode()
    assert "Onevenwichtige machtsrelatie" in page
    assert "De hulpverlener bepaalt wat er gebeurt." in page
    assert "Ja, herken ik" in page and "Deels" in page and "Nee, herken ik niet" in page


def test_a_reaction_is_stored_once_and_updated(live_step, join, answer_url, quote):
    phone = join()
    assert react(phone, answer_url(live_step), quote["id"], answer="yes").status_code == 200
    assert (
        react(phone, answer_url(live_step), quote["id"], comment="Heel herkenbaar").status_code
        == 200
    )
    assert Contribution.objects.get().data == {"answer": "yes", "comment": "Heel herkenbaar"}
    react(phone, answer_url(live_step), quote["id"], answer="partly")
    react(phone, answer_url(live_step), quote["id"], answer="partly", comment="Soms")
    contribution = Contribution.objects.get()
    assert contribution.data == {"answer": "partly", "comment": "Soms"}
    assert contribution.slot == quote["id"] and contribution.side == "informal"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"quote": "deadbeef", "answer": "yes"}, "no longer on the list"),
        ({"answer": "maybe"}, "Choose one of the answers"),
        ({"answer": "yes", "comment": "x" * 501}, "at most 500 characters"),
    ],
)
def test_a_bad_reaction_gets_a_message_and_nothing_stored(
    live_step, join, answer_url, quote, data, message
):
    response = join().post(
        answer_url(live_step),
        {"quote": quote["id"], **data},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Contribution.objects.count() == 0


def test_a_phone_cannot_react_in_another_sessions_step(
    make_session, other_facilitator, live_step, join, quote
):
    other = make_session(owner=other_facilitator)
    foreign_step = other.steps.get(key="obstacles")
    response = join().post(
        reverse("answer", args=[live_step.session.code, foreign_step.pk]),
        {"quote": quote["id"], "answer": "yes"},
    )
    assert response.status_code == 404
    assert Contribution.objects.count() == 0


def test_a_reaction_only_changes_the_own_answer(live_step, join, answer_url, quote):
    fatima, joost = join("Fatima", "informal"), join("Joost", "formal")
    react(fatima, answer_url(live_step), quote["id"], answer="yes", comment="Van Fatima")
    react(joost, answer_url(live_step), quote["id"], answer="no")
    assert Contribution.objects.get(participant=fatima.participant).data == {
        "answer": "yes",
        "comment": "Van Fatima",
    }
    assert Contribution.objects.count() == 2


def test_locked_step_refuses_reactions(owner_client, session, live_step, join, answer_url, quote):
    phone = join()
    owner_client.post(reverse("lock_step", args=[session.code, live_step.pk]), {"locked": "1"})
    assert react(phone, answer_url(live_step), quote["id"], answer="yes").status_code == 409
    assert Contribution.objects.count() == 0


# --- the wall ---------------------------------------------------------------------------------


def side_row(page, side):
    return page.split(f'reaction-row side-{side}"')[1].split("</div>")[0]


def test_the_wall_shows_formal_and_informal_apart(
    owner_client, session, live_step, join, answer_url, quote
):
    for name in ("Joost", "Petra"):
        react(join(name, "formal"), answer_url(live_step), quote["id"], answer="no")
    react(join("Fatima", "informal"), answer_url(live_step), quote["id"], answer="yes")
    react(join("Aylin", "informal"), answer_url(live_step), quote["id"], answer="yes")
    react(join("Sanne", "informal"), answer_url(live_step), quote["id"], answer="partly")
    page = projector(owner_client, session)
    formal, informal = side_row(page, "formal"), side_row(page, "informal")
    assert "Ja, herken ik: 0; Deels: 0; Nee, herken ik niet: 2" in formal
    assert "Ja, herken ik: 2; Deels: 1; Nee, herken ik niet: 0" in informal
    assert 'width="66.7%"' in informal and 'width="100.0%"' in formal
    assert "5 of 5 answered" in page or "5 van 5 beantwoord" in page


def test_a_theme_on_the_wall_shows_comments_escaped_with_names(
    owner_client, session, live_step, join, answer_url, action_url, quote
):
    react(
        join("Fatima", "informal"),
        answer_url(live_step),
        quote["id"],
        answer="yes",
        comment="Zij <b>beslissen</b> & wij volgen",
    )
    owner_client.post(action_url(live_step), {"action": "show_theme", "theme": "power"})
    page = projector(owner_client, session)
    assert "<h1>Onevenwichtige machtsrelatie</h1>" in page
    assert "Zij &lt;b&gt;beslissen&lt;/b&gt; &amp; wij volgen" in page
    assert "<b>beslissen</b>" not in page
    assert "Fatima" in page
    owner_client.post(reverse("set_anonymous", args=[session.code]), {"anonymous": "1"})
    page = projector(owner_client, session)
    assert "beslissen" in page and "Fatima" not in page


def test_one_quote_on_the_wall(owner_client, session, live_step, join, answer_url, action_url):
    add_quote(owner_client, action_url(live_step), "power", "Eerste citaat")
    add_quote(owner_client, action_url(live_step), "loyalty", "Tweede citaat")
    second = quotes(live_step)[1]
    react(join(), answer_url(live_step), second["id"], comment="Mijn reactie")
    owner_client.post(action_url(live_step), {"action": "show_quote", "quote": second["id"]})
    page = projector(owner_client, session)
    assert "Tweede citaat" in page and "Mijn reactie" in page and "Eerste citaat" not in page
    owner_client.post(action_url(live_step), {"action": "show_theme", "theme": "power"})
    page = projector(owner_client, session)
    assert "Eerste citaat" in page and "Tweede citaat" not in page


def test_the_overview_sums_each_theme_per_side(
    owner_client, session, live_step, join, answer_url, action_url
):
    add_quote(owner_client, action_url(live_step), "power", "Eerste citaat")
    add_quote(owner_client, action_url(live_step), "power", "Tweede citaat")
    first, second = (q["id"] for q in quotes(live_step))
    joost = join("Joost", "formal")
    react(joost, answer_url(live_step), first, answer="yes", comment="Mijn reactie")
    react(joost, answer_url(live_step), second, answer="no")
    react(join("Fatima", "informal"), answer_url(live_step), second, answer="yes")
    page = projector(owner_client, session)
    power = page.split('id="wall-theme-power"')[1].split("</li>")[0]
    assert "Onevenwichtige machtsrelatie" in power
    assert "Ja, herken ik: 1; Deels: 0; Nee, herken ik niet: 1" in side_row(power, "formal")
    assert "Ja, herken ik: 1; Deels: 0; Nee, herken ik niet: 0" in side_row(power, "informal")
    assert "Eerste citaat" not in page and "Mijn reactie" not in page


def test_hidden_comments_are_not_on_the_wall(
    owner_client, session, live_step, join, answer_url, action_url, quote
):
    react(join("Fatima"), answer_url(live_step), quote["id"], answer="yes", comment="Ongepast")
    react(join("Aylin"), answer_url(live_step), quote["id"], answer="yes", comment="Prima")
    hidden = Contribution.objects.get(participant__name="Fatima")
    owner_client.post(reverse("hide_contribution", args=[session.code, hidden.pk]), {"hidden": "1"})
    owner_client.post(action_url(live_step), {"action": "show_quote", "quote": quote["id"]})
    page = projector(owner_client, session)
    assert "Prima" in page and "Ongepast" not in page
    assert "Ja, herken ik: 1;" in side_row(page, "informal")
    controls = owner_client.get(reverse("controls", args=[session.code])).content.decode()
    assert "Ongepast" in controls  # the facilitator can still show it again
    assert Contribution.objects.get(pk=hidden.pk).hidden


def test_a_removed_quote_leaves_the_wall_and_its_reactions_stay_stored(
    owner_client, session, live_step, join, answer_url, action_url, quote
):
    react(join(), answer_url(live_step), quote["id"], answer="yes", comment="Bewaard")
    owner_client.post(action_url(live_step), {"action": "show_quote", "quote": quote["id"]})
    owner_client.post(action_url(live_step), {"action": "remove_quote", "quote": quote["id"]})
    page = projector(owner_client, session)
    assert "De hulpverlener bepaalt" not in page and "Bewaard" not in page
    assert Contribution.objects.count() == 1


@pytest.mark.parametrize("participants", [1, 30])
def test_projector_query_count_stays_flat(
    owner_client,
    session,
    live_step,
    join,
    answer_url,
    action_url,
    participants,
    django_assert_max_num_queries,
):
    for theme in ("power", "loyalty", "values"):
        add_quote(owner_client, action_url(live_step), theme, f"Citaat over {theme}")
    ids = [q["id"] for q in quotes(live_step)]
    for number in range(participants):
        phone = join(f"Deelnemer {number}", "formal" if number % 2 else "informal")
        for quote_id in ids:
            react(phone, answer_url(live_step), quote_id, answer="yes", comment=f"Reactie {number}")
    owner_client.post(action_url(live_step), {"action": "show_theme", "theme": "power"})
    with django_assert_max_num_queries(8):
        response = owner_client.get(
            reverse("projector", args=[session.code]), HTTP_HX_REQUEST="true"
        )
    assert f"Reactie {participants - 1}" in response.content.decode()


def report(session, step):
    step.refresh_from_db()
    session.refresh_from_db()
    with translation.override("nl"):
        context = step_context(session, step, surface="report", language="nl")
        return render_to_string(context["kind"].partial("report"), {"session": session, **context})


def test_the_report_shows_every_visible_comment_and_the_counts(
    owner_client, session, live_step, join, answer_url, quote
):
    for number in range(4):
        react(
            join(f"Deelnemer {number}", "formal"),
            answer_url(live_step),
            quote["id"],
            answer="yes",
            comment=f"Opmerking {number} <i>x</i>",
        )
    react(
        join("Fatima", "informal"),
        answer_url(live_step),
        quote["id"],
        answer="no",
        comment="Verborgen",
    )
    hidden = Contribution.objects.get(participant__name="Fatima")
    owner_client.post(reverse("hide_contribution", args=[session.code, hidden.pk]), {"hidden": "1"})
    html = report(session, live_step)
    assert "De hulpverlener bepaalt wat er gebeurt." in html
    for number in range(4):
        assert f"Opmerking {number} &lt;i&gt;x&lt;/i&gt;" in html
    assert "Verborgen" not in html
    formal_row = html.split("<th>Formeel</th>")[1].split("</tr>")[0]
    assert formal_row.split() == [
        "<td",
        'class="num">4</td><td',
        'class="num">0</td><td',
        'class="num">0</td>',
    ]


def test_without_quotes_the_phone_waits_and_the_wall_shows_the_themes(
    owner_client, session, live_step, join
):
    page = (
        join()
        .get(reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "There are no quotes yet" in page and 'name="answer"' not in page
    wall = projector(owner_client, session)
    assert "Loyaliteit en afstand" in wall and "Citaten bespreken" in wall


def test_at_most_six_quotes_per_theme(owner_client, step, action_url):
    for number in range(7):
        response = add_quote(owner_client, action_url(step), "power", f"Citaat {number}")
    assert response.status_code == 400
    assert [q["text"] for q in quotes(step)] == [f"Citaat {number}" for number in range(6)]
    add_quote(owner_client, action_url(step), "values", "Een ander thema")
    assert len(quotes(step)) == 7


def test_a_phone_without_javascript_is_sent_back_to_its_page(session, live_step, join, quote):
    response = join().post(
        reverse("answer", args=[session.code, live_step.pk]),
        {"quote": quote["id"], "answer": "partly", "comment": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("phone", args=[session.code])
    assert Contribution.objects.get().data == {"answer": "partly", "comment": ""}
