"""Panels for each role's home page ("what do I need to do now?").

Apps register a function `panel(request) -> dict | None` in their
AppConfig.ready(); the home view renders every panel that returns a dict with
`template` and its context. Lower floors never import the apps that add panels.
"""

from collections.abc import Callable

PANELS: list[Callable] = []


def register(panel: Callable) -> Callable:
    PANELS.append(panel)
    return panel


def panels_for(request) -> list[dict]:
    shown = []
    for panel in PANELS:
        result = panel(request)
        if result:
            shown.append(result)
    return shown
