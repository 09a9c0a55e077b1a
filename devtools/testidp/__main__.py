"""Run the test identity provider: a test and demo tool, never for production.

    python -m devtools.testidp --host 127.0.0.1 --port 0 --client-id ID --client-secret SECRET \\
        --redirect-uri URI [--redirect-uri URI2 ...] [--data-dir DIR] [--identities FILE.json]

It binds the port first (0 picks a free one), so that the issuer ``http://<host>:<port>`` is
known before Django starts; then it migrates its SQLite database (in ``--data-dir``, else in a
temporary directory removed at exit), registers the one OAuth application (confidential,
authorization code, RS256, no consent screen) and the identities' users, prints exactly one
line ``READY <issuer>`` to stdout and serves until SIGTERM or SIGINT. Everything else it
says goes to stderr.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from .identities import DEFAULT_IDENTITIES, Identity, activate, load_identities


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.testidp",
        description="Provider OpenID Connect di prova (non SPID reale), solo per test e demo.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
    parser.add_argument("--data-dir", type=Path, help="where the SQLite database lives")
    parser.add_argument("--identities", type=Path, help="a JSON file of identities")
    return parser.parse_args(argv)


def provision(
    *, client_id: str, client_secret: str, redirect_uris: list[str], identities: list[Identity]
) -> None:
    """The OAuth application and one user per identity, replacing whatever was there."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from oauth2_provider.models import get_application_model

    application_model = get_application_model()
    user_model = get_user_model()
    with transaction.atomic():
        application_model.objects.all().delete()
        application = application_model(
            name="Carta (prova)",
            client_id=client_id,
            # Saved hashed (django-oauth-toolkit hashes on save); the client sends it plain.
            client_secret=client_secret,
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(redirect_uris),
            algorithm=application_model.RS256_ALGORITHM,
            skip_authorization=True,
        )
        application.full_clean()
        application.save()

        user_model.objects.exclude(
            username__in=[identity.username for identity in identities]
        ).delete()
        for identity in identities:
            user, _ = user_model.objects.get_or_create(username=identity.username)
            user.first_name = identity.given_name
            user.last_name = identity.family_name
            user.email = identity.email
            user.set_password(identity.password)
            user.save()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    identities = load_identities(args.identities) if args.identities else list(DEFAULT_IDENTITIES)
    temporary_dir = None
    if args.data_dir:
        data_dir = args.data_dir.resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        data_dir = temporary_dir = Path(tempfile.mkdtemp(prefix="carta-testidp-"))

    # Its own settings, whatever the environment says: never Carta's.
    os.environ["DJANGO_SETTINGS_MODULE"] = "devtools.testidp.settings"

    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    server = ThreadedWSGIServer((args.host, args.port), WSGIRequestHandler)
    issuer = f"http://{args.host}:{server.server_port}"
    os.environ["TESTIDP_ISSUER"] = issuer
    os.environ["TESTIDP_DATA_DIR"] = str(data_dir)
    os.environ["TESTIDP_HOST"] = args.host

    try:
        import django
        from django.core.management import call_command
        from django.core.wsgi import get_wsgi_application

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        activate(identities)
        provision(
            client_id=args.client_id,
            client_secret=args.client_secret,
            redirect_uris=args.redirect_uris,
            identities=identities,
        )
        server.set_app(get_wsgi_application())

        def stop(signum, frame):
            # shutdown() waits for serve_forever() to return: call it from another thread.
            threading.Thread(target=server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        print(f"READY {issuer}", flush=True)
        server.serve_forever()
    finally:
        server.server_close()
        if temporary_dir is not None:
            shutil.rmtree(temporary_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
