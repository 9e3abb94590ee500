from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from responses.api.quality import QualityFindingSerializer
from responses.quality import Finding, Severity, quality_report


class Command(BaseCommand):
    help = (
        "Report problems in the data (records without a source, CAMEO codes that contradict "
        "their stance, measures past their deadline or out of step with their status history, "
        "likely duplicate actors) and notes (actors nothing refers to). With "
        "--fail-on-problems the command exits with status 1 when there is any problem, "
        "for CI; notes never fail it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fail-on-problems",
            action="store_true",
            help="Exit with status 1 if there is at least one problem.",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print the findings as JSON, as GET /api/v1/quality/ gives them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        findings = quality_report()
        problems = [f for f in findings if f.severity == Severity.PROBLEM]
        notes = [f for f in findings if f.severity == Severity.NOTE]
        if options["json"]:
            data = QualityFindingSerializer(findings, many=True).data
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(self._text(problems, notes))
        if options["fail_on_problems"] and problems:
            raise CommandError(f"{_count(len(problems), 'problem')} found.", returncode=1)

    def _text(self, problems: list[Finding], notes: list[Finding]) -> str:
        lines = [f"Data quality: {_count(len(problems), 'problem')}, {_count(len(notes), 'note')}."]
        for title, findings, style in (
            ("Problems", problems, self.style.ERROR),
            ("Notes", notes, self.style.WARNING),
        ):
            if not findings:
                continue
            lines += ["", style(title)]
            for finding in findings:
                lines.append(f"- [{finding.code}] {finding.record.type} {finding.record.path}")
                lines.append(f"  {finding.message}")
        return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
