"""Field validators shared by the apps."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible

country_code_validator = RegexValidator(
    r"^[A-Z]{2}\Z",
    "Enter an ISO 3166-1 alpha-2 country code in capitals, such as UA.",
    code="invalid_country",
)

currency_code_validator = RegexValidator(
    r"^[A-Z]{3}\Z",
    "Enter an ISO 4217 currency code in capitals, such as EUR.",
    code="invalid_currency",
)

language_code_validator = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z",
    "Enter a BCP 47 language tag, such as en or pt-BR.",
    code="invalid_language",
)

wikidata_id_validator = RegexValidator(
    r"^Q[1-9][0-9]*\Z",
    "Enter a Wikidata item id, such as Q212.",
    code="invalid_wikidata_id",
)


# Words the API uses as path segments next to slugs (/api/v1/actors/export/).
RESERVED_SLUGS = frozenset({"export"})


@deconstructible
class NotReservedSlugValidator:
    message = "%(value)s is reserved by the API; choose another slug."
    code = "reserved_slug"

    def __call__(self, value: Any) -> None:
        if value in RESERVED_SLUGS:
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NotReservedSlugValidator)


not_reserved_slug = NotReservedSlugValidator()
