"""Getting updates in and messages out: the inbox, the per-user processor, the front door, the
rate limiter, the outbox sender, card files, downloads, the reminder scheduler, the webhook."""
