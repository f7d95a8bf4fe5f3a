from django.urls import path

from screening import views

app_name = "screening"

urlpatterns = [
    path("clients/<int:pk>/screenings/new/", views.screening_create, name="create"),
    path("clients/<int:pk>/screenings/<int:screening_id>/", views.screening_detail, name="detail"),
]
