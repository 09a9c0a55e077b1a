"""The mixed load of ``bench/load.py``: simulated citizens on the pages they use.

Each simulated person holds a session of their own (made in bulk by ``bench/load.py`` as
a login leaves it, with its CSRF cookie) and, with a think time of 1 to 3 seconds between
steps, reads the Carta and its services, searches and reads proposals, comments on a
proposal and on the revision in consultation, follows the results of a consultation and
votes once through the voting page (GET of the form, POST with the CSRF token); meanwhile
one member of staff (``Moderator``) reads the moderation queue and log and hides and
restores comments on proposals through the page forms. Run by
``bench/load.py``; the data comes in the JSON file named by ``CARTA_LOAD_DATA``: the
sessions to use (each load level gets people who have not voted yet) and the servers to
split the people between (``hosts``: one address per set of workers).
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["CARTA_LOAD_DATA"], encoding="utf-8").read())  # noqa: SIM115
SESSIONS = itertools.count()
TERMS = ["anziani", "famiglie", "minori", "laboratorio", "inclusione", "trasporto"]


class Citizen(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        index = next(SESSIONS) % len(DATA["sessions"])
        self.session_key, self.csrf = DATA["sessions"][index]
        hosts = DATA.get("hosts") or [self.host]
        self.host = self.client.base_url = hosts[index % len(hosts)]
        self.client.cookies.set("sessionid", self.session_key)
        self.client.cookies.set("csrftoken", self.csrf)
        self.voted = False
        self.rng = random.Random(index)  # noqa: S311 - load, not secrets

    def _post(self, path: str, data: dict, name: str, stored: str):
        """POST a form; stored when it redirects to a location containing ``stored`` (a
        refused form answers 200/400 or redirects back to where it came from)."""
        with self.client.post(
            path,
            data={"csrfmiddlewaretoken": self.csrf, **data},
            headers={"Referer": f"{self.host}{path}"},
            allow_redirects=False,
            name=name,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code in (302, 303) and stored in location:
                response.success()
            else:
                response.failure(f"status {response.status_code} {location}")

    @task(3)
    def carta(self):
        self.client.get("/carta/", name="page /carta/")

    @task(2)
    def services(self):
        self.client.get("/carta/servizi/", name="page /carta/servizi/")

    @task(3)
    def search_proposals(self):
        term = self.rng.choice(TERMS)
        self.client.get(f"/proposte/?q={term}", name="page /proposte/?q=…")

    @task(1)
    def api_search(self):
        term = self.rng.choice(TERMS)
        self.client.get(f"/api/v1/proposals/?q={term}", name="API proposals ?q=…")

    @task(4)
    def read_proposal(self):
        pk = self.rng.choice(DATA["proposals"])
        self.client.get(f"/proposte/{pk}/", name="page /proposte/<id>/")

    @task(1)
    def comment_proposal(self):
        pk = self.rng.choice(DATA["proposals"])
        self._post(
            f"/proposte/{pk}/commenti/",
            {"body": "Un commento del carico misto: utile anche il sabato."},
            "POST proposal comment",
            "#commenti",
        )

    @task(1)
    def revision(self):
        self.client.get(f"/carta/revisioni/{DATA['revision']}/", name="page revision")

    @task(1)
    def comment_revision(self):
        self._post(
            f"/carta/revisioni/{DATA['revision']}/commenti/",
            {"section_key": DATA["section_key"], "body": "Chiedo di indicare gli orari."},
            "POST revision comment",
            "#commento-",
        )

    @task(2)
    def results(self):
        self.client.get(f"/consultazioni/{DATA['consultation']}/risultati/", name="page results")

    @task(2)
    def vote(self):
        if self.voted:
            return
        path = f"/consultazioni/{DATA['consultation']}/vota/"
        self.client.get(path, name="page voting form")
        self._post(path, DATA["ballot"], "POST ballot (voting page)", "/votato/")
        self.voted = True


class Moderator(HttpUser):
    """One member of staff moderating while the citizens browse: the proposals' moderation
    queue, the public moderation log, and a comment hidden then restored (each a page
    form with the CSRF token, followed back to the proposal as the browser is)."""

    fixed_count = 1
    wait_time = between(2, 5)

    def on_start(self):
        session_key, self.csrf = DATA["staff"]
        self.host = self.client.base_url = (DATA.get("hosts") or [self.host])[0]
        self.client.cookies.set("sessionid", session_key)
        self.client.cookies.set("csrftoken", self.csrf)
        self.rng = random.Random(-1)  # noqa: S311 - load, not secrets

    @task(3)
    def queue(self):
        self.client.get("/proposte/moderazione/", name="staff: page moderation queue")

    @task(1)
    def log(self):
        self.client.get("/moderazione/registro/", name="staff: page moderation log")

    @task(1)
    def hide_and_restore(self):
        if not DATA.get("moderated"):
            return
        comment, proposal = self.rng.choice(DATA["moderated"])
        form = {
            "csrfmiddlewaretoken": self.csrf,
            "target_type": "proposals.proposalcomment",
            "target_id": comment,
            "reason": "Prova di carico: moderazione",
            "next": f"/proposte/{proposal}/",
        }
        for action in ("nascondi", "ripristina"):
            with self.client.post(
                f"/moderazione/{action}/",
                data=form,
                headers={"Referer": f"{self.host}/proposte/{proposal}/"},
                allow_redirects=False,
                name=f"staff: POST {action} (page form)",
                catch_response=True,
            ) as response:
                location = response.headers.get("Location", "")
                if response.status_code == 302 and f"/proposte/{proposal}/" in location:
                    response.success()
                else:
                    response.failure(f"{action}: {response.status_code} to {location!r}")
