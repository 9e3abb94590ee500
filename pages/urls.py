from django.urls import path

from pages import views

app_name = "pages"

urlpatterns = [
    path("events/<slug:slug>/", views.event_view, name="event"),
    path("actors/<slug:slug>/", views.actor_view, name="actor"),
    path("follow-through/", views.follow_through_view, name="follow-through"),
]
