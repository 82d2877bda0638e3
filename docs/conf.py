# Sphinx configuration (MMOCR's documentation tool chain: Sphinx +
# myst-parser). Built by `make docs` and by tests/test_docs.py with warnings
# as errors, so a broken link, anchor or image fails the build.
project = 'oclip-mmocr'
author = 'oclip-mmocr contributors'
extensions = ['myst_parser']
source_suffix = {'.md': 'markdown'}
root_doc = 'index'
exclude_patterns = ['_build']
# `[text](page.md#a-heading)` links resolve to headings up to level 3.
myst_heading_anchors = 3
html_theme = 'alabaster'
