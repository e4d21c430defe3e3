"""sinojp: computational analysis of news coverage of China-Japan relations.

Data flows one way: files -> documents -> paragraphs -> sentences -> measures -> tables and
figures. Each stage is a module of small functions over tidy pandas DataFrames; `sinojp.pipeline`
chains them and is what the command line and the notebooks call.
"""

__version__ = "0.1.0"
