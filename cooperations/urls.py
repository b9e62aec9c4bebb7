from django.urls import path

from . import views

# Included before the sessions' "f/<code>/" pages, so "f/cooperations/" is never a code.
urlpatterns = [
    path("f/cooperations/", views.cooperation_list, name="cooperations"),
    path("f/cooperations/<int:pk>/", views.cooperation_page, name="cooperation"),
    path(
        "f/cooperations/<int:pk>/entries/<int:entry_id>",
        views.change_entry,
        name="change_entry",
    ),
    path("f/cooperations/<int:pk>/report.pdf", views.cooperation_report, name="cooperation_report"),
    path("f/templates/", views.template_list, name="agenda_templates"),
    path("f/templates/import", views.import_template, name="import_template"),
    path("f/templates/<slug:slug>.json", views.export_template, name="export_template"),
    path("f/<str:code>/follow-up", views.plan_follow_up, name="plan_follow_up"),
    path("f/<str:code>/handout.pdf", views.handout, name="handout"),
    path("f/<str:code>/save-template", views.save_template, name="save_template"),
]
