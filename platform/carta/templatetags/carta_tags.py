from django import template

from carta.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """``{{ body|markdown }}``: Markdown rendered and sanitized (see carta.markdown)."""
    return render_markdown(text)
