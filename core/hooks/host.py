"""The plugin host: one plugin manager per application, one hook caller per tenant.

Plugins are found through the entry-point group ``kommissorium``. A tenant names its
plugins in its tenant file; :meth:`PluginHost.for_tenant` returns a caller that sees only
those plugins and the core's defaults, built once per plugin list and cached.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

import pluggy

from core.hooks import PROJECT, configured, defaults, events, specs

CORE = "core"

#: The file in which a core feature keeps its own hook implementations.
FEATURE_HOOKS = "hooks.py"


def feature_hook_modules() -> tuple[str, ...]:
    """The core features' own hook implementations (``pending_for_user``,
    ``decision_taken`` …): every ``core/<feature>/hooks.py``, registered for every tenant
    as ``core.<feature>.hooks``. A feature registers its implementations by having the
    file; the host keeps no list of features (docs/decisions/0024). In the order of the
    features' names, which is the order their answers to a collecting hook come in."""
    root = Path(__file__).resolve().parents[1]
    return tuple(
        f"core.{folder.name}.hooks" for folder in sorted(root.iterdir())
        if folder.is_dir() and folder.name != "hooks"
        and (folder / FEATURE_HOOKS).is_file()
    )


def _is_core(name: str) -> bool:
    return name == CORE or name.startswith(CORE + ".")


class UnknownPlugin(LookupError):
    """A tenant names a plugin that is not installed."""


class _WithAddedArguments:
    """A hook caller that gives the arguments added to its hook after it was published
    (``specs.ADDED_ARGUMENTS``) their default when a caller leaves them out."""

    def __init__(self, caller, added: Mapping[str, object]):
        self._caller = caller
        self._added = added

    def __call__(self, **kwargs):
        return self._caller(**{**self._added, **kwargs})

    def __getattr__(self, name: str):
        return getattr(self._caller, name)


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
                if name in specs.ADDED_ARGUMENTS:
                    caller = _WithAddedArguments(caller, specs.ADDED_ARGUMENTS[name])
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
        features: Iterable[str] | None = None,
    ):
        """``features``: the core features' hook modules to register (default: every
        feature's ``hooks.py``, :func:`feature_hook_modules`); a test names its own."""
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(specs)
        self.pm.add_hookspecs(events)
        # The tenant file's rule blocks answer after the plugins and before the core's
        # defaults: both are trylast, and pluggy calls the later registered first.
        self.pm.register(configured, name=f"{CORE}.configured")
        self.pm.register(defaults, name=CORE)
        for module in feature_hook_modules() if features is None else features:
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
