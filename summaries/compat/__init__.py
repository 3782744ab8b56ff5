"""Workarounds for upstream behaviour that costs the product, and nothing else.

This is the one place where the product touches another project's private internals. Each
workaround lives in a module named for what it works around, is applied only on the versions
that need it, has a test (summaries/tests/test_compat.py) that fails when the upstream behaviour
it relies on changes, and says when it can be deleted.

- frame_stack: CPython before 3.13 maps and unmaps frame-stack chunks at every dip of a deep
  recursion; every render (summaries/services/rendering.py) is called with room to spare.
- weasyprint_glyph_arrays: WeasyPrint parses a new C type for every glyph count; patched in each
  worker process (below).
- redis_stray_messages: kombu's Redis transport stops the worker on a message that is not a
  kombu message; core/settings.py names this transport for redis:// brokers instead.
"""

from summaries.compat import weasyprint_glyph_arrays


def apply_in_worker_process() -> None:
    """Apply what a rendering worker process needs (called by summaries/worker_process.py)."""
    if weasyprint_glyph_arrays.needed():
        weasyprint_glyph_arrays.apply()
