"""A workshop session: its agenda, the organisations and participants, and the live state."""

import functools

from django.conf import settings
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .codes import new_join_code, new_participant_token


class Side(models.TextChoices):
    FORMAL = "formal", _("Formal")
    INFORMAL = "informal", _("Informal")


def localized(texts, language, fallback="nl"):
    """Pick a language's entry from a {"nl": ..., "en": ...} dict, falling back to Dutch."""
    if not isinstance(texts, dict):
        return texts
    short = (language or fallback).split("-")[0]
    for key in (short, fallback):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


class AgendaTemplate(models.Model):
    """A reusable agenda: the 2017 toolkit, loaded from fixtures/, or a facilitator's own."""

    slug = models.SlugField(unique=True)
    title = models.JSONField(default=dict)  # {"nl": ..., "en": ...}
    source = models.CharField(max_length=300, blank=True)
    # A facilitator's own template (saved from a session, or imported); none: for everyone.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agenda_templates",
    )

    @classmethod
    def visible_to(cls, user):
        """The templates everyone sees (the toolkit) and the user's own."""
        return cls.objects.filter(models.Q(owner__isnull=True) | models.Q(owner=user.pk))

    def __str__(self):
        return localized(self.title, get_language())


class StepContent(models.Model):
    """What a template step and a session step share: the deck's content and the timing."""

    position = models.PositiveIntegerField()
    key = models.SlugField(max_length=60)
    kind = models.SlugField(max_length=40)
    optional = models.BooleanField(default=False)
    minutes = models.PositiveIntegerField(default=5)
    # {"nl": {"title": ..., "body": ..., "instruction": ...}, "en": {...}}
    texts = models.JSONField(default=dict)
    config = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["position"]

    def text(self, language=None):
        """Title, body and instruction in the given language (or the active one).

        Each falls back to Dutch on its own: the phone-only languages hold what a
        participant sees (title, body), not the facilitator's instruction.
        """
        entry = localized(self.texts, language or get_language()) or {}
        dutch = self.texts.get("nl") or {} if isinstance(self.texts, dict) else {}
        return {
            key: entry.get(key) or dutch.get(key, "") for key in ("title", "body", "instruction")
        }

    @property
    def title(self):
        return self.text()["title"]

    def __str__(self):
        return f"{self.position}. {self.title}"


class TemplateStep(StepContent):
    template = models.ForeignKey(AgendaTemplate, on_delete=models.CASCADE, related_name="steps")

    class Meta(StepContent.Meta):
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="template_step_key_unique")
        ]


class Status(models.TextChoices):
    DRAFT = "draft", _("In preparation")
    LIVE = "live", _("Running")
    CLOSED = "closed", _("Closed")


class RunByFacilitators:
    """For a model with an `owner` and facilitators it is `shared_with` (sessions, cooperations)."""

    def is_run_by(self, user):
        if not user.is_authenticated:
            return False
        return self.owner_id == user.pk or self.shared_with.filter(pk=user.pk).exists()


@functools.cache
def _bump_sql(vendor, counters):
    """UPDATE … RETURNING: the new counters in the same round trip as the update (every answer
    bumps the session; a second query to read them back was a tenth of an answer's time)."""
    quote = connection.ops.quote_name
    table = quote(Session._meta.db_table)
    increments = ", ".join(f"{quote(name)} = {quote(name)} + 1" for name in counters)
    read_back = ", ".join(quote(name) for name in ("version", "phone_version", "participant_count"))
    return f"UPDATE {table} SET {increments} WHERE {quote('id')} = %s RETURNING {read_back}"


