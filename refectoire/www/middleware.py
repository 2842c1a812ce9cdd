"""Input no person types is refused before any view or query sees it."""

from functools import partial

from django.core.exceptions import BadRequest
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.datastructures import ImmutableList

from refectoire.core.uploads import UNUSABLE_FILE_NAME
from refectoire.www import errors


class _MultiPartParser(MultiPartParser):
    """A file name Django's sanitizer would drop (`..`, `.`, nothing printable) arrives under
    UNUSABLE_FILE_NAME, so that the form refuses it with a message instead of saving the request
    without its attachment."""

    def sanitize_file_name(self, file_name):
        return super().sanitize_file_name(file_name) or UNUSABLE_FILE_NAME


def _parse_file_upload(request, META, post_data):
    request.upload_handlers = ImmutableList(
        request.upload_handlers,
        warning="You cannot alter upload handlers after the upload has been processed.",
    )
    return _MultiPartParser(META, post_data, request.upload_handlers, request.encoding).parse()


def _texts(request):
    yield request.path_info
    yield request.META.get("QUERY_STRING", "")
    for pairs in (request.COOKIES.items(), request.GET.lists()):
        for key, values in pairs:
            yield key
            yield from [values] if isinstance(values, str) else values
    if request.method == "POST" and request.content_type in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }:
        for key, values in request.POST.lists():
            yield key
            yield from values
        for key, files in request.FILES.lists():
            yield key
            yield from (uploaded.name for uploaded in files)


class BadInputMiddleware:
    """A NUL byte in the path, the query, a cookie or a form field is a bad request (400).

    PostgreSQL cannot store or compare it (a 500 otherwise), and no field has a use for it.
    Uploads with an unusable name go on to the form, which refuses them next to the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.parse_file_upload = partial(_parse_file_upload, request)
        try:
            refused = any("\x00" in text for text in _texts(request))
        except (UnicodeDecodeError, MultiPartParserError) as error:
            return errors.bad_request(request, error)
        if refused:
            return errors.bad_request(request, BadRequest("NUL byte in the request"))
        return self.get_response(request)
