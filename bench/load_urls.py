"""URLs for the load benchmark: the project as it is, plus one bare view to compare against.

The bare view validates a ten-field form and inserts one row, behind the same middleware and served by the
same gunicorn, so the ratio of the two throughputs measures what TrialBridge itself costs.
"""

from django import forms
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as project_urlpatterns


class TenFieldForm(forms.Form):
    name = forms.CharField(max_length=100)
    email = forms.EmailField()
    age = forms.IntegerField(min_value=0, max_value=130)
    city = forms.CharField(max_length=100)
    state = forms.CharField(max_length=2)
    postal_code = forms.RegexField(regex=r"^\d{5}$")
    phone = forms.CharField(max_length=40)
    sex = forms.ChoiceField(choices=[("female", "female"), ("male", "male")])
    agree = forms.BooleanField()
    note = forms.CharField(max_length=500)


@csrf_exempt
def bare(request):
    form = TenFieldForm(request.POST)
    if not form.is_valid():
        return HttpResponse("invalid", status=400)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO load_bare_row (name, email, created_at) VALUES (%s, %s, now())",
                       [form.cleaned_data["name"], form.cleaned_data["email"]])
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
