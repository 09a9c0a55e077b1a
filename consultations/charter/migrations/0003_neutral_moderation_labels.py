"""Rename the Carta's comments and amendments in the logs already written.

The public moderation log stored, as each row's label, the comment's author and first 40
characters (and an amendment's author): hiding a content republished it. The audit log
stored the same text as ``object_repr``. Both are rewritten with the neutral names that
``Comment.public_label`` and ``Amendment.public_label`` now give (frozen here in
Italian, the language of the source strings): the moderation log with the section's
heading or the service's title, the audit log with the key, as new rows are written.
"""

from django.db import migrations

COMMENT = "Commento n. {id} alla sezione «{where}»"
SECTION_AMENDMENT = "Proposta di modifica n. {id} alla sezione «{where}»"
SERVICE_AMENDMENT = "Proposta di modifica n. {id} al servizio «{where}»"
GONE = {"comment": "Commento n. {id}", "amendment": "Proposta di modifica n. {id}"}


def _labels(apps, model: str, ids) -> tuple[dict, dict]:
    """``({id: label with heading or title}, {id: label with key})`` of existing objects."""
    Section = apps.get_model("consultations", "Section")
    Service = apps.get_model("consultations", "Service")
    headings = {(s.revision_id, s.key): s.heading for s in Section.objects.all()}
    titles = {(s.revision_id, s.key): s.title for s in Service.objects.all()}
    public, by_key = {}, {}
    for obj in apps.get_model("consultations", model).objects.filter(pk__in=ids):
        if model == "comment":
            template, key, names = COMMENT, obj.section_key, headings
        elif obj.kind == "service":
            template, key, names = SERVICE_AMENDMENT, obj.target_key, titles
        else:
            template, key, names = SECTION_AMENDMENT, obj.target_key, headings
        public[obj.pk] = template.format(id=obj.pk, where=names.get((obj.revision_id, key), key))
        by_key[obj.pk] = template.format(id=obj.pk, where=key)
    return public, by_key


def neutral_labels(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ModerationEntry = apps.get_model("carta", "ModerationEntry")
    AuditEntry = apps.get_model("carta", "AuditEntry")
    for model in ("comment", "amendment"):
        content_type = ContentType.objects.filter(app_label="consultations", model=model).first()
        if content_type is None:
            continue
        entries = list(ModerationEntry.objects.filter(content_type=content_type))
        audits = list(AuditEntry.objects.filter(content_type=content_type))
        ids = {e.object_id for e in entries} | {int(a.object_id) for a in audits if a.object_id}
        public, by_key = _labels(apps, model, ids)
        for entry in entries:
            gone = GONE[model].format(id=entry.object_id)
            entry.object_label = public.get(entry.object_id, gone)[:255]
        for audit in audits:
            pk = int(audit.object_id) if audit.object_id else None
            audit.object_repr = by_key.get(pk, GONE[model].format(id=pk))[:255]
        ModerationEntry.objects.bulk_update(entries, ["object_label"], batch_size=500)
        AuditEntry.objects.bulk_update(audits, ["object_repr"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("carta", "0004_moderators_moderate_content"),
        ("consultations", "0002_carta_editors_edit_carta"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(neutral_labels, migrations.RunPython.noop)]
