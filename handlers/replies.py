"""Turn a flow's decision into sent text: effects first (they create codes the replies name), then
the replies rendered from the catalogue for the channel, each within Twilio's length limit."""

from __future__ import annotations

from typing import Any, Sequence

from catalogue import for_channel, render, split_body
from flows.engine import Effect, Say
from handlers import effects as fx


def carry_out(ctx: fx.Context, effects: Sequence[Effect]) -> tuple[dict[str, Any], list[Say]]:
    """Apply effects in order; return the values replies may name and any replies they add."""
    results: dict[str, Any] = {}
    extra: list[Say] = []
    for eff in effects:
        out = dict(fx.apply(ctx, eff))
        extra.extend(out.pop("replies", []))
        results.update(out)
    return results, extra


def render_replies(replies: Sequence[Say], channel: str, results: dict[str, Any] | None = None) -> list[str]:
    """All of one answer as ONE message (Twilio bills every <Message>), split only past its limit."""
    texts = [render(item.key, **{**(results or {}), **item.params}).strip() for item in replies]
    body = "\n\n".join(t for t in texts if t)
    return split_body(for_channel(body, channel)) if body else []
