"""One person's browser for the load tests: its own cookies, forms with their CSRF token, file
uploads, and every request's status, time and the app server that answered it, recorded."""

import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Result:
    page: str
    status: int
    started: float  # time.monotonic(), to tell the requests in flight when a server was killed
    seconds: float
    server: str  # the app server nginx passed it to (X-Upstream), or "" without nginx


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECTS = urllib.request.build_opener(NoRedirect)


class Browser:
    def __init__(self, base, results):
        self.base, self.results = base, results
        self.cookies = {}

    def request(self, path, data=None, files=None):
        """GET `path`, or POST `data` (and `files`: name -> (filename, bytes)) to it. Returns
        (status, headers, text); a redirect is returned, not followed."""
        request = urllib.request.Request(self.base + path)
        if files:
            request.data, content_type = multipart(data or {}, files)
            request.add_header("Content-Type", content_type)
        elif data is not None:
            request.data = urllib.parse.urlencode(data).encode()
        # The servers run as in production, behind a TLS proxy: say the request came over it.
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if request.data is not None:
            # Django checks that a form posted over HTTPS comes from its own pages.
            request.add_header("Referer", f"https://{urllib.parse.urlparse(self.base).netloc}/")
        started = time.monotonic()
        try:
            response = NO_REDIRECTS.open(request, timeout=60)
            status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        except OSError:  # the connection itself failed: no answer at all
            status, headers, body = 599, {}, b""
        self.results.append(
            Result(
                page=path.split("?")[0].rstrip("0123456789/") or "/",
                status=status,
                started=started,
                seconds=time.monotonic() - started,
                server=headers.get("X-Upstream", "") if headers else "",
            )
        )
        for cookie in (headers.get_all("Set-Cookie") if headers else None) or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        self.last_body = body
        return status, headers, body.decode(errors="replace")

    def form_token(self, path):
        _, _, page = self.request(path)
        found = CSRF.search(page)
        return found.group(1) if found else ""

    def sign_in(self, username, password):
        token = self.form_token("/accounts/login/")
        status, _, _ = self.request(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        return status == 302


def multipart(fields, files):
    """A multipart/form-data body, as a browser sends a form with a file."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        header = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{header}{value}\r\n".encode())
    for name, (filename, content) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
