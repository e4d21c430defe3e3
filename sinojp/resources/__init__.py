"""Editable resources: gazetteer, lexicons, codebook, outlet table, abbreviations (CSV/YAML/TXT)."""
