"""Admin import and export of actors: slugs are the natural key."""

from __future__ import annotations

from import_export import fields, widgets

from actors.models import Actor, Membership
from tracker.imports import ListWidget, ValidatedResource


class ActorResource(ValidatedResource):
    parent = fields.Field(
        attribute="parent",
        column_name="parent_slug",
        widget=widgets.ForeignKeyWidget(Actor, field="slug"),
    )
    aliases = fields.Field(attribute="aliases", column_name="aliases", widget=ListWidget())

    class Meta(ValidatedResource.Meta):
        model = Actor
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "name",
            "short_name",
            "kind",
            "country",
            "parent",
            "aliases",
            "wikidata_id",
            "description",
        )
        export_order = fields


class MembershipResource(ValidatedResource):
    member = fields.Field(
        attribute="member",
        column_name="member_slug",
        widget=widgets.ForeignKeyWidget(Actor, field="slug"),
    )
    organization = fields.Field(
        attribute="organization",
        column_name="organization_slug",
        widget=widgets.ForeignKeyWidget(Actor, field="slug"),
    )

    class Meta(ValidatedResource.Meta):
        model = Membership
        import_id_fields = ("member", "organization", "started_on")
        fields = ("member", "organization", "started_on", "ended_on")
