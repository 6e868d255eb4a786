"""Route planning for delivery runs: pure Python over PyVRP, no Django.

Everything here works on plain values (model.py) so it can be tested on
benchmark files alone; the aid app turns its requests, drivers and hubs into
these values and the plan back into runs.
"""

from porch.routing.model import (
    Driver,
    Explanation,
    Hub,
    Plan,
    RoutingError,
    Run,
    Stop,
    Visit,
)

__all__ = ["Driver", "Explanation", "Hub", "Plan", "RoutingError", "Run", "Stop", "Visit"]
