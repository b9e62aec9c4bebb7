import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from sessions.forms import CleanTextMixin

from .models import EntryStatus
from .register import NOTE_MAX


class FollowUpForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("Title of the follow-up meeting"), max_length=150)
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    cooperation_title = forms.CharField(
        label=_("Name of the cooperation"),
        max_length=150,
        required=False,
        help_text=_(
            "The partners who keep meeting, e.g. “CJG Dordrecht × informal intermediaries”."
        ),
    )


class EntryStatusForm(CleanTextMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=EntryStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)


class HandoutForm(forms.Form):
    start = forms.TimeField(
        label=_("Start time"),
        initial=datetime.time(9, 30),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M"],
    )


class SaveTemplateForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("Name of the template"), max_length=150)


class ImportTemplateForm(forms.Form):
    file = forms.FileField(label=_("Agenda file (JSON)"))
