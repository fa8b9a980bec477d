"""The plugin host: one plugin manager per application, one hook caller per tenant.

Plugins are found through the entry-point group ``kommissorium``. A tenant names its
plugins in its tenant file; :meth:`PluginHost.for_tenant` returns a caller that sees only
those plugins and the core's defaults, built once per plugin list and cached.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable, Mapping

import pluggy

from core.hooks import PROJECT, defaults, specs

CORE = "core"

#: Core features that implement hooks themselves (e.g. ``pending_for_user``), registered
#: for every tenant as ``core.<module>``. A feature adds its module here (one line).
CORE_FEATURES: tuple[str, ...] = (
    "core.meetings.pending",
    "core.decisions.pending",
    "core.proposals.hooks",
)


def _is_core(name: str) -> bool:
    return name == CORE or name.startswith(CORE + ".")


class UnknownPlugin(LookupError):
    """A tenant names a plugin that is not installed."""


class TenantHooks:
    """The hooks as one tenant sees them: ``hooks.quorum(body=…, units=…, matter=…)``."""

    def __init__(self, pm: pluggy.PluginManager, plugin_names: tuple[str, ...]):
        self.plugin_names = plugin_names
        self._pm = pm
        keep = set(plugin_names)
        self._remove = [
            p for name, p in pm.list_name_plugin() if not (_is_core(name) or name in keep)
        ]
        self._callers: dict[str, object] = {}
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        caller = self._callers.get(name)
        if caller is None:
            if not hasattr(self._pm.hook, name):
                raise AttributeError(f"no hook named {name!r}")
            with self._lock:
                caller = self._pm.subset_hook_caller(name, remove_plugins=self._remove)
                self._callers[name] = caller
        return caller

    def collect(self, name: str, **kwargs) -> list:
        """Call a collecting hook and flatten the plugins' lists, in order, without duplicates."""
        seen, out = set(), []
        # pluggy calls the last registered first; the core's trylast default comes last.
        for answer in reversed(getattr(self, name)(**kwargs)):
            for item in answer or ():
                key = repr(item)
                if key not in seen:
                    seen.add(key)
                    out.append(item)
        return out


class PluginHost:
    """Owns the plugin manager. Pass it into operations; tests build a fresh one."""

    def __init__(
        self,
        *,
        entry_points: bool = True,
        plugins: Mapping[str, object] | None = None,
    ):
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(specs)
        self.pm.register(defaults, name=CORE)
        for module in CORE_FEATURES:
            self.pm.register(importlib.import_module(module), name=f"{CORE}.{module}")
        if entry_points:
            self.pm.load_setuptools_entrypoints(PROJECT)
        for name, plugin in (plugins or {}).items():
            self.pm.register(plugin, name=name)
        # A misspelled hook name in a plugin fails here, not silently at a meeting.
        self.pm.check_pending()
        self._tenants: dict[tuple[str, ...], TenantHooks] = {}
        self._lock = threading.Lock()

    @property
    def plugin_names(self) -> list[str]:
        return sorted(name for name, _ in self.pm.list_name_plugin() if not _is_core(name))

    def check(self, plugin_names: Iterable[str]) -> None:
        missing = [n for n in plugin_names if _is_core(n) or self.pm.get_plugin(n) is None]
        if missing:
            raise UnknownPlugin(
                f"plugin(s) not installed: {', '.join(missing)} "
                f"(installed: {', '.join(self.plugin_names) or 'none'})"
            )

    def for_tenant(self, plugin_names: Iterable[str]) -> TenantHooks:
        """The hook caller for a tenant whose tenant file names ``plugin_names``."""
        key = tuple(plugin_names)
        hooks = self._tenants.get(key)
        if hooks is None:
            self.check(key)
            with self._lock:
                hooks = self._tenants.setdefault(key, TenantHooks(self.pm, key))
        return hooks
