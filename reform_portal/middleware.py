"""Project middleware."""

from django.http import HttpResponseBadRequest

NUL = "\x00"


def _has_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values)
               for key, values in data.lists())


class RejectNulBytesMiddleware:
    """Refuse input holding NUL (0x00) at the door with a 400: PostgreSQL text cannot store it.

    Forms check it too (Django's ProhibitNullCharactersValidator), but not every value reaches
    a form first: django-axes records the username of a failed log-in, filters and hidden fields
    are read directly. Uploaded files are the importer's and the evidence checks' business.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest(
                "Dữ liệu gửi lên có ký tự không hợp lệ (NUL).\n"
                "The request holds an invalid character (NUL).\n",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
