"""PDF output: the paged-media CSS of a language (A4, running header, page numbers) and
HTML to PDF with WeasyPrint."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import Path

from luxcheck.errors import InputError
from luxcheck.report.files import write_atomic


def page_css(_: Callable[[str], str]) -> str:
    """The @page rules (A4, running header, "page x of y" footer) in the language of the
    gettext function ``_``."""
    page = _("Page {page} of {pages}")
    before, _sep, rest = page.partition("{page}")
    middle, _sep2, after = rest.partition("{pages}")
    parts = [
        _css_string(before),
        "counter(page)",
        _css_string(middle),
        "counter(pages)",
        _css_string(after),
    ]
    content = " ".join(p for p in parts if p != '""')
    return (
        "@page {\n  size: A4;\n  margin: 18mm 14mm 18mm 14mm;\n"
        "  @top-center { content: element(running); font-size: 8pt; color: #555; }\n"
        f'  @bottom-center {{ content: {content}; font-family: "LuxcheckSansSC", sans-serif;'
        " font-size: 8pt; color: #555; }\n}\n"
    )


def _css_string(text: str) -> str:
    escaped = "".join(
        c if c.isalnum() or c in " /·-" or ord(c) > 127 else f"\\{ord(c):x} " for c in text
    )
    return f'"{escaped}"'


# --------------------------------------------------------------------------- PDF
def write_pdf(
    html_text: str,
    html_path: Path,
    pdf_path: Path,
    *,
    attachments: Mapping[str, bytes] | None = None,
    finish: Callable[[bytes], bytes] | None = None,
) -> bytes:
    """Render ``html_text`` (as if saved at ``html_path``) to ``pdf_path`` with WeasyPrint.

    ``attachments`` (name to content) are embedded as files of the PDF; ``finish`` turns the
    rendered bytes into the bytes written (the laboratory's signature). Returns what was
    written. Needs the ``pdf`` extra (WeasyPrint) and, for speed, HarfBuzz-Subset
    (Debian ``libharfbuzz-subset0``).
    """
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise InputError(
            "PDF output needs WeasyPrint: pip install 'luxcheck[pdf]'", source="--pdf"
        ) from exc
    document = weasyprint.HTML(string=html_text, base_url=str(html_path))
    buffer = io.BytesIO()
    files = [
        weasyprint.Attachment(file_obj=io.BytesIO(data), name=name)
        for name, data in sorted((attachments or {}).items())
    ]
    document.write_pdf(buffer, attachments=files or None)
    data = buffer.getvalue()
    if finish is not None:
        data = finish(data)
    write_atomic(pdf_path, data)
    return data
