"""E-mail notifications: bilingual messages queued in the outbox, sent over SMTP.

Addons call :func:`kernel.mail.notify.notify` inside their business transaction
with a template of their own (``<addon>/templates/mail/<name>.html``, with blocks
``subject`` and ``body``); it is rendered in each recipient's language and written
to the outbox, so it exists only if the business change commits. The job runner
sends it with :mod:`kernel.mail.smtp` and records it on the document's history.
"""
