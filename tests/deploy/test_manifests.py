"""deploy/: the compose file, the Kubernetes manifests, the image and gunicorn's settings
agree with each other and with the code (env names of core/config.py, the probe routes)."""

import re
import shutil
import subprocess
import tomllib

import pytest
import yaml

from core.config import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
APP_COMMANDS = {
    "web": ["gunicorn", "--config", "/app/deploy/gunicorn.conf.py"],
    "worker": ["kommissorium", "worker"],
    "tick": ["kommissorium", "tick"],
    "audit-head": ["kommissorium", "audit", "head"],
    "migrate": ["kommissorium", "db", "upgrade"],
}


def _env_names_read_by_the_code() -> set[str]:
    names = set()
    for path in (PROJECT_ROOT / "core" / "config.py", PROJECT_ROOT / "core" / "jobs.py",
                 DEPLOY / "gunicorn.conf.py"):
        text = path.read_text()
        names |= set(re.findall(r'os\.environ(?:\.get)?[\[(]\s*"([A-Z_][A-Z0-9_]*)"', text))
        names |= set(re.findall(r'"([A-Z_][A-Z0-9_]*)" not in os\.environ', text))
    return names


def _image_tag() -> str:
    version = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"]
    return f"kommissorium:{version}"


def test_env_names_are_read_from_config():
    names = _env_names_read_by_the_code()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "KOMMISSORIUM_TENANTS_DIR",
            "BIND", "WEB_CONCURRENCY"} <= names


# ------------------------------------------------------------------------ compose


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_has_every_service(compose):
    assert set(compose["services"]) == {"postgres", "redis", "migrate", "web", "worker", "tick"}


def test_compose_app_services_share_one_image_and_the_config_env_names(compose):
    known = _env_names_read_by_the_code()
    images = set()
    for name in ("migrate", "web", "worker", "tick"):
        service = compose["services"][name]
        images.add(service["image"])
        env = service["environment"]
        assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"} <= set(env), name
        assert set(env) <= known, f"{name}: env names the code never reads: {set(env) - known}"
        assert service["build"]["dockerfile"] == "deploy/Containerfile"
    [image] = images
    assert image == "${KOMMISSORIUM_IMAGE:-%s}" % _image_tag()


def test_compose_commands_and_order(compose):
    s = compose["services"]
    assert s["web"]["command"] == APP_COMMANDS["web"]
    assert s["worker"]["command"] == APP_COMMANDS["worker"]
    assert s["migrate"]["command"] == APP_COMMANDS["migrate"]
    assert s["tick"]["command"] == ["/app/deploy/tick-loop.sh"]
    for name in ("web", "worker", "tick"):
        assert s[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # the app runs as the application role, the migration as the owner
    assert "kommissorium_app:" in s["web"]["environment"]["DATABASE_URL"]
    assert "kommissorium_owner:" in s["migrate"]["environment"]["DATABASE_URL"]


def test_compose_postgres_runs_the_roles_sql(compose):
    pg = compose["services"]["postgres"]
    mounts = {m.split(":")[0]: m.split(":")[1] for m in pg["volumes"]}
    assert mounts["./postgres/roles.sql"] == "/kommissorium/roles.sql"
    assert mounts["./postgres/initdb.sh"].startswith("/docker-entrypoint-initdb.d/")
    for local in ("postgres/roles.sql", "postgres/initdb.sh"):
        assert (DEPLOY / local).is_file()
    assert "/kommissorium/roles.sql" in (DEPLOY / "postgres" / "initdb.sh").read_text()


# ------------------------------------------------------------------------ kubernetes


@pytest.fixture(scope="module")
def k8s():
    objects = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        objects += [o for o in yaml.safe_load_all(path.read_text()) if o]
    return {(o["kind"], o["metadata"]["name"]): o for o in objects}


def _pod_spec(obj):
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]


def _workloads(k8s):
    return {k: o for k, o in k8s.items() if k[0] in ("Deployment", "Job", "CronJob")}


def test_k8s_has_every_object(k8s):
    assert set(k8s) == {
        ("Namespace", "kommissorium"),
        ("ConfigMap", "kommissorium-config"),
        ("Secret", "kommissorium-secrets"),
        ("Deployment", "kommissorium-web"),
        ("Service", "kommissorium-web"),
        ("Deployment", "kommissorium-worker"),
        ("CronJob", "kommissorium-tick"),
        ("CronJob", "kommissorium-audit-head"),
        ("Job", "kommissorium-migrate"),
        ("PodDisruptionBudget", "kommissorium-web"),
        ("HorizontalPodAutoscaler", "kommissorium-web"),
    }
    assert {o["metadata"].get("namespace") for k, o in k8s.items() if k[0] != "Namespace"} == {
        "kommissorium"}


