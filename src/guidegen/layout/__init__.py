"""The document layer: a validated guide becomes one tree that every renderer walks.

:mod:`.tree` holds the tree's node types (light: a PDF helper process imports them
without the content model); :mod:`.guide` decides what a guide says and in what order.
"""
