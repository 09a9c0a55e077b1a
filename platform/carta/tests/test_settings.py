"""Settings read from the environment: bad values stop start-up naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from carta import env

ROOT = Path(__file__).resolve().parents[3]
PROD_ENV = {
    "CARTA_PROFILE": "production",
    "SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP",
    "ALLOWED_HOSTS": "carta.example.org",
    "EMAIL_HOST": "smtp.example.org",
    # What carta.checks warns about when missing (carta.W001-W004, docs/going-live.md).
    "CARTA_AMBITO_IPA_CODE": "ats_example",
    "CARTA_AMBITO_PEC": "ambito@pec.example.org",
    "CARTA_DPO_EMAIL": "rpd@example.org",
    "CARTA_ACCESSIBILITY_STATEMENT_URL": "https://form.agid.gov.it/view/example",
}


def run_carta(*args, extra_env=None):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(extra_env or {})
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("reader", "value", "message"),
    [
        (lambda: env.env_bool("X_FLAG"), "maybe", "X_FLAG: expected true or false"),
        (lambda: env.env_int("X_NUMBER", 1), "ten", "X_NUMBER: expected a whole number"),
        (lambda: env.env_int("X_NUMBER", 1, minimum=1), "0", "X_NUMBER: must be at least 1"),
        (lambda: env.env_choice("X_CHOICE", ("a", "b"), "a"), "c", "X_CHOICE: expected one of"),
    ],
)
def test_bad_value_names_the_variable(monkeypatch, reader, value, message):
    for name in ("X_FLAG", "X_NUMBER", "X_CHOICE"):
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        reader()


def test_unset_and_empty_values_take_the_default(monkeypatch):
    monkeypatch.setenv("X_EMPTY", "  ")
    monkeypatch.delenv("X_UNSET", raising=False)
    assert env.env_bool("X_EMPTY", True) is True
    assert env.env_int("X_UNSET", 7) == 7
    assert env.env_list("X_UNSET", ["a"]) == ["a"]


def test_database_url_is_parsed():
    config = env.database_from_url("DATABASE_URL", "postgres://carta:s%40crt@db:5433/carta")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("carta", "carta", "s@crt")
    assert (config["HOST"], config["PORT"]) == ("db", "5433")
    assert config["CONN_MAX_AGE"] == 0 and config["OPTIONS"]["pool"]["max_size"] == 20


@pytest.mark.parametrize(
    "url", ["mysql://x@y/z", "postgres://db:5432/", "postgres://db:port/carta"]
)
def test_bad_database_url_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.database_from_url("DATABASE_URL", url)


def test_start_up_with_a_bad_value_fails_naming_the_variable():
    result = run_carta("check", extra_env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG: expected true or false, got 'maybe'" in result.stderr


def test_production_without_secret_key_refuses_to_start():
    result = run_carta(
        "check", extra_env={"CARTA_PROFILE": "production", "ALLOWED_HOSTS": "carta.example.org"}
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_profile_passes_the_deployment_checklist():
    result = run_carta("check", "--deploy", "--fail-level", "WARNING", extra_env=PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_without_an_smtp_server_refuses_to_start():
    environment = {key: value for key, value in PROD_ENV.items() if key != "EMAIL_HOST"}
    result = run_carta("check", extra_env=environment)
    assert result.returncode != 0
    assert "carta.E001" in result.stderr and "EMAIL_HOST" in result.stderr


def test_several_redis_urls_shard_the_channel_layer(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://r1:6379/0, redis://r2:6379/0")
    assert env.redis_urls("REDIS_URL") == ["redis://r1:6379/0", "redis://r2:6379/0"]
    monkeypatch.setenv("REDIS_URL", "http://r1")
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL: expected a redis:// URL"):
        env.redis_urls("REDIS_URL")
