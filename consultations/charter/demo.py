"""Demo Carta of the Ambito: two earlier revisions (the first superseded, the second in
force) and a third in public consultation, with comments, outcomes and amendments.

Everything goes through the services, as editors and citizens would do it; the dates of
the history are then set to fixed values so that the demo reads like a real archive.
Idempotent: a revision is found by its number and never made twice. The notifications
the services create stay in the app; their emails are not sent (dummy email backend
while loading), so that ``carta demo`` does not print hundreds of messages.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from carta.demo import DemoContext
from consultations.charter import services
from consultations.charter.models import Revision, RevisionStatus, Service

# --- The text of the Carta ------------------------------------------------------------

# (key, parent key, heading, body) in document order.
SECTIONS = [
    (
        "che-cosa-e",
        "",
        "Che cos'è la Carta",
        "La Carta dei Servizi e della Cittadinanza Sociale è il patto tra l'Ambito, i "
        "cittadini e le organizzazioni del territorio. Dice quali servizi sociali sono "
        "offerti, come vi si accede, quale qualità minima garantiamo e come presentare un "
        "reclamo se un impegno non viene rispettato.\n\n"
        "È un documento sempre in divenire: viene rivista insieme alle organizzazioni del "
        "Terzo settore e sottoposta alla consultazione di chi vive nei nove comuni "
        "dell'Ambito, seguendo il Piano Sociale di Zona.",
    ),
    (
        "principi",
        "",
        "I principi che seguiamo",
        "I servizi descritti in questa Carta si ispirano ai principi della legge 8 novembre "
        "2000, n. 328, e a quelli che seguono.",
    ),
    (
        "uguaglianza",
        "principi",
        "Uguaglianza e imparzialità",
        "Ogni persona ha uguale diritto di accesso ai servizi, senza distinzione di sesso, "
        "origine, lingua, religione, opinioni politiche o condizioni personali e sociali. "
        "Gli operatori agiscono con obiettività, giustizia e imparzialità.",
    ),
    (
        "continuita",
        "principi",
        "Continuità",
        "I servizi sono erogati con regolarità e senza interruzioni. In caso di sospensione "
        "programmata, le persone interessate sono avvisate con almeno cinque giorni di "
        "anticipo e viene indicata un'alternativa.",
    ),
    (
        "partecipazione",
        "principi",
        "Partecipazione",
        "Chi usa i servizi può esprimere valutazioni, presentare suggerimenti e reclami, e "
        "partecipare alla revisione di questa Carta.",
    ),
    (
        "riservatezza",
        "principi",
        "Riservatezza",
        "I dati personali sono trattati solo per le finalità del servizio e nel rispetto "
        "del Regolamento (UE) 2016/679.",
    ),
    (
        "accesso",
        "",
        "Come si accede: il Segretariato Sociale",
        "Il Segretariato Sociale è la porta d'accesso a tutti i servizi dell'Ambito. Ascolta, "
        "informa, orienta e, quando serve, avvia la presa in carico da parte del servizio "
        "sociale professionale.",
    ),
    (
        "sportelli",
        "accesso",
        "Sportelli e orari",
        "Gli sportelli sono aperti in ogni comune dell'Ambito almeno un giorno alla "
        "settimana. Nel comune capofila, Valtirino, lo sportello è aperto dal lunedì al "
        "venerdì dalle 9 alle 12 e il martedì e il giovedì anche dalle 15 alle 17.",
    ),
    (
        "domanda",
        "accesso",
        "La domanda e la presa in carico",
        "La domanda si presenta allo sportello o per posta elettronica certificata, con il "
        "modulo unico dell'Ambito. Entro 15 giorni lavorativi l'assistente sociale contatta "
        "la persona per un primo colloquio.",
    ),
    (
        "impegni",
        "",
        "Gli impegni di qualità e come li verifichiamo",
        "Per ogni servizio la Carta indica uno o più impegni di qualità: un indicatore, il "
        "valore che ci impegniamo a rispettare e il modo in cui lo misuriamo. Ogni anno "
        "l'Ufficio di Piano pubblica i valori misurati accanto a quelli promessi, insieme ai "
        "risultati dei questionari di soddisfazione.",
    ),
    (
        "rete",
        "",
        "La rete e la co-progettazione",
        "Le organizzazioni del Terzo settore che aderiscono alla rete accettano questa Carta "
        "e partecipano, secondo l'articolo 55 del Codice del Terzo settore, alla "
        "co-programmazione e alla co-progettazione dei servizi.",
    ),
    (
        "reclami",
        "",
        "Suggerimenti, segnalazioni e reclami",
        "Chiunque può presentare un reclamo quando ritiene che un impegno della Carta non "
        "sia stato rispettato, o segnalare un disservizio o un bisogno non soddisfatto.",
    ),
    (
        "come-reclamare",
        "reclami",
        "Come presentare un reclamo",
        "Il reclamo si presenta online su questa piattaforma, allo sportello del Segretariato "
        "Sociale o per posta. Chi lo presenta riceve un codice con cui seguirne l'esito.",
    ),
    (
        "tempi-risposta",
        "reclami",
        "Tempi di risposta",
        "L'Ufficio di Piano risponde per iscritto entro 30 giorni dal ricevimento. Se il "
        "reclamo è fondato, la risposta indica le misure adottate per rimuovere la causa.",
    ),
]

SERVICES = [
    # (key, title, area, purposes, functions, modalities, requirements, commitments)
    (
        "segretariato-sociale",
        "Segretariato Sociale",
        "multi_user",
        "Garantire a tutti informazioni chiare sui servizi e orientamento verso quelli adatti.",
        "Ascolto, informazione, orientamento, avvio della presa in carico.",
        "Sportello in ogni comune, telefono, posta elettronica.",
        "Nessuno: il servizio è aperto a chiunque viva o si trovi nell'Ambito.",
        [
            (
                "attesa-sportello",
                "Attesa allo sportello",
                "at_most",
                "20",
                "minuti",
                "Rilevazione a campione di due settimane per trimestre.",
            )
        ],
    ),
    (
        "servizio-sociale-professionale",
        "Servizio sociale professionale",
        "multi_user",
        "Accompagnare le persone e le famiglie in difficoltà con un progetto personalizzato.",
        "Valutazione del bisogno, progetto individuale, coordinamento con sanità e scuola.",
        "Colloqui in sede e visite domiciliari.",
        "Residenza in uno dei comuni dell'Ambito.",
        [
            (
                "primo-colloquio",
                "Giorni lavorativi tra la domanda e il primo colloquio",
                "at_most",
                "15",
                "giorni",
                "Registro delle domande, media trimestrale.",
            )
        ],
    ),
    (
        "pronto-intervento-sociale",
        "Pronto intervento sociale",
        "multi_user",
        "Rispondere alle emergenze sociali in ogni momento.",
        "Prima accoglienza, collocamento in emergenza, raccordo con le forze dell'ordine.",
        "Numero telefonico attivo 24 ore su 24.",
        "Situazione di emergenza segnalata da chiunque.",
        [
            (
                "tempo-intervento",
                "Tempo di attivazione dell'intervento",
                "at_most",
                "2",
                "ore",
                "Registro delle chiamate.",
            )
        ],
    ),
    (
        "assistenza-domiciliare-anziani",
        "Assistenza domiciliare per anziani (SAD)",
        "elderly",
        "Sostenere l'autonomia delle persone anziane e la loro permanenza a casa.",
        "Cura della persona e della casa, accompagnamento, sostegno ai familiari.",
        "Interventi a domicilio da una a cinque volte la settimana.",
        "Età di almeno 65 anni, residenza nell'Ambito, valutazione dell'assistente sociale.",
        [
            (
                "avvio-sad",
                "Giorni tra l'approvazione del progetto e il primo accesso",
                "at_most",
                "10",
                "giorni",
                "Cartella del servizio.",
            ),
            (
                "soddisfazione-sad",
                "Persone soddisfatte o molto soddisfatte",
                "at_least",
                "85",
                "%",
                "Questionario annuale a tutte le persone assistite.",
            ),
        ],
    ),
    (
        "centro-diurno-anziani",
        "Centro diurno per anziani",
        "elderly",
        "Offrire socialità, attività e sollievo alle famiglie.",
        "Laboratori, attività motorie, pranzo, trasporto.",
        "Dal lunedì al venerdì, dalle 8.30 alle 16.30.",
        "Età di almeno 65 anni e parziale autosufficienza.",
        [
            (
                "apertura-centro",
                "Giorni di apertura all'anno",
                "at_least",
                "240",
                "giorni",
                "Calendario del centro.",
            )
        ],
    ),
    (
        "teleassistenza",
        "Telesoccorso e teleassistenza",
        "elderly",
        "Garantire aiuto immediato alle persone anziane che vivono sole.",
        "Dispositivo di chiamata, centrale operativa, telefonate di compagnia.",
        "Servizio attivo 24 ore su 24.",
        "Età di almeno 70 anni e vita in solitudine.",
        [
            (
                "attivazione-tele",
                "Giorni per installare il dispositivo",
                "at_most",
                "7",
                "giorni",
                "Registro delle installazioni.",
            )
        ],
    ),
    (
        "educativa-domiciliare",
        "Assistenza educativa domiciliare per minori",
        "families_minors",
        "Sostenere i minori e i genitori nei momenti di difficoltà educativa.",
        "Interventi educativi a casa e nel territorio, sostegno alla genitorialità.",
        "Da due a otto ore settimanali, secondo il progetto.",
        "Progetto del servizio sociale professionale o provvedimento dell'autorità giudiziaria.",
        [
            (
                "avvio-educativa",
                "Giorni tra il progetto e il primo intervento",
                "at_most",
                "20",
                "giorni",
                "Cartella del servizio.",
            )
        ],
    ),
    (
        "centro-famiglie",
        "Centro per le famiglie e affido familiare",
        "families_minors",
        "Promuovere il benessere delle famiglie e l'accoglienza dei minori.",
        "Consulenza, mediazione familiare, gruppi di genitori, promozione dell'affido.",
        "Su appuntamento, due pomeriggi alla settimana in ogni distretto.",
        "Nessuno.",
        [
            (
                "attesa-consulenza",
                "Giorni di attesa per una consulenza",
                "at_most",
                "15",
                "giorni",
                "Agenda del centro.",
            )
        ],
    ),
    (
        "spazio-neutro",
        "Spazio neutro per gli incontri protetti",
        "families_minors",
        "Garantire il diritto del minore a mantenere relazioni con entrambi i genitori.",
        "Incontri protetti con la presenza di un educatore.",
        "Nella sede del centro per le famiglie, su calendario concordato.",
        "Provvedimento dell'autorità giudiziaria o progetto del servizio sociale.",
        [],
    ),
    (
        "assistenza-scolastica-disabili",
        "Assistenza specialistica scolastica",
        "disability",
        "Favorire l'inclusione scolastica degli alunni con disabilità.",
        "Assistenza all'autonomia e alla comunicazione in classe.",
        "Durante l'orario scolastico, secondo il piano educativo individualizzato.",
        "Certificazione ai sensi della legge 104/1992 e richiesta della scuola.",
        [
            (
                "avvio-scuola",
                "Alunni seguiti dal primo giorno di scuola",
                "at_least",
                "95",
                "%",
                "Confronto tra richieste delle scuole e presenze al primo giorno.",
            )
        ],
    ),
    (
        "centro-diurno-disabili",
        "Centro socio-educativo diurno per persone con disabilità",
        "disability",
        "Sviluppare autonomie e relazioni delle persone con disabilità adulte.",
        "Laboratori, attività occupazionali, uscite sul territorio.",
        "Dal lunedì al venerdì, dalle 9 alle 16, con trasporto.",
        "Età tra 18 e 64 anni e valutazione dell'unità multidisciplinare.",
        [
            (
                "ore-centro",
                "Ore settimanali di apertura",
                "at_least",
                "35",
                "ore",
                "Registro presenze.",
            )
        ],
    ),
    (
        "trasporto-sociale",
        "Trasporto sociale",
        "disability",
        "Permettere a chi non può muoversi da solo di raggiungere cure, scuola e lavoro.",
        "Accompagnamento con mezzi attrezzati.",
        "Su prenotazione, con almeno tre giorni di anticipo.",
        "Disabilità o età avanzata senza alternative di trasporto.",
        [
            (
                "prenotazioni-evase",
                "Prenotazioni soddisfatte",
                "at_least",
                "90",
                "%",
                "Registro delle prenotazioni.",
            )
        ],
    ),
    (
        "inclusione-attiva",
        "Percorsi di inclusione sociale e lavorativa",
        "poverty",
        "Accompagnare le persone in povertà verso l'autonomia economica.",
        "Patto di inclusione, tirocini, orientamento al lavoro, educazione finanziaria.",
        "Colloqui periodici e attività di gruppo.",
        "Beneficiari di misure nazionali di sostegno al reddito o ISEE sotto la soglia "
        "stabilita dal Piano di Zona.",
        [
            (
                "patto-entro",
                "Giorni per sottoscrivere il patto di inclusione",
                "at_most",
                "30",
                "giorni",
                "Piattaforma nazionale GePI.",
            )
        ],
    ),
    (
        "mediazione-culturale",
        "Sportello per cittadini stranieri e mediazione culturale",
        "immigrants",
        "Facilitare l'accesso ai servizi delle persone di origine straniera.",
        "Informazione su permessi e servizi, mediazione linguistico-culturale.",
        "Sportello settimanale e mediatori su chiamata dei servizi.",
        "Nessuno.",
        [
            (
                "lingue",
                "Lingue coperte dalla mediazione",
                "at_least",
                "6",
                "lingue",
                "Elenco dei mediatori disponibili.",
            )
        ],
    ),
    (
        "prevenzione-dipendenze",
        "Prevenzione delle dipendenze",
        "dependencies",
        "Prevenire l'uso di sostanze e il gioco d'azzardo, soprattutto tra i giovani.",
        "Interventi nelle scuole, educativa di strada, raccordo con il SerD.",
        "Progetti annuali con le scuole e uscite serali nei comuni.",
        "Nessuno.",
        [
            (
                "classi",
                "Classi raggiunte nell'anno scolastico",
                "at_least",
                "40",
                "classi",
                "Registro degli interventi.",
            )
        ],
    ),
]

# Revision 1 did not yet have these services; revision 2 added them.
ADDED_IN_2 = {"teleassistenza", "prevenzione-dipendenze"}


# What a citizen needs to know to use each service (the practical fields of a service).
OFFICES = (
    "Sportello sociale in ogni comune: lunedì e mercoledì 9-12, giovedì 15-17. "
    "Telefono 085 000 1234, servizisociali@ambito.example.it."
)
PRACTICAL = {
    "segretariato-sociale": {
        "how_to_apply": "Non serve una domanda: basta presentarsi allo sportello o telefonare.",
        "where_and_when": OFFICES,
        "documents_required": "Nessuno. Se lo hai, porta un documento d'identità.",
        "costs": "Gratuito.",
    },
    "servizio-sociale-professionale": {
        "how_to_apply": (
            "Chiedi un appuntamento al Segretariato Sociale, allo sportello o per telefono."
        ),
        "where_and_when": OFFICES,
        "documents_required": "Documento d'identità; eventuali certificazioni sanitarie.",
        "costs": "Gratuito.",
    },
    "pronto-intervento-sociale": {
        "how_to_apply": "Chiama il numero di emergenza: risponde un operatore 24 ore su 24.",
        "where_and_when": "Numero verde 800 000 123, tutti i giorni, a qualsiasi ora.",
        "documents_required": "Nessuno.",
        "costs": "Gratuito.",
    },
    "assistenza-domiciliare-anziani": {
        "how_to_apply": (
            "Compila la domanda allo sportello sociale del tuo comune o scaricala dal sito "
            "dell'Ambito; l'assistente sociale ti contatta per la valutazione."
        ),
        "where_and_when": OFFICES,
        "documents_required": (
            "Domanda firmata; documento d'identità; attestazione ISEE in corso di validità; "
            "certificato del medico di famiglia."
        ),
        "costs": (
            "Compartecipazione secondo l'ISEE: gratuito fino a 8.000,00 €; 3,00 € l'ora da "
            "8.000,01 a 20.000,00 €; 7,00 € l'ora oltre 20.000,00 €."
        ),
    },
    "centro-diurno-anziani": {
        "how_to_apply": "Domanda allo sportello sociale, poi il colloquio di valutazione.",
        "where_and_when": "Centro diurno di Popoli, dal lunedì al venerdì 8.30-17.30.",
        "documents_required": "Domanda firmata; attestazione ISEE; certificato medico.",
        "costs": (
            "Retta mensile secondo l'ISEE: da 0,00 € (ISEE fino a 8.000,00 €) a 250,00 € "
            "(oltre 25.000,00 €); il trasporto è compreso."
        ),
    },
}


def _commitments(rows):
    return [
        {
            "key": key,
            "indicator": indicator,
            "direction": direction,
            "target_value": value,
            "unit": unit,
            "how_measured": how,
        }
        for key, indicator, direction, value, unit, how in rows
    ]


def _write_content(editor, revision, *, skip=(), overrides=None, providers=None):
    overrides = overrides or {}
    for position, (key, parent, heading, body) in enumerate(SECTIONS):
        heading, body = overrides.get(key, (heading, body))
        services.save_section(
            actor=editor,
            revision=revision,
            key=key,
            heading=heading,
            body=body,
            parent_key=parent,
            position=position,
        )
    for position, row in enumerate(SERVICES):
        key, title, area, purposes, functions, modalities, requirements, commitments = row
        if key in skip:
            continue
        services.save_service(
            actor=editor,
            revision=revision,
            key=key,
            title=title,
            area=area,
            purposes=purposes,
            main_functions=functions,
            delivery_modalities=modalities,
            access_requirements=requirements,
            **PRACTICAL.get(key, {}),
            position=position,
            commitments=_commitments(commitments),
            providers=(providers or {}).get(area, []),
        )


def _providers() -> dict[str, list]:
    """Verified demo organizations by area of intervention (first two per area)."""
    from stakeholders.demo import demo_organizations

    by_area: dict[str, list] = {}
    for organization in demo_organizations():
        for area in organization.areas:
            if len(by_area.setdefault(area, [])) < 2:
                by_area[area].append(organization)
    return by_area


def _dated(revision, **dates) -> None:
    Revision.objects.filter(pk=revision.pk).update(**dates)


def _speakers():
    """(person, organization) pairs able to speak for a verified demo organization."""
    from stakeholders import permissions as org_perms
    from stakeholders.demo import demo_organizations
    from stakeholders.models import Membership

    pairs = []
    for membership in (
        Membership.objects.filter(organization__in=demo_organizations())
        .select_related("user", "organization")
        .order_by("organization__tax_code", "user__username")
    ):
        if org_perms.can_comment_for(membership.user, membership.organization) and not any(
            o == membership.organization for _u, o in pairs
        ):
            pairs.append((membership.user, membership.organization))
    return pairs[:3]


@transaction.atomic
def load(ctx: DemoContext) -> None:
    _load(ctx)


# The acts that adopted the two earlier revisions (the demo adopts them now, then dates
# them as they happened).
ACTS = {
    1: {
        "act_body": "Assemblea dei Sindaci dell'Ambito",
        "act_number": "4/2022",
        "act_date": datetime.date(2022, 5, 10),
        "effective_from": datetime.date(2022, 5, 16),
    },
    2: {
        "act_body": "Assemblea dei Sindaci dell'Ambito",
        "act_number": "7/2024",
        "act_date": datetime.date(2024, 4, 15),
        "effective_from": datetime.date(2024, 4, 22),
    },
}


def _phase_dates() -> tuple[datetime.date, datetime.date]:
    """Revision 3's consultation: open to everybody for three more weeks, to the network's
    organizations one week longer (relative to the day the demo is loaded)."""
    today = timezone.localdate()
    return today + datetime.timedelta(days=21), today + datetime.timedelta(days=28)


def _complete(editor) -> None:
    """What earlier versions of the demo lacked, added to a database that has it already
    (idempotent): the acts of revisions 1 and 2, the closing dates of revision 3."""
    for number, act in ACTS.items():
        Revision.objects.filter(number=number, act_number="").update(**act)
    for key, fields in PRACTICAL.items():
        Service.objects.filter(key=key, how_to_apply="").update(**fields)
    third = Revision.objects.filter(
        number=3, status=RevisionStatus.IN_CONSULTATION, consultation_closes_at__isnull=True
    ).first()
    if third is not None:
        closes, organizations_close = _phase_dates()
        services.extend_consultation(
            actor=editor,
            revision=third,
            closes_at=closes,
            organizations_close_at=organizations_close,
        )


def _load(ctx: DemoContext) -> None:
    if Revision.objects.filter(number__in=[1, 2, 3]).count() == 3:
        _complete(ctx.user("redattrice"))
        return
    editor = ctx.user("redattrice")
    citizens = [ctx.user(name) for name in ("anna.rossi", "luca.bianchi", "maria.esposito")]
    providers = _providers()
    tz = timezone.get_current_timezone()

    def day(y, m, d):
        return datetime.datetime(y, m, d, 10, 0, tzinfo=tz)

    first = Revision.objects.filter(number=1).first()
    if first is None:
        first = services.create_draft(
            actor=editor,
            title="Carta dei Servizi e della Cittadinanza Sociale 2022-2024",
            summary_of_changes="Prima edizione della Carta, approvata con il Piano di Zona.",
            empty=True,
        )
        _write_content(
            editor,
            first,
            skip=ADDED_IN_2,
            providers=providers,
            overrides={
                "domanda": (
                    "La domanda e la presa in carico",
                    "La domanda si presenta allo sportello con il modulo unico dell'Ambito. "
                    "Entro 20 giorni lavorativi l'assistente sociale contatta la persona per "
                    "un primo colloquio.",
                ),
            },
        )
        services.open_consultation(actor=editor, revision=first)
        services.adopt_revision(actor=editor, revision=first)
        _dated(first, consultation_opened_at=day(2022, 3, 1), adopted_at=day(2022, 5, 16))
        _dated(first, **ACTS[1])

    second = Revision.objects.filter(number=2).first()
    if second is None:
        second = services.create_draft(
            actor=editor,
            title="Carta dei Servizi e della Cittadinanza Sociale 2024-2026",
            summary_of_changes=(
                "Aggiunti il telesoccorso e la prevenzione delle dipendenze; primo colloquio "
                "entro 15 giorni invece di 20; domanda anche per PEC."
            ),
            source=first,
        )
        _write_content(editor, second, providers=providers)
        services.open_consultation(actor=editor, revision=second)
        services.adopt_revision(actor=editor, revision=second)
        _dated(second, consultation_opened_at=day(2024, 2, 5), adopted_at=day(2024, 4, 22))
        _dated(second, **ACTS[2])
        _dated(first, superseded_at=day(2024, 4, 22))

    third = Revision.objects.filter(number=3).first()
    if third is None:
        third = services.create_draft(
            actor=editor,
            title="Carta dei Servizi e della Cittadinanza Sociale 2026-2028",
            summary_of_changes=(
                "Accesso anche online, sportello di Valtirino aperto il sabato mattina, "
                "nuovo impegno sui tempi del reclamo (20 giorni invece di 30)."
            ),
            source=second,
        )
        services.save_section(
            actor=editor,
            revision=third,
            key="sportelli",
            parent_key="accesso",
            heading="Sportelli, orari e accesso online",
            body=(
                "Gli sportelli sono aperti in ogni comune dell'Ambito almeno un giorno alla "
                "settimana. Nel comune capofila, Valtirino, lo sportello è aperto dal lunedì "
                "al sabato dalle 9 alle 12 e il martedì e il giovedì anche dalle 15 alle 17. "
                "La domanda si può presentare anche online, con SPID o CIE."
            ),
            position=7,
        )
        services.save_section(
            actor=editor,
            revision=third,
            key="tempi-risposta",
            parent_key="reclami",
            heading="Tempi di risposta",
            body=(
                "L'Ufficio di Piano risponde per iscritto entro 20 giorni dal ricevimento. Se "
                "il reclamo è fondato, la risposta indica le misure adottate per rimuovere la "
                "causa e i tempi previsti."
            ),
            position=13,
        )
        services.share_with_network(actor=editor, revision=third)
        closes, organizations_close = _phase_dates()
        third = services.open_consultation(
            actor=editor,
            revision=third,
            closes_at=closes,
            organizations_close_at=organizations_close,
        )
        _dated(
            third,
            shared_with_network_at=day(2026, 9, 1),
            consultation_opened_at=day(2026, 10, 1),
        )
        _participation(editor, third, citizens, _speakers())


def _participation(editor, revision, citizens, speakers) -> None:
    anna, luca, maria = citizens
    c1 = services.post_comment(
        actor=anna,
        revision=revision,
        section_key="sportelli",
        body="Bene l'apertura del sabato: chi lavora non riusciva mai ad andare allo sportello.",
        quote="dal lunedì al sabato",
    )
    services.record_outcome(
        actor=editor,
        comment=c1,
        outcome="accepted",
        reason="L'apertura del sabato resta nel testo.",
    )
    c2 = services.post_comment(
        actor=luca,
        revision=revision,
        section_key="sportelli",
        body=("Chi non ha SPID come presenta la domanda online? Molti anziani non ce l'hanno."),
        quote="con SPID o CIE",
    )
    services.post_comment(
        actor=maria,
        revision=revision,
        section_key="sportelli",
        body="Concordo, servirebbe un aiuto allo sportello per fare la domanda online.",
        parent=c2,
    )
    services.record_outcome(
        actor=editor,
        comment=c2,
        outcome="partly_accepted",
        reason=(
            "La domanda resta possibile allo sportello e per PEC; lo sportello aiuterà chi "
            "vuole farla online."
        ),
    )
    c3 = services.post_comment(
        actor=maria,
        revision=revision,
        section_key="tempi-risposta",
        body="Venti giorni sono ancora tanti: si potrebbe scendere a quindici?",
    )
    services.record_outcome(
        actor=editor,
        comment=c3,
        outcome="not_accepted",
        reason=(
            "Con il personale attuale venti giorni sono un impegno che possiamo mantenere; "
            "lo rivedremo con il prossimo Piano di Zona."
        ),
    )
    services.post_comment(
        actor=luca,
        revision=revision,
        section_key="continuita",
        body="Cinque giorni di preavviso per una sospensione sono pochi per chi ha un "
        "familiare non autosufficiente.",
    )
    accepted = services.propose_amendment(
        actor=anna,
        revision=revision,
        kind="section",
        target_key="continuita",
        new_text=(
            "I servizi sono erogati con regolarità e senza interruzioni. In caso di "
            "sospensione programmata, le persone interessate sono avvisate con almeno dieci "
            "giorni di anticipo e viene indicata un'alternativa."
        ),
        rationale="Cinque giorni non bastano per organizzarsi.",
    )
    services.support_amendment(actor=luca, amendment=accepted)
    rejected = services.propose_amendment(
        actor=luca,
        revision=revision,
        kind="service",
        target_key="trasporto-sociale",
        service_changes={"delivery_modalities": "Su prenotazione, anche il giorno stesso."},
        rationale="Le visite mediche a volte si fissano all'ultimo momento.",
    )
    services.support_amendment(actor=maria, amendment=rejected)
    for person, organization in speakers[:2]:
        services.post_comment(
            actor=person,
            revision=revision,
            section_key="rete",
            organization=organization,
            body=(
                "Chiediamo che la Carta preveda un incontro annuale di verifica degli "
                "impegni con le organizzazioni della rete."
            ),
        )
    open_amendment = services.propose_amendment(
        actor=speakers[0][0] if speakers else maria,
        organization=speakers[0][1] if speakers else None,
        revision=revision,
        kind="section",
        target_key="rete",
        new_text=(
            "Le organizzazioni del Terzo settore che aderiscono alla rete accettano questa "
            "Carta e partecipano, secondo l'articolo 55 del Codice del Terzo settore, alla "
            "co-programmazione e alla co-progettazione dei servizi. Ogni anno l'Ufficio di "
            "Piano e la rete verificano insieme il rispetto degli impegni."
        ),
        rationale="Rendere stabile la verifica condivisa degli impegni.",
    )
    for person, organization in speakers[1:]:
        services.support_amendment(
            actor=person, amendment=open_amendment, organization=organization
        )
    services.support_amendment(actor=anna, amendment=open_amendment)
    services.accept_amendment(
        actor=editor, amendment=accepted, reason="Accolto: dieci giorni di preavviso."
    )
    services.reject_amendment(
        actor=editor,
        amendment=rejected,
        reason=(
            "Il trasporto con mezzi attrezzati va organizzato in anticipo; per le urgenze "
            "resta il pronto intervento sociale."
        ),
    )
