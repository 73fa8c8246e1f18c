/**
 * The session store cannot be reached (Redis down, unreachable, or too slow).
 * REST answers 503 STORE_UNAVAILABLE and a stream ends with STORE_UNAVAILABLE:
 * the caller may retry, unlike after an internal error.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}
