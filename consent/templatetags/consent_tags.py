from django import template

from consent.services import authorization_state

register = template.Library()


@register.inclusion_tag("consent/includes/authorization_notice.html")
def authorization_notice(patient, token):
    """What the patient's own page says about their authorization: active until when, or why it ended and
    how to sign again."""
    state, authorization = authorization_state(patient)
    return {"state": state, "authorization": authorization, "token": token}
