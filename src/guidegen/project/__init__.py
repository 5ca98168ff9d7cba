"""A project: its file ``guidegen.yaml`` and folders, and ``guidegen new``.

:mod:`.config` reads the project file; :mod:`.scaffold` starts a project or adds a
skeleton guide to one.
"""
