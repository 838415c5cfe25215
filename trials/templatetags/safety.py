"""{% safety_team_staffed as sees %}: whether a patient may be told a coordinator will see an urgent answer."""

from django import template

from trials.models import safety_team_is_staffed

register = template.Library()


@register.simple_tag
def safety_team_staffed():
    return safety_team_is_staffed()
