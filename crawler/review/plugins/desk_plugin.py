"""Datasette plugin: the review desk (crawler/review/desk/), its templates, and links to it."""

from datasette import hookimpl
from jinja2 import ChoiceLoader, FileSystemLoader

from crawler.review.desk.views import DESK, TEMPLATES_DIR, desk_routes


@hookimpl
def register_routes():
    return desk_routes()


@hookimpl
def prepare_jinja2_environment(env):
    # The desk's templates are named desk/..., so they never shadow Datasette's own.
    env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(TEMPLATES_DIR))])


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path(DESK), "label": "Review desk"}]
