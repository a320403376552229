"""Report templates, styles, fonts and catalogs (data only): shipped as ``luxcheck._reports``."""
