"""The numbered notebooks, shipped as package data (``importlib.resources.files("sinojp.notebooks")``)."""