def test_k8s_containers_share_one_image_commands_and_config_env_names(k8s):
    known = _env_names_read_by_the_code()
    config_keys = set(k8s[("ConfigMap", "kommissorium-config")]["data"])
    secret_keys = set(k8s[("Secret", "kommissorium-secrets")]["stringData"])
    assert config_keys <= known, f"ConfigMap keys the code never reads: {config_keys - known}"
    images, commands = set(), {}
    for (kind, name), obj in _workloads(k8s).items():
        spec = _pod_spec(obj)
        assert spec["securityContext"]["runAsNonRoot"] is True
        [container] = spec["containers"]
        images.add(container["image"])
        commands[container["name"]] = container["command"]
        env = {e["name"]: e for e in container.get("env", [])}
        assert set(env) <= known, f"{name}: env names the code never reads: {set(env) - known}"
        for e in env.values():
            if "valueFrom" in e:
                assert e["valueFrom"]["secretKeyRef"]["key"] in secret_keys
        assert {"DATABASE_URL", "SECRET_KEY"} <= set(env), name
        assert container["envFrom"] == [{"configMapRef": {"name": "kommissorium-config"}}]
    assert images == {_image_tag()}
    assert commands == APP_COMMANDS
    migrate_db = next(e for e in _pod_spec(k8s[("Job", "kommissorium-migrate")])["containers"][0]["env"]
                      if e["name"] == "DATABASE_URL")
    assert migrate_db["valueFrom"]["secretKeyRef"]["key"] == "OWNER_DATABASE_URL"


def test_k8s_web_probes_use_the_health_routes(k8s, app):
    [web] = _pod_spec(k8s[("Deployment", "kommissorium-web")])["containers"]
    ports = {p["name"]: p["containerPort"] for p in web["ports"]}
    assert web["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert web["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert web["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert ports["http"] == 8000
    routes = {r.rule for r in app.url_map.iter_rules()}
    assert {"/healthz", "/readyz", "/metrics"} <= routes


def test_k8s_selectors_reach_the_web_pods(k8s):
    web = k8s[("Deployment", "kommissorium-web")]
    labels = web["spec"]["template"]["metadata"]["labels"]
    selectors = [
        web["spec"]["selector"]["matchLabels"],
        k8s[("Service", "kommissorium-web")]["spec"]["selector"],
        k8s[("PodDisruptionBudget", "kommissorium-web")]["spec"]["selector"]["matchLabels"],
    ]
    for selector in selectors:
        assert selector.items() <= labels.items()
    service_port = k8s[("Service", "kommissorium-web")]["spec"]["ports"][0]
    assert service_port["targetPort"] == "http"
    hpa = k8s[("HorizontalPodAutoscaler", "kommissorium-web")]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                     "name": "kommissorium-web"}
    assert hpa["minReplicas"] >= 2


def test_k8s_tick_runs_every_minute_without_overlap(k8s):
    spec = k8s[("CronJob", "kommissorium-tick")]["spec"]
    assert spec["schedule"] == "* * * * *"
    assert spec["concurrencyPolicy"] == "Forbid"


def test_kustomization_lists_existing_files():
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        assert (DEPLOY / "k8s" / resource).is_file()
    assert {i["name"] for i in kustomization["images"]} == {"kommissorium"}
    if shutil.which("kubectl"):
        out = subprocess.run(["kubectl", "kustomize", str(DEPLOY / "k8s")],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        kinds = {o["kind"] for o in yaml.safe_load_all(out.stdout) if o}
        assert {"Deployment", "CronJob", "HorizontalPodAutoscaler"} <= kinds


# ------------------------------------------------------------------------ image, gunicorn


def test_containerfile_is_slim_non_root_and_serves_with_gunicorn():
    text = (DEPLOY / "Containerfile").read_text()
    froms = re.findall(r"^FROM (\S+)", text, re.MULTILINE)
    assert froms and all(f == "python:3.11-slim" for f in froms)
    [user] = re.findall(r"^USER (\S+)", text, re.MULTILINE)
    assert user.split(":")[0] not in ("root", "0")
    assert re.search(r'^CMD \["gunicorn", "--config", "/app/deploy/gunicorn.conf.py"\]', text, re.MULTILINE)
    for src in re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.MULTILINE):
        for part in src.split():
            assert (PROJECT_ROOT / part).exists(), f"Containerfile copies missing {part}"


def test_gunicorn_conf_sets_only_real_gunicorn_settings():
    from gunicorn.config import KNOWN_SETTINGS

    known = {s.name for s in KNOWN_SETTINGS}
    namespace: dict = {"__file__": str(DEPLOY / "gunicorn.conf.py")}
    env_before = dict(__import__("os").environ)
    try:
        exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"),
             namespace)
    finally:
        import os

        made = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        os.environ.clear()
        os.environ.update(env_before)
        if made and made != env_before.get("PROMETHEUS_MULTIPROC_DIR"):
            shutil.rmtree(made, ignore_errors=True)
    settings = {k for k, v in namespace.items()
                if not k.startswith("_") and not isinstance(v, type(re)) and k != "__builtins__"}
    assert settings - known == set(), f"not gunicorn settings: {settings - known}"
    assert namespace["wsgi_app"] == "core.wsgi:app"
    assert namespace["preload_app"] is True
    assert callable(namespace["post_fork"]) and callable(namespace["child_exit"])


def test_operator_guide_documents_every_setting():
    guide = (PROJECT_ROOT / "docs" / "operations.md").read_text()
    missing = sorted(n for n in _env_names_read_by_the_code() if f"`{n}`" not in guide)
    assert not missing, f"docs/operations.md does not document: {missing}"


def test_every_instance_keeps_files_in_the_store_they_share(k8s, compose):
    """Several web and worker pods: file contents in the shared database, not on a pod's
    disk (core/storage.py, docs/decisions/0046-one-store-for-files.md)."""
    assert k8s[("ConfigMap", "kommissorium-config")]["data"]["KOMMISSORIUM_FILE_STORE"] == "database"
    for name in ("migrate", "web", "worker", "tick"):
        assert compose["services"][name]["environment"]["KOMMISSORIUM_FILE_STORE"] == "database", name
