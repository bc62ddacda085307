"""MkDocs hooks of the Nuvy portal; `nuvy_site.py` is the entry MkDocs loads (see its docstring)."""
