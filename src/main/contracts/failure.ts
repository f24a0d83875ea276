// The error a service throws to send a specific error code to the caller; every
// layer may throw it, and the dispatcher turns it into the caller's error.
import type { ApiError } from '../../shared/api';

/** Throw from a handler to send a specific error code to the caller. */
export class ApiFailure extends Error {
  constructor(
    readonly code: ApiError['code'],
    message: string,
  ) {
    super(message);
  }
}
