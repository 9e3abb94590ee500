"""Field validators shared by the apps."""

from __future__ import annotations

from django.core.validators import RegexValidator

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
