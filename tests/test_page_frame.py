"""Every page's frame (templates/base.html) links its stylesheets and navigation, worked out once per process."""

from django.templatetags.static import static
from django.urls import reverse


def test_a_patient_page_links_the_stylesheets_home_and_the_language_switch(client):
    page = client.get(reverse("intake:landing")).content.decode()

    assert f'href="{static("bootstrap/css/bootstrap.min.css")}"' in page
    assert f'href="{static("css/site.css")}"' in page
    assert f'href="{reverse("intake:landing")}"' in page
    assert f'action="{reverse("set_language")}"' in page


def test_a_coordinator_sees_the_queue_and_sign_out_links(client, django_user_model, oncology_team):
    user = django_user_model.objects.create_user("cora", password="x")
    oncology_team.members.add(user)
    client.force_login(user)

    page = client.get(reverse("matches:queue")).content.decode()

    assert f'href="{reverse("matches:queue")}"' in page
    assert f'action="{reverse("logout")}"' in page
    assert f'href="{reverse("admin:index")}"' not in page  # not staff
