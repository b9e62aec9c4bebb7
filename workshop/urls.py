from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from exercises import views as exercises
from sessions import login_throttle
from sessions.views import health, live, media, phone, prepare, report, run

# The admin's login counts failed attempts like the facilitators' login page.
admin.site.login_form = login_throttle.ThrottledAdminAuthenticationForm

urlpatterns = [
    path("", include("cooperations.urls")),
    path("", phone.home, name="home"),
    path("j/<str:code>", phone.join, name="join"),
    path("p/<str:code>/", phone.phone, name="phone"),
    path("p/<str:code>/question", phone.ask_question, name="ask_question"),
    path("p/<str:code>/language", phone.set_phone_language, name="set_phone_language"),
    path("p/<str:code>/steps/<int:step_id>/answer", exercises.answer, name="answer"),
    path("live/<str:code>", live.poll, name="poll"),
    path("f/", prepare.facilitator_home, name="facilitator_home"),
    path("f/new/", prepare.create_session, name="create_session"),
    path("f/<str:code>/", prepare.prepare, name="prepare"),
    path("f/<str:code>/details", prepare.edit_details, name="edit_details"),
    path("f/<str:code>/organisations", prepare.add_organisation, name="add_organisation"),
    path(
        "f/<str:code>/organisations/<int:organisation_id>/remove",
        prepare.remove_organisation,
        name="remove_organisation",
    ),
    path("f/<str:code>/steps/<int:step_id>/", prepare.edit_step, name="edit_step"),
    path("f/<str:code>/steps/<int:step_id>/change", prepare.change_step, name="change_step"),
    path("f/<str:code>/share", prepare.share_session, name="share_session"),
    path("f/<str:code>/delete", prepare.delete_session, name="delete_session"),
    path("f/<str:code>/controls/", run.controls, name="controls"),
    path("f/<str:code>/projector/", run.projector, name="projector"),
    path("f/<str:code>/navigate", run.navigate, name="navigate"),
    path("f/<str:code>/timer", run.timer, name="timer"),
    path("f/<str:code>/close", run.close_session, name="close_session"),
    path("f/<str:code>/steps/<int:step_id>/lock", exercises.lock_step, name="lock_step"),
    path("f/<str:code>/steps/<int:step_id>/action", exercises.step_action, name="step_action"),
    path(
        "f/<str:code>/contributions/<int:contribution_id>/hide",
        exercises.hide_contribution,
        name="hide_contribution",
    ),
    path("f/<str:code>/anonymous", exercises.set_anonymous, name="set_anonymous"),
    path("login/", login_throttle.login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("c/", report.reports_home, name="reports_home"),
    path("r/<str:code>/report.pdf", report.report_pdf, name="report_pdf"),
    path("r/<str:code>/<str:what>", report.export, name="export"),
    path("m/<str:code>/<str:filename>", media.media, name="media"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
