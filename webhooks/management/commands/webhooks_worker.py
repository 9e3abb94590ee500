"""The worker that sends webhook deliveries: django-tasks' ``db_worker``, and a sweep first.

A worker that dies while sending leaves its task marked running and its
subscription's queue waiting for a task that will never finish. So before it
takes tasks, this worker queues a send for every active subscription that has
deliveries waiting; a second sender for a queue that is already being sent
waits for the first one's lease to end, so this is always safe.

    python manage.py webhooks_worker            # every option of db_worker applies
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from webhooks.models import DeliveryStatus, Subscription, SubscriptionStatus
from webhooks.sending import send_pending


class Command(DatabaseWorker):
    help = "Send webhook deliveries (and run any other queued task), picking up queues left behind."

    def handle(self, *args: Any, **options: Any) -> None:
        waiting = Subscription.objects.filter(
            status=SubscriptionStatus.ACTIVE, deliveries__status=DeliveryStatus.PENDING
        ).distinct()
        for subscription_id in waiting.values_list("pk", flat=True):
            send_pending.enqueue(subscription_id)
        super().handle(*args, **options)
