"""The API's settings: Django REST framework, service tokens, error bodies, the schema.

Nothing here comes from the environment; tracker/settings.py imports these
and adds what does (throttle rates, proxies) with the rest of the hardening.
"""

from __future__ import annotations

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ServiceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "tracker.api.permissions.ModelPermissionsOrAnonReadOnly",
    ],
    "DEFAULT_FILTER_BACKENDS": ["tracker.api.filtersets.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "tracker.api.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "tracker.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "tracker.api.renderers.JSONRenderer",
        "tracker.api.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "URL_FIELD_NAME": "url",
}

# API tokens for service accounts (accounts app): hashed by django-rest-knox,
# sent as "Authorization: Token <key>", valid until revoked unless the admin
# who creates one gives it an expiry.
KNOX_TOKEN_MODEL = "accounts.ServiceToken"
REST_KNOX = {"TOKEN_TTL": None, "AUTH_HEADER_PREFIX": "Token"}
# Knox's migrations only create its own token table, which ours replaces.
MIGRATION_MODULES = {"knox": None}

DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "tracker.api.errors.ExceptionHandler",
    "ALLOWED_ERROR_STATUS_CODES": [
        "400",
        "401",
        "403",
        "404",
        "405",
        "406",
        "409",
        "410",
        "412",
        "413",
        "415",
    ],
    "ERROR_SCHEMAS": {
        "409": "tracker.api.errors.ErrorResponse409Serializer",
        "410": "tracker.api.errors.ErrorResponse410Serializer",
        "412": "tracker.api.errors.ErrorResponse412Serializer",
        "413": "tracker.api.errors.ErrorResponse413Serializer",
    },
}

_ERROR_ENUMS = "drf_standardized_errors.openapi_serializers"
SPECTACULAR_SETTINGS = {
    "TITLE": "International response tracker API",
    "DESCRIPTION": (
        "Who said what about a conflict event, with which source, and which measures "
        "they threatened or took. Reads are open; writes need a token "
        "(`Authorization: Token <key>`) or a session with the model permission."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Bodies are documented as JSON only. The form encodings stay accepted for
    # the browsable API's forms, but listing three encodings of one schema
    # makes generated clients pick the last (multipart) for every write.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "actors.choices.ActorKind",
        "EventKindEnum": "responses.choices.EventKind",
        "MeasureKindEnum": "responses.choices.MeasureKind",
        "MeasureStatusEnum": "responses.choices.MeasureStatus",
        "SourceKindEnum": "responses.choices.SourceKind",
        "StanceEnum": "responses.choices.Stance",
        "DatePrecisionEnum": "tracker.choices.DatePrecision",
        "ImpactEnum": "responses.choices.Impact",
        "EventRelationKindEnum": "responses.choices.EventRelationKind",
        "TimelineItemTypeEnum": "responses.timelines.TimelineType",
        "ValidationErrorEnum": f"{_ERROR_ENUMS}.ValidationErrorEnum.choices",
        "ClientErrorEnum": f"{_ERROR_ENUMS}.ClientErrorEnum.choices",
        "ServerErrorEnum": f"{_ERROR_ENUMS}.ServerErrorEnum.choices",
        "ErrorCode401Enum": f"{_ERROR_ENUMS}.ErrorCode401Enum.choices",
        "ErrorCode403Enum": f"{_ERROR_ENUMS}.ErrorCode403Enum.choices",
        "ErrorCode404Enum": f"{_ERROR_ENUMS}.ErrorCode404Enum.choices",
        "ErrorCode405Enum": f"{_ERROR_ENUMS}.ErrorCode405Enum.choices",
        "ErrorCode406Enum": f"{_ERROR_ENUMS}.ErrorCode406Enum.choices",
        "ErrorCode415Enum": f"{_ERROR_ENUMS}.ErrorCode415Enum.choices",
        "ErrorCode429Enum": f"{_ERROR_ENUMS}.ErrorCode429Enum.choices",
        "ErrorCode500Enum": f"{_ERROR_ENUMS}.ErrorCode500Enum.choices",
        "ErrorCode409Enum": "tracker.api.errors.ErrorCode409Enum.choices",
        "ErrorCode410Enum": "tracker.api.errors.ErrorCode410Enum.choices",
        "ErrorCode412Enum": "tracker.api.errors.ErrorCode412Enum.choices",
        "ErrorCode413Enum": "tracker.api.errors.ErrorCode413Enum.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "tracker.api.schema.open_error_codes",
        "tracker.api.schema.request_bodies_are_closed",
        "tracker.api.schema.inline_operation_unions",
        "tracker.api.schema.csv_content_is_text",
        "tracker.api.schema_headers.document_http_headers",
        "tracker.api.schema.empty_query_values_are_ignored",
        "tracker.api.schema.share_error_responses",
    ],
    # Group operations by resource (actors, events, ...) rather than by "v1".
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}
