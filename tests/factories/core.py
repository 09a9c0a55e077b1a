import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from carta.models import Municipality, Notification, User

PASSWORD = "una-password-di-prova-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"persona{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.Faker("first_name", locale="it_IT")
    last_name = factory.Faker("last_name", locale="it_IT")
    preferred_language = "it"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        """``UserFactory(groups=["moderators"])`` puts the person in those staff groups."""
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """The address is verified unless ``UserFactory(verified=False)``: the people of
        most tests may take part (carta.permissions.may_take_part)."""
        if create and self.email:
            EmailAddress.objects.update_or_create(
                user=self,
                email=self.email.lower(),
                defaults={"primary": True, "verified": extracted is not False},
            )


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Comune {n}")
    istat_code = factory.Sequence(lambda n: f"{n:06d}")
    province = "PE"


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "test"
    title = factory.Sequence(lambda n: f"Notifica {n}")
