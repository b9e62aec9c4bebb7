from django.contrib import admin

from .models import AgendaTemplate, Organisation, Participant, Session, SessionStep, TemplateStep


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
    filter_horizontal = ["shared_with"]
    inlines = [OrganisationInline, SessionStepInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "session", "organisation", "side", "joined_at"]
    list_filter = ["side"]
    exclude = ["token"]
