"""``{% demo_stage as stage %}``: the demo clock's current stage and what to do now (the demo banner)."""

from django import template

from nominations.demo import DemoMoment, current_demo_moment

register = template.Library()


@register.simple_tag(takes_context=True)
def demo_stage(context: template.Context) -> DemoMoment | None:
    """The last preset moment of the demo clock at or before now, with its hint (``None`` before the first).

    Reads the active campaign the context processor already loaded (``active_campaign``): no query of its own."""
    campaign = context.get("active_campaign")
    return current_demo_moment(campaign or None)
