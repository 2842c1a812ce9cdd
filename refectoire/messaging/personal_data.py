"""Conversations with the Caisse and their messages.

Anonymising replaces each conversation's subject and empties every message body.
"""

from refectoire.core.personal_data import row
from refectoire.messaging.models import Conversation, Message

SECTION = "messages"


def export_household(household) -> list:
    conversations = Conversation.objects.filter(household=household).prefetch_related("messages")
    return [
        {
            **row(c, "uuid", "subject"),
            "started_at": c.created_at.isoformat(),
            "messages": [
                {"from_caisse": m.from_agent, "body": m.body, "at": row(m, "created_at")["created_at"]}
                for m in c.messages.all()
            ],
        }
        for c in conversations.order_by("created_at")
    ]


def anonymise_household(household) -> dict[str, int]:
    conversations = Conversation.objects.filter(household=household)
    count = conversations.update(subject="Conversation")
    messages = Message.objects.filter(conversation__in=conversations).update(body="")
    return {"conversations": count, "conversation_messages": messages}
