from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AgendaTemplate, Organisation, Participant, Session, SessionStep, TemplateStep
from .roles import set_coordinator


class TemplateStepInline(admin.TabularInline):
    model = TemplateStep
    fields = ["position", "key", "kind", "optional", "minutes"]
    extra = 0


@admin.register(AgendaTemplate)
class AgendaTemplateAdmin(admin.ModelAdmin):
    list_display = ["slug", "source"]
    inlines = [TemplateStepInline]


class SessionStepInline(admin.TabularInline):
    model = SessionStep
    fields = ["position", "key", "kind", "skipped", "minutes", "actual_seconds"]
    extra = 0


class OrganisationInline(admin.TabularInline):
    model = Organisation
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "code", "status", "owner"]
    list_filter = ["status"]
    search_fields = ["title", "code", "place"]
    readonly_fields = ["code", "version"]
    filter_horizontal = ["shared_with", "coordinators"]
    inlines = [OrganisationInline, SessionStepInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "session", "organisation", "side", "joined_at"]
    list_filter = ["side"]
    exclude = ["token"]


User = get_user_model()


@admin.action(description=_("Make coordinator (reads reports, cannot run sessions)"))
def make_coordinator(modeladmin, request, queryset):
    for user in queryset:
        set_coordinator(user, True)
    messages.success(
        request, _("%(count)d user(s) are now coordinators.") % {"count": len(queryset)}
    )


@admin.action(description=_("Remove the coordinator role"))
def remove_coordinator(modeladmin, request, queryset):
    for user in queryset:
        set_coordinator(user, False)


class WorkshopUserAdmin(UserAdmin):
    actions = [make_coordinator, remove_coordinator]


admin.site.unregister(User)
admin.site.register(User, WorkshopUserAdmin)
