"""publiccode.yml: valid under the standard (tests/vendor/publiccode/README.md), in step with
the package's version, and pointing at screenshots that exist in the repository."""

import datetime
import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).resolve().parent / "vendor" / "publiccode" / "publiccode-0.7.schema.json"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _errors(document):
    return sorted(
        "/".join(map(str, error.absolute_path)) + ": " + error.message
        for error in _validator().iter_errors(document)
    )


class _Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2's core schema, as the standard's parser reads the file: only true and false are
    booleans (yes, no, on and off are strings the schema then refuses), and numbers and dates
    stay the strings the standard asks for."""


_Yaml12Loader.yaml_implicit_resolvers = {}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


def _load(text):
    return yaml.load(text, _Yaml12Loader)  # noqa: S506 (a SafeLoader with fewer implicit types)


@pytest.fixture
def publiccode():
    return _load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def test_publiccode_yml_is_valid_under_the_standard(publiccode):
    assert _errors(publiccode) == []


def test_software_version_is_the_package_version(publiccode):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert publiccode["softwareVersion"] == pyproject["project"]["version"]


def test_release_date_is_not_in_the_future(publiccode):
    assert datetime.date.fromisoformat(publiccode["releaseDate"]) <= datetime.date.today()


def test_licence_is_the_package_licence(publiccode):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert publiccode["legal"]["license"] == pyproject["project"]["license"] == "EUPL-1.2"


def test_both_languages_describe_the_product_with_the_same_screenshots(publiccode):
    description = publiccode["description"]
    assert set(description) == {"it", "en"} == set(publiccode["localisation"]["availableLanguages"])
    assert description["it"]["screenshots"] == description["en"]["screenshots"]
    assert len(description["it"]["features"]) == len(description["en"]["features"])


def test_every_screenshot_is_a_png_in_the_repository(publiccode):
    listed = {path for text in publiccode["description"].values() for path in text["screenshots"]}
    assert listed
    for path in listed:
        file = ROOT / path
        assert file.resolve().is_relative_to(ROOT), path
        assert file.read_bytes()[:8] == PNG_SIGNATURE, path
        assert file.stat().st_size <= 300 * 1024, path
    # Nothing in docs/screenshots/ goes unlisted (a screenshot nobody points at is dead weight).
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs/screenshots").glob("*")}
    assert on_disk == listed


# The schema must refuse what the standard refuses, or the test above proves nothing.
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("url"), ": 'url' is a required property"),
        (lambda d: d.update(softwareType="web"), "softwareType: 'web' is not one of"),
        (lambda d: d.update(categories=["social"]), "categories/0: 'social' is not one of"),
        (
            lambda d: d["description"]["en"].update(longDescription="Too short."),
            "description/en/longDescription: 'Too short.' is too short",
        ),
        (
            lambda d: d["description"]["it"].update(shortDescription="x" * 151),
            "description/it/shortDescription: '" + "x" * 151 + "' is too long",
        ),
        (
            lambda d: d["description"]["it"].pop("features"),
            "description/it: 'features' is a required property",
        ),
        (
            lambda d: d["description"].update(italiano=d["description"]["it"]),
            "description: 'italiano' does not match",
        ),
        (
            lambda d: d.update(maintenance={"type": "internal"}),
            "maintenance: 'contacts' is a required property",
        ),
        (
            lambda d: d.update(maintenance={"type": "contract"}),
            "maintenance: 'contractors' is a required property",
        ),
        (lambda d: d.update(releaseDate="23/11/2026"), "releaseDate: '23/11/2026' is not a 'date'"),
        (lambda d: d.update(publiccodeYmlVersion="0.6"), "publiccodeYmlVersion: '0.6' is not one"),
        (lambda d: d.update(it=d["IT"]), "should not be valid under {'required': ['IT', 'it']}"),
        (lambda d: d["IT"].pop("countryExtensionVersion"), "IT: 'countryExtensionVersion' is"),
        (lambda d: d.update(supports=[{"id": "alias:gpdr"}]), "supports/0/id: 'alias:gpdr' is"),
        (lambda d: d.update(homepage="https://x.it"), "Additional properties are not allowed"),
    ],
)
def test_schema_refuses_what_the_standard_refuses(publiccode, change, expected):
    change(publiccode)
    errors = _errors(publiccode)
    assert any(expected in error for error in errors), errors
