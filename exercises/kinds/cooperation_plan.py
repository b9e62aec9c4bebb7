"""Step 14, "Opzetten van een samenwerking": each group writes its plan for the cooperation.

The same groups as in step 12 (exercises/grouping.py; the facilitator can move people so
that the partners who want to continue together sit in one group). Each group fills in one
plan together on their phones: looking back (own organisation, own strength), looking
forward, and the desired cooperation: goals, concrete form, roles formal/informal,
conditions and agreements. Each part autosaves on its own with a version check. The wall
shows the plans group by group, or an overview of how far each group is; the report shows
every plan.
"""

from django.utils.translation import gettext_lazy as _

from ..grouping import GroupWork
from ..registry import register

# The parts from here on are "the desired cooperation" (a heading of their own).
DESIRED_FROM = "goals"


@register
class CooperationPlan(GroupWork):
    slug = "cooperation_plan"
    label = _("Cooperation plan")
    field_prefix = "cp"

    def fields(self, step, language=None):
        fields = super().fields(step, language)
        for field in fields:
            field["starts_desired"] = field["key"] == DESIRED_FROM
        return fields

    def answer_view(self, row, fields):
        view = super().answer_view(row, fields)
        starts = {field["key"] for field in fields if field.get("starts_desired")}
        for part in view["parts"]:
            part["starts_desired"] = part["key"] in starts
        return view
