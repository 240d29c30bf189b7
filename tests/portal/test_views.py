"""The portal's views are the README's "Adding a portal page": one view in the Blueprint of who
may see it (``sign_in`` anyone, ``student`` a signed-in student, ``school`` a school's staff),
each a short module-level function — no route closures, no fourth place for a page."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from flask import Flask

from gateway.portal import school, sign_in, student
from gateway.portal.app import BLUEPRINTS

LONGEST_VIEW = 30
"""Lines a view may take: it reads its input, decides through a service and renders."""


def views() -> dict[str, Callable[..., Any]]:
    """Every endpoint of the portal's Blueprints and its view, as Flask registers them."""
    app = Flask(__name__)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return {name: inspect.unwrap(view) for name, view in app.view_functions.items()
            if name != "static"}


def test_three_blueprints_one_per_who_may_see_a_page() -> None:
    assert [b.name for b in BLUEPRINTS] == ["sign_in", "student", "school"]
    assert (sign_in.pages, student.pages, school.pages) == BLUEPRINTS


def test_the_newest_page_is_a_view_of_the_student_blueprint() -> None:
    app = Flask(__name__)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    rules = {rule.rule: rule.endpoint for rule in app.url_map.iter_rules()}
    assert rules["/access-log"] == "student.access_log"
    assert rules["/results"] == "student.results"
    assert views()["student.access_log"] is inspect.unwrap(student.access_log)


def test_every_view_is_a_short_function_of_its_blueprints_module() -> None:
    found = views()
    assert len(found) >= 12
    lengths = {}
    for endpoint, view in found.items():
        blueprint = endpoint.split(".", 1)[0]
        assert view.__module__ == f"gateway.portal.{blueprint}", endpoint
        assert "<locals>" not in view.__qualname__, f"{endpoint} is a closure"
        lengths[endpoint] = len(inspect.getsourcelines(view)[0])
    longest = max(lengths, key=lengths.__getitem__)
    assert lengths[longest] <= LONGEST_VIEW, (longest, lengths[longest])