class Session(RunByFacilitators, models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_sessions"
    )
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shared_sessions"
    )
    # Coordinators read the report and the exports; they cannot change or run the session.
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coordinated_sessions"
    )
    template = models.ForeignKey(AgendaTemplate, on_delete=models.SET_NULL, null=True, blank=True)
    title = models.CharField(_("title"), max_length=150)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=150, blank=True)
    language = models.CharField(
        _("language of the wall and the report"),
        max_length=8,
        choices=settings.SESSION_LANGUAGES,
        default="nl",
    )
    code = models.CharField(max_length=8, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    current_step = models.ForeignKey(
        "SessionStep", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Bumped on every change a phone, the projector or the controls should see. The live
    # poll compares it with the version the page has: one indexed read per poll.
    version = models.PositiveBigIntegerField(default=1)
    # Bumped only when what a phone shows must be rebuilt (step, lock, groups, voting), so
    # phones don't re-render their forms each time someone else contributes.
    phone_version = models.PositiveBigIntegerField(default=1)
    # How many have joined, kept on the row the poll reads: phones spread fetching a new
    # exercise over a time that grows with the room (static/js/live.js), and must know the
    # room's size at the moment of the change, not when they joined. Participants are only
    # ever added (and deleted with their session).
    participant_count = models.PositiveIntegerField(default=0, editable=False)
    anonymous = models.BooleanField(
        _("anonymous on the wall"),
        default=False,
        help_text=_("Contributions show without names on the wall and in the report."),
    )
    # The step timer: seconds already run before the current run, and when the run began.
    timer_elapsed = models.PositiveIntegerField(default=0)
    timer_started_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at"]

    def __str__(self):
        return f"{self.title} ({self.code})"

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = self._unused_code()
        super().save(*args, **kwargs)

    @staticmethod
    def _unused_code():
        while True:
            code = new_join_code()
            if not Session.objects.filter(code=code).exists():
                return code

    def get_absolute_url(self):
        return reverse("prepare", args=[self.code])

    # --- who may do what -------------------------------------------------------------

    def is_readable_by(self, user):
        """The report and exports: the session's facilitators and its coordinators."""
        return self.is_run_by(user) or (
            user.is_authenticated and self.coordinators.filter(pk=user.pk).exists()
        )

    @property
    def is_draft(self):
        return self.status == Status.DRAFT

    @property
    def is_live(self):
        return self.status == Status.LIVE

    @property
    def is_closed(self):
        return self.status == Status.CLOSED

    @property
    def accepts_participants(self):
        return self.status != Status.CLOSED

    # --- the agenda --------------------------------------------------------------------

    def active_steps(self):
        return self.steps.filter(skipped=False).order_by("position")

    def bump(self, phones=False, joined=False):
        """Tell every page that polls this session that something changed.

        `phones=True` when the phones' exercise panels must be rebuilt too; `joined=True`
        when a participant was added (one UPDATE for both).
        """
        counters = ("version",) + ("phone_version",) * phones + ("participant_count",) * joined
        with connection.cursor() as cursor:
            cursor.execute(_bump_sql(connection.vendor, counters), [self.pk])
            row = cursor.fetchone()
        if row is not None:  # a session deleted meanwhile has nothing left to tell
            self.version, self.phone_version, self.participant_count = row

    @transaction.atomic
    def go_to(self, step):
        """Make `step` current: book the time spent on the previous one, reset the timer."""
        now = timezone.now()
        if self.current_step_id and self.current_step.entered_at:
            leaving = self.current_step
            leaving.actual_seconds += int((now - leaving.entered_at).total_seconds())
            leaving.entered_at = None
            leaving.save(update_fields=["actual_seconds", "entered_at"])
        if self.status == Status.DRAFT:
            self.status = Status.LIVE
            self.started_at = now
        step.entered_at = now
        step.save(update_fields=["entered_at"])
        self.current_step = step
        self.timer_elapsed = 0
        self.timer_started_at = None
        self.save(
            update_fields=[
                "current_step",
                "status",
                "started_at",
                "timer_elapsed",
                "timer_started_at",
            ]
        )
        self.bump(phones=True)

    def _neighbour(self, direction):
        steps = list(self.active_steps())
        if not steps:
            return None
        if self.current_step not in steps:
            return steps[0]
        index = steps.index(self.current_step) + direction
        if 0 <= index < len(steps):
            return steps[index]
        return None

    def next_step(self):
        if self.current_step_id is None:
            return self.active_steps().first()
        return self._neighbour(+1)

    def previous_step(self):
        if self.current_step_id is None:
            return None
        return self._neighbour(-1)

    @transaction.atomic
    def close(self):
        now = timezone.now()
        if self.current_step_id and self.current_step.entered_at:
            step = self.current_step
            step.actual_seconds += int((now - step.entered_at).total_seconds())
            step.entered_at = None
            step.save(update_fields=["actual_seconds", "entered_at"])
        self.status = Status.CLOSED
        self.closed_at = now
        self.timer_elapsed = self.timer_seconds_run()
        self.timer_started_at = None
        self.save(update_fields=["status", "closed_at", "timer_elapsed", "timer_started_at"])
        self.bump(phones=True)

    @transaction.atomic
    def reopen(self):
        self.status = Status.LIVE if self.current_step_id else Status.DRAFT
        self.closed_at = None
        if self.current_step_id:
            step = self.current_step
            step.entered_at = timezone.now()
            step.save(update_fields=["entered_at"])
        self.save(update_fields=["status", "closed_at"])
        self.bump(phones=True)

    # --- the step timer ----------------------------------------------------------------

    @property
    def timer_running(self):
        return self.timer_started_at is not None

    def timer_seconds_run(self):
        run = self.timer_elapsed
        if self.timer_started_at:
            run += int((timezone.now() - self.timer_started_at).total_seconds())
        return run

    def timer_seconds_left(self):
        """Seconds left of the current step's planned minutes; negative once over time."""
        planned = self.current_step.minutes * 60 if self.current_step_id else 0
        return planned - self.timer_seconds_run()

    def timer_start(self):
        if not self.timer_started_at:
            self.timer_started_at = timezone.now()
            self.save(update_fields=["timer_started_at"])
            self.bump()

    def timer_pause(self):
        if self.timer_started_at:
            self.timer_elapsed = self.timer_seconds_run()
            self.timer_started_at = None
            self.save(update_fields=["timer_elapsed", "timer_started_at"])
            self.bump()

    def timer_reset(self):
        self.timer_elapsed = 0
        self.timer_started_at = None
        self.save(update_fields=["timer_elapsed", "timer_started_at"])
        self.bump()

    # --- who is here -------------------------------------------------------------------

    def organisations_by_side(self):
        organisations = list(self.organisations.all())
        return {side: [org for org in organisations if org.side == side] for side in Side.values}

    def join_counts(self):
        """Participants by side and by organisation, for the controls and the wall."""
        rows = (
            self.participants.values("side", "organisation__name")
            .annotate(count=models.Count("id"))
            .order_by("side", "organisation__name")
        )
        by_side = {side: 0 for side in Side.values}
        by_organisation = []
        for row in rows:
            by_side[row["side"]] += row["count"]
            by_organisation.append(
                {"side": row["side"], "name": row["organisation__name"], "count": row["count"]}
            )
        return {
            "total": sum(by_side.values()),
            "by_side": by_side,
            "by_organisation": by_organisation,
        }


class Organisation(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(_("organisation"), max_length=120)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)

    class Meta:
        ordering = ["side", "name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="organisation_name_unique")
        ]

    def __str__(self):
        return self.name


class SessionStep(StepContent):
    """A step of one session's agenda: copied from the template, then the facilitator's own."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="steps")
    skipped = models.BooleanField(default=False)
    # Input locked by the facilitator: phones show the answers read-only.
    locked = models.BooleanField(default=False)
    # The kind's live state on the wall: a spotlighted note, the card shown, voting open...
    state = models.JSONField(default=dict, blank=True)
    # Time actually spent on the step (for the report), and when it last became current.
    actual_seconds = models.PositiveIntegerField(default=0)
    entered_at = models.DateTimeField(null=True, blank=True)

    class Meta(StepContent.Meta):
        indexes = [models.Index(fields=["session", "position"])]

    @property
    def actual_minutes(self):
        return round(self.actual_seconds / 60)


class Participant(models.Model):
    """Someone on a phone: no account, known by a random token in a cookie."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    token = models.CharField(max_length=64, unique=True, default=new_participant_token)
    name = models.CharField(_("name or pseudonym"), max_length=60)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    # The language of this participant's phone (prompts, buttons); empty: the browser's.
    # What they type is stored as typed; the wall and the report keep the session's language.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        joined = self._state.adding
        super().save(*args, **kwargs)
        if joined:  # the room's size on the session row, with the change every screen sees
            self.session.bump(joined=True)


class Question(models.Model):
    """A question or remark a participant sends to the facilitator from the phone."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="questions")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:60]
