"""The SDK's numbers, in one place: timeouts and the retry policy."""

from __future__ import annotations

#: Seconds to wait for a connection, a read, a write.
DEFAULT_TIMEOUT = 10.0

#: Retries after the first attempt (so at most 1 + MAX_RETRIES requests per call).
MAX_RETRIES = 3
#: First backoff delay in seconds; doubles each retry, with jitter.
INITIAL_RETRY_DELAY = 0.2
#: No backoff delay is longer than this.
MAX_RETRY_DELAY = 4.0
#: The longest `Retry-After` waited for; a portal asking for longer gets the error at
#: once, with its `retry_after` in the details (a receipt still being prepared).
MAX_RETRY_AFTER = 30.0
#: HTTP statuses retried (besides connection errors and timeouts).
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

#: The header that makes a state-changing request safe to retry.
IDEMPOTENCY_HEADER = "Idempotency-Key"
