/**
 * platform/errors: the one error family of the app. Components throw these; `src/web/error-handler.ts`
 * maps them to HTTP statuses in one place, so a route never picks a status code for a failure itself.
 */

export type FieldErrors = Record<string, string>;

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Whether the message is safe and useful to show to the person. */
  readonly expose: boolean = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input a person gave cannot be used; `fields` maps a form field name to what is wrong with it. */
export class ValidationError extends AppError {
  readonly status = 400;
  readonly code: string = 'invalid_input';
  constructor(
    message: string,
    readonly fields: FieldErrors = {},
  ) {
    super(message);
  }
  /** The first field with a problem, for APIs that report one field. */
  get field(): string | undefined {
    return Object.keys(this.fields)[0];
  }
}

/** A letter is addressed to a member who does not represent the sender's address (a 400 like any field). */
export class NotYourMemberError extends ValidationError {
  override readonly code = 'not_your_member';
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

export class RateLimitedError extends AppError {
  readonly status = 429;
  readonly code = 'rate_limited';
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly code = 'conflict';
}

/** A dependency (database, data files, SMTP) is not available right now; try again later. */
export class UnavailableError extends AppError {
  readonly status = 503;
  readonly code = 'unavailable';
}

/** Civic data files are missing or malformed. Raised by the importer and by the loader at start-up. */
export class DataError extends AppError {
  readonly status = 503;
  readonly code = 'data_error';
}
