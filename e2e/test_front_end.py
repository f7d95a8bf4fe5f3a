"""The front-end packages (Bootstrap, from the npm registry) are installed and served by the app
itself, and production settings pass Django's deploy check with them. These run in the browser
run, which installs node_modules, but need no browser."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from clinic.tests.test_settings import PRODUCTION, manage

# Like every test of this run, on the live server's database: transactional, with the
# migrations' data put back for the tests after it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_every_stylesheet_and_script_of_a_page_is_installed(client):
    page = client.get(reverse("login")).content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', page)
    assert any(asset.startswith("bootstrap/") for asset in assets), assets
    for asset in assets:
        assert finders.find(asset), f"{asset} is not installed (make deps)"


def test_the_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
