"""Keep health data out of error reports.

Django's error e-mails to ADMINS (and any error page shown with DEBUG on) include the request's
POST data, cookies and every local variable of the traceback: a patient's name, answers or
signature would ride along. This filter hides all of them, for every view, so no view can forget
to opt in; the reporter masks private status links in the URL, headers and traceback it shows. Settings:
DEFAULT_EXCEPTION_REPORTER_FILTER = "consent.privacy.HealthDataExceptionReporterFilter",
DEFAULT_EXCEPTION_REPORTER = "consent.privacy.HealthDataExceptionReporter".
"""

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from config.log_filters import mask_status_links


class HealthDataExceptionReporterFilter(SafeExceptionReporterFilter):
    def is_active(self, request):
        return True  # also with DEBUG on: a debug page can be screenshotted and pasted into a ticket

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_cookies(self, request):
        return {key: self.cleansed_substitute for key in getattr(request, "COOKIES", {})}


class HealthDataExceptionReporter(ExceptionReporter):
    def get_traceback_text(self):
        return mask_status_links(super().get_traceback_text())

    def get_traceback_html(self):
        return mask_status_links(super().get_traceback_html())
