"""Database set-up and counts for the load benchmark, run inside the benchmark's Django.

python -m bench.fixtures prepare PASSWORD   → JSON with the codes and step ids
python -m bench.fixtures count CODE         → how many notes the session holds
"""

import json
import sys

import django


def prepare(password):
    from django.contrib.auth import get_user_model

    from sessions.forms import SessionCreateForm
    from sessions.models import AgendaTemplate

    user = get_user_model().objects.create_user("bench", password=password)
    toolkit = AgendaTemplate.objects.get(slug="toolkit-2017")

    def live_session(title):
        form = SessionCreateForm(
            data={
                "title": title,
                "date": "2026-12-03",
                "place": "Ahoy, Rotterdam",
                "language": "nl",
                "formal_organisations": "CJG Rotterdam\nJeugdteam Noord\nWijkteam Zuid",
                "informal_organisations": "Stichting Al Amal\nVrouwen van Nu\nBuurtmoeders",
            }
        )
        assert form.is_valid(), form.errors
        session = form.save_for(user, toolkit)
        steps = session.active_steps()
        cover, strength = steps.get(kind="cover"), steps.get(kind="strength")
        session.go_to(cover)
        return session, cover, strength

    live, cover, strength = live_session("Benchmark: de zaal")
    burst, _cover, burst_strength = live_session("Benchmark: iedereen tegelijk")
    burst.go_to(burst_strength)
    return {
        "code": live.code,
        "steps": [cover.pk, strength.pk],
        "burst_code": burst.code,
        "burst_step": burst_strength.pk,
    }


def count(code):
    from exercises.models import Contribution

    return {"notes": Contribution.objects.filter(session__code=code).count()}


if __name__ == "__main__":
    django.setup()
    command, argument = sys.argv[1], sys.argv[2]
    print(json.dumps({"prepare": prepare, "count": count}[command](argument)))
