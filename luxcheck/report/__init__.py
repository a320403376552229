"""Reports: from the stored campaign to HTML, PDF, CSV and XLSX, one module per job.

- :mod:`~luxcheck.report.model`: the records a report prints.
- :mod:`~luxcheck.report.assemble`: report data from the store (readings, metrics, the
  analysis' figure data) and the profile's context, resolved once.
- :mod:`~luxcheck.report.provenance`: the SHA-256 over the raw readings and packs, the
  provenance string, ``luxcheck verify``.
- :mod:`~luxcheck.report.format`: gettext catalogs and locale formatting; reasons and verdict
  notes (:mod:`luxcheck.messages`) rendered in the report's language.
- :mod:`~luxcheck.report.advice`: rectification advice per metric advice family.
- :mod:`~luxcheck.report.templates`: the Jinja2 environment and the templates' fingerprint.
- :mod:`~luxcheck.report.files`: safe names, contained paths, atomic writes, content keys.
- :mod:`~luxcheck.report.figures`, :mod:`~luxcheck.report.svg`, :mod:`~luxcheck.report.charts`:
  the figures (matplotlib backgrounds, SVG overlays, the charts of a report).
- :mod:`~luxcheck.report.pages`: classroom, school and dashboard views and HTML.
- :mod:`~luxcheck.report.pdf`, :mod:`~luxcheck.report.export`: PDF; the verdict CSV/XLSX.
- :mod:`~luxcheck.report.render`: a whole campaign, incrementally, in a process pool.
"""
