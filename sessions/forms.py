from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .access import SESSION_ORGANISATIONS
from .models import Organisation, Participant, Question, Session, SessionStep, Side
from .text import clean_text

MAX_ORGANISATIONS = 60
OTHER_ORGANISATION = "__other__"


class CleanTextMixin:
    """Every CharField is cleaned of control characters; multi-line ones keep their lines."""

    multiline_fields = ()

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and isinstance(self.fields[name], forms.CharField):
                cleaned[name] = clean_text(value, multiline=name in self.multiline_fields)
                if self.fields[name].required and not cleaned[name]:
                    self.add_error(name, _("This field cannot be empty."))
        return cleaned


def parse_organisation_lines(text):
    names = []
    for line in (text or "").splitlines():
        name = clean_text(line)
        if not name:
            continue
        if len(name) > 120:
            raise ValidationError(_("An organisation name can be at most 120 characters."))
        if name.lower() not in {n.lower() for n in names}:
            names.append(name)
    if len(names) > MAX_ORGANISATIONS:
        raise ValidationError(
            _("At most %(max)d organisations per side.") % {"max": MAX_ORGANISATIONS}
        )
    return names


class SessionDetailsForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = ["title", "date", "place", "language"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class SessionCreateForm(SessionDetailsForm):
    multiline_fields = ("formal_organisations", "informal_organisations")

    formal_organisations = forms.CharField(
        label=_("Formal organisations"),
        help_text=_("One per line, e.g. youth team, child and family centre (CJG)."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    informal_organisations = forms.CharField(
        label=_("Informal organisations"),
        help_text=_("One per line, e.g. volunteers' groups, migrant self-organisations."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    include_tree = forms.BooleanField(label=_("Cooperation tree"), required=False)
    include_pitfalls = forms.BooleanField(label=_("Pitfalls"), required=False)
    include_letter = forms.BooleanField(label=_("Letter at the close"), required=False)

    # Optional steps of the template and the form field that switches each on.
    OPTIONAL_STEP_KINDS = {"tree": "include_tree", "pitfalls": "include_pitfalls"}

    def clean(self):
        cleaned = super().clean()
        for side in ("formal", "informal"):
            field = f"{side}_organisations"
            try:
                cleaned[field] = parse_organisation_lines(cleaned.get(field, ""))
            except ValidationError as error:
                self.add_error(field, error)
        formal = {n.lower() for n in cleaned.get("formal_organisations") or []}
        for name in cleaned.get("informal_organisations") or []:
            if name.lower() in formal:
                self.add_error(
                    "informal_organisations",
                    _("“%(name)s” is listed on both sides.") % {"name": name},
                )
        return cleaned

    @transaction.atomic
    def save_for(self, owner, template):
        session = self.save(commit=False)
        session.owner = owner
        session.template = template
        session.save()
        for side in Side.values:
            Organisation.objects.bulk_create(
                Organisation(session=session, name=name, side=side)
                for name in self.cleaned_data[f"{side}_organisations"]
            )
        steps = []
        for template_step in template.steps.order_by("position"):
            config = dict(template_step.config)
            if template_step.kind == "closing":
                config["letter_enabled"] = self.cleaned_data["include_letter"]
            switch = self.OPTIONAL_STEP_KINDS.get(template_step.kind)
            included = not template_step.optional or (switch and self.cleaned_data[switch])
            steps.append(
                SessionStep(
                    session=session,
                    position=template_step.position,
                    key=template_step.key,
                    kind=template_step.kind,
                    optional=template_step.optional,
                    minutes=template_step.minutes,
                    texts=template_step.texts,
                    config=config,
                    skipped=not included,
                )
            )
        SessionStep.objects.bulk_create(steps)
        return session


class OrganisationForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "side"]
        widgets = {"side": forms.RadioSelect}

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["side"].choices = Side.choices  # no blank "-----" radio

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"])
        if self.session.organisations.filter(name__iexact=name).exists():
            raise ValidationError(_("This organisation is already on the list."))
        if self.session.organisations.count() >= 2 * MAX_ORGANISATIONS:
            raise ValidationError(_("This session has the maximum number of organisations."))
        return name

    def save(self, commit=True):
        self.instance.session = self.session
        return super().save(commit)


class StepForm(CleanTextMixin, forms.Form):
    """The facilitator's edit of a step's texts in one language, and its minutes.

    The session's language by default; the phones' own languages (Turkish, Arabic) can be
    edited too, since the toolkit's content is data, not interface text.
    """

    multiline_fields = ("body", "instruction")

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text on the wall"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("A blank line starts a new paragraph; a line starting with “- ” is a bullet."),
    )
    instruction = forms.CharField(
        label=_("Instruction for the facilitator"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minutes = forms.IntegerField(label=_("Planned minutes"), min_value=0, max_value=240)

    def __init__(self, *args, step, language=None, **kwargs):
        self.step = step
        self.language = language or step.session.language
        entry = step.texts.get(self.language) or {} if isinstance(step.texts, dict) else {}
        # Only what this language has: an empty field means "show the Dutch text".
        initial = {key: entry.get(key, "") for key in ("title", "body", "instruction")}
        kwargs.setdefault("initial", {**initial, "minutes": step.minutes})
        super().__init__(*args, **kwargs)
        for name in ("title", "body", "instruction"):
            self.fields[name].widget.attrs.update(lang=self.language, dir="auto")
        if self.language not in dict(settings.SESSION_LANGUAGES):
            self.fields["title"].required = False  # falls back to the Dutch title

    def save(self):
        texts = dict(self.step.texts)
        texts[self.language] = {
            key: self.cleaned_data[key] for key in ("title", "body", "instruction")
        }
        self.step.texts = texts
        self.step.minutes = self.cleaned_data["minutes"]
        self.step.save(update_fields=["texts", "minutes"])
        return self.step


class ShareForm(forms.Form):
    username = forms.CharField(
        label=_("Username of another facilitator or a coordinator"), max_length=150
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session

    def clean_username(self):
        from django.contrib.auth import get_user_model

        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise ValidationError(_("No facilitator with this username."))
        if user.pk == self.session.owner_id:
            raise ValidationError(_("This is the session's own facilitator."))
        return user


class JoinCodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)


class LanguageSelect(forms.Select):
    """Each language's name marked with its own language, so screen readers say it right."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"]["lang"] = value
        return option


# (language, initial language, organisations) → the unbound join form's fields as HTML.
_UNBOUND_JOIN_FIELDS = {}


class JoinForm(CleanTextMixin, forms.Form):
    name = forms.CharField(
        label=_("Your name or a pseudonym"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    organisation = forms.ChoiceField(label=_("Your organisation"), required=False)
    organisation_other = forms.CharField(
        label=_("Or type your organisation"), max_length=120, required=False
    )
    side = forms.ChoiceField(
        label=_("You work or volunteer as"),
        choices=[
            (Side.FORMAL, _("Formal: a professional (e.g. youth team, CJG)")),
            (Side.INFORMAL, _("Informal: a volunteer or self-organisation")),
        ],
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language on your phone"),
        # Each language in its own name, so everyone finds theirs whatever the page is in.
        choices=[
            (code, translation.get_language_info(code)["name_local"])
            for code, _name in settings.LANGUAGES
        ],
        widget=LanguageSelect,
        help_text=_("You can change it at any time at the top of the page."),
        required=False,  # left out: the phone follows its browser's language
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.known = {str(org.pk): org for org in SESSION_ORGANISATIONS.all(session=session.pk)}
        self.fields["organisation"].choices = (
            [("", _("Choose…"))]
            + [(pk, org.name) for pk, org in self.known.items()]
            + [(OTHER_ORGANISATION, _("Another organisation (type it below)"))]
        )

    def fields_html(self):
        """The fields as HTML (form_fields.html). Unbound, they are the same for every phone
        that opens the join page in one language, until the organisations change: rendered
        once per worker process rather than for each phone of a hall joining at once (a
        fifth of the page's CPU, docs/benchmarks.md). A bound form shows its own values."""
        if self.is_bound:
            return render_to_string("form_fields.html", {"form": self})
        key = (
            translation.get_language(),
            self.initial.get("language"),
            tuple((pk, org.name) for pk, org in self.known.items()),
        )
        html = _UNBOUND_JOIN_FIELDS.get(key)
        if html is None:
            if len(_UNBOUND_JOIN_FIELDS) >= 500:  # bounded: many sessions, few joins each
                _UNBOUND_JOIN_FIELDS.clear()
            html = _UNBOUND_JOIN_FIELDS[key] = render_to_string("form_fields.html", {"form": self})
        return html

    def clean(self):
        cleaned = super().clean()
        picked = cleaned.get("organisation")
        typed = cleaned.get("organisation_other", "")
        if typed and picked in ("", OTHER_ORGANISATION, None):
            cleaned["organisation"] = None
        elif picked in self.known:
            cleaned["organisation"] = self.known[picked]
        else:
            self.add_error(
                "organisation", _("Choose your organisation, or type it in the field below.")
            )
        return cleaned

    def save(self):
        organisation = self.cleaned_data["organisation"]
        typed = self.cleaned_data["organisation_other"]
        if organisation is None and typed:
            # A typed organisation and its first member are stored together or not at all.
            with transaction.atomic():
                return self._create_participant(self._typed_organisation(typed))
        # One INSERT outside a transaction: on SQLite the write lock is held for that statement
        # only, which keeps a hall's joins from queueing (docs/benchmarks.md). Saving it tells
        # every screen (Participant.save).
        return self._create_participant(organisation)

    def _typed_organisation(self, typed):
        organisation = self.session.organisations.filter(name__iexact=typed).first()
        if organisation is None and self.session.organisations.count() < 3 * MAX_ORGANISATIONS:
            organisation = Organisation.objects.create(
                session=self.session, name=typed, side=self.cleaned_data["side"]
            )
        return organisation

    def _create_participant(self, organisation):
        return Participant.objects.create(
            session=self.session,
            name=self.cleaned_data["name"],
            organisation=organisation,
            side=self.cleaned_data["side"],
            language=self.cleaned_data["language"],
        )


class QuestionForm(CleanTextMixin, forms.ModelForm):
    multiline_fields = ("text",)

    class Meta:
        model = Question
        fields = ["text"]
        labels = {"text": _("Question or remark for the facilitator")}
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "maxlength": 500})}
