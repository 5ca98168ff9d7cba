"""The document tree: the one vocabulary every reader writes and every renderer reads.

It sits at the ground floor of the import order (tree → content → theme → layout →
renderers → builder): the Markdown reader emits its inline nodes, the layout builds
whole documents of it, and each renderer walks it. It imports nothing of guidegen
beyond :mod:`guidegen.errors` (a block's source location).
"""
