"""Hand codes, shipped as package data (``importlib.resources.files("sinojp.annotations")``)."""
