from allauth.account import forms as allauth_forms
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

User = get_user_model()


class LoginForm(allauth_forms.LoginForm):
    """allauth's login form (username or email, and password). A client that posts the
    field ``username``, as Django's login form had it, is understood too."""

    def __init__(self, *args, **kwargs):
        data = kwargs.get("data")
        if data is not None and "login" not in data and "username" in data:
            data = data.copy()
            data["login"] = data["username"]
            kwargs["data"] = data
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Nome utente o indirizzo email")
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        # The page has its own link to the reset, below the form.
        self.fields["password"].help_text = ""


class FormRenderer(TemplatesSetting):
    """Renders every form field in the Bootstrap Italia markup, errors tied to inputs."""

    form_template_name = "carta/forms/form.html"
    field_template_name = "carta/forms/field.html"


class RegistrationForm(forms.Form):
    username = forms.CharField(label=_("Nome utente"), max_length=150)
    first_name = forms.CharField(label=_("Nome"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Cognome"), max_length=150, required=False)
    email = forms.EmailField(label=_("Indirizzo email"))
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html,
    )
    password_confirm = forms.CharField(
        label=_("Conferma la password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Lingua preferita"), choices=settings.LANGUAGES, initial="it"
    )
    accept_privacy = forms.BooleanField(
        label=_("Ho letto l'informativa sul trattamento dei dati personali"), required=True
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_confirm"):
            self.add_error("password_confirm", _("Le due password non coincidono."))
        return data


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Nome"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Cognome"), max_length=150, required=False)
    email = forms.EmailField(label=_("Indirizzo email"))
    preferred_language = forms.ChoiceField(label=_("Lingua preferita"), choices=settings.LANGUAGES)


class EraseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("La tua password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        required=False,
    )
    confirm = forms.BooleanField(
        label=_("Ho capito: l'account sarà cancellato e non potrà essere recuperato"),
        required=True,
    )

    def __init__(self, *args, needs_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_password:
            self.fields["password"].required = True
        else:
            del self.fields["password"]
