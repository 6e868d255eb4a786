"""Bar charts as plain SVG numbers for a template: no JavaScript, no library.

A suppressed count (1 to 4) is drawn as an outline reaching the threshold,
whatever its true value, so the picture cannot say more than the "<5" label.
"""

from porch.campaigns.metrics import THRESHOLD, suppress

WIDTH = 640
HEIGHT = 200
TOP = 18  # room for the labels above the bars
BOTTOM = 22  # room for the labels under the bars
LEFT = 4


def bar_chart(points: list[tuple[str, int]]) -> dict:
    """[(label, count)] → the numbers templates/campaigns/_chart.svg draws."""
    if not points:
        return {
            "width": WIDTH,
            "height": HEIGHT,
            "bars": [],
            "baseline": HEIGHT - BOTTOM,
            "axis_y": HEIGHT - 6,
        }
    drawn = [THRESHOLD if 0 < count < THRESHOLD else count for _label, count in points]
    top_value = max([*drawn, THRESHOLD])
    plot = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT) / max(len(points), 1)
    width = max(slot * 0.7, 2)
    bars = []
    for index, ((label, count), value) in enumerate(zip(points, drawn, strict=True)):
        height = round(plot * value / top_value, 1)
        x = round(LEFT + index * slot + (slot - width) / 2, 1)
        bars.append(
            {
                "x": x,
                "y": round(TOP + plot - height, 1),
                "width": round(width, 1),
                "height": height,
                "middle": round(x + width / 2, 1),
                "label_y": round(TOP + plot - height - 4, 1),
                "label": label,
                "shown": suppress(count),
                "suppressed": 0 < count < THRESHOLD,
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "baseline": HEIGHT - BOTTOM,
        "axis_y": HEIGHT - 6,
    }
