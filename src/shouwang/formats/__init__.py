"""Local number formats, read through FORMAT_MODULE_PATH before Django's own (see settings)."""
