"""The form renderer: Django's Jinja2 templates for its own widgets, the template language for the rest.

Django draws every widget (each option of a select, each radio) from a template. Its Jinja2 copies of those
templates give the same HTML in ~60% of the CPU (the coordinator queue: 23 -> 14 ms a page, docs/perf-load.md).
The admin's and other apps' widget templates exist only for the template language, so anything outside
`django/forms/` goes to the DjangoTemplates renderer, as before.
"""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2


class WidgetRenderer(BaseRenderer):
    def __init__(self):
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()

    def get_template(self, template_name):
        renderer = self.jinja2 if template_name.startswith("django/forms/") else self.django
        return renderer.get_template(template_name)
