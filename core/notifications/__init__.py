"""Notifications: an outbox of e-mails that ``tick`` fills and rq workers deliver."""
