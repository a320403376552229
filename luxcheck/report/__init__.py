"""Reports: assembly from the store, the report model, formatting, pages, figures, rendering
and export.
"""
