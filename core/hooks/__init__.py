"""The plugin host: hook specifications, the core's defaults, and the per-tenant caller."""

import pluggy

PROJECT = "kommissorium"

#: Marks a function in ``specs.py`` as a hook specification.
hookspec = pluggy.HookspecMarker(PROJECT)
#: Marks a plugin's function as a hook implementation (also exported as ``core.hookimpl``).
hookimpl = pluggy.HookimplMarker(PROJECT)
