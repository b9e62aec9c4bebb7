"""Who may open what. Views call these and never check ownership inline."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404

from workshop.compiled_queries import CompiledQuery

from .codes import normalize_join_code
from .models import Organisation, Participant, Session

# The phone's cookie holds the participant's random token, signed with SECRET_KEY: a cookie
# that was made up or edited is ignored, and rotating the key signs every phone out.
PARTICIPANT_COOKIE_SALT = "workshop.participant"


def participant_cookie_name(code):
    return f"wp_{code}"


def participant_cookie_value(participant):
    """The signed cookie value that makes a phone this participant (as set_signed_cookie)."""
    name = participant_cookie_name(participant.session.code)
    return signing.get_cookie_signer(salt=name + PARTICIPANT_COOKIE_SALT).sign(participant.token)


def get_session_for_facilitator(request, code):
    """The session with this code, if the logged-in facilitator owns it or it is shared with them.

    404 for an unknown code, 403 for a session that is someone else's.
    """
    code = normalize_join_code(code)
    session = Session.objects.select_related("current_step", "owner").filter(code=code).first()
    if session is None:
        raise Http404("No such session")
    if not session.is_run_by(request.user):
        raise PermissionDenied("Not your session")
    return session


def get_participant(request, session):
    """The participant this phone is in `session`, from its cookie; None if it hasn't joined."""
    token = request.get_signed_cookie(
        participant_cookie_name(session.code), default=None, salt=PARTICIPANT_COOKIE_SALT
    )
    if not token:
        return None
    return (
        Participant.objects.select_related("organisation")
        .filter(session=session, token=token)
        .first()
    )


# Every exercise panel and every answer a phone sends starts here: the participant, their
# session and its current step in one query, compiled once (workshop/compiled_queries.py).
PHONE_PARTICIPANT = CompiledQuery(
    lambda code, token: Participant.objects.select_related(
        "session__current_step", "organisation"
    ).filter(session__code=code, token=token),
    code=str,
    token=str,
)


# The join page: read by every phone of a hall that joins in the same minute, while the
# others poll (docs/benchmarks.md).
SESSION_BY_CODE = CompiledQuery(lambda code: Session.objects.filter(code=code), code=str)
SESSION_ORGANISATIONS = CompiledQuery(
    lambda session: Organisation.objects.filter(session_id=session), session=int
)


def get_phone_participant(request, code):
    """The participant this phone is in the session with `code`, from its cookie, with
    `participant.session` (and its current step) loaded; None if it hasn't joined it."""
    code = normalize_join_code(code)
    token = request.get_signed_cookie(
        participant_cookie_name(code), default=None, salt=PARTICIPANT_COOKIE_SALT
    )
    if not code or not token:
        return None
    return PHONE_PARTICIPANT.first(code=code, token=token)


def remember_participant(response, participant):
    # Path "/": the same phone opens /j/, /p/ and /m/ (photos) of its session. The name
    # carries the session's code, so a cookie never stands for a participant elsewhere.
    response.set_cookie(
        participant_cookie_name(participant.session.code),
        participant_cookie_value(participant),
        path="/",
        max_age=settings.PARTICIPANT_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def get_session_for_reader(request, code):
    """The session whose report and exports this user may read: its facilitators, coordinators."""
    code = normalize_join_code(code)
    session = Session.objects.select_related("owner").filter(code=code).first()
    if session is None:
        raise Http404("No such session")
    if not session.is_readable_by(request.user):
        raise PermissionDenied("Not your session")
    return session
