/**
 * platform/errors: the one error family of the app. Components and routes throw these;
 * `src/web/error-handler.ts` maps them to HTTP statuses in one place, so a route never picks a status code
 * for a failure itself. (A route that shows a form again with what was typed, the letter form or the admin
 * sign-in, sets that page's status: 400, or 401/429 for the sign-in.)
 *
 * An error carries what to tell the person as a catalogue key and its values (src/platform/messages.ts):
 * pages translate it into the person's language, the JSON API and the logs give its English text.
 */
import type { ZodError } from 'zod';
import { englishText, type Message, type MessageValues } from './messages';

/** A form field name (`sender.email`, `body.A000360`) to what is wrong with it. */
export type FieldErrors = Record<string, Message>;

interface AppErrorOptions {
  values?: MessageValues;
  cause?: unknown;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly messageKey: string;
  readonly values: MessageValues;

  /** `message` is the English text of the key, for the JSON API and the logs. */
  constructor(messageKey: string, options: AppErrorOptions = {}) {
    super(englishText({ key: messageKey, values: options.values }), { cause: options.cause });
    this.name = new.target.name;
    this.messageKey = messageKey;
    this.values = options.values ?? {};
  }

  /** What to tell the person, to translate. */
  get userMessage(): Message {
    return { key: this.messageKey, values: this.values };
  }
}

/** The AppError class answered with this HTTP status and JSON `code`. */
function appErrorWith(status: number, code: string) {
  return class extends AppError {
    readonly status = status;
    readonly code = code;
  };
}

/** Input a person gave cannot be used; `fields` maps a form field name to what is wrong with it. */
export class ValidationError extends appErrorWith(400, 'invalid_input') {
  readonly fields: FieldErrors;

  constructor(messageKey: string, options: AppErrorOptions & { fields?: FieldErrors } = {}) {
    super(messageKey, options);
    this.fields = options.fields ?? {};
  }

  /** One field is wrong, and the error says the same as the field. */
  static forField(field: string, messageKey: string, values?: MessageValues): ValidationError {
    return new ValidationError(messageKey, { values, fields: { [field]: { key: messageKey, values } } });
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

export class NotFoundError extends appErrorWith(404, 'not_found') {}
export class ForbiddenError extends appErrorWith(403, 'forbidden') {}
export class UnauthorizedError extends appErrorWith(401, 'unauthorized') {}
export class RateLimitedError extends appErrorWith(429, 'rate_limited') {}
export class ConflictError extends appErrorWith(409, 'conflict') {}
/** A dependency (database, data files, SMTP) is not available right now; try again later. */
export class UnavailableError extends appErrorWith(503, 'unavailable') {}

/**
 * More of some costly work is waiting than the server takes at once (PDFs): nothing is wrong, the person
 * tries again in a minute. 503 with Retry-After, logged as a refusal rather than a failure.
 */
export class BusyError extends appErrorWith(503, 'busy') {
  readonly titleKey = 'abuse.busyTitle';
  constructor(
    messageKey: string,
    readonly retryAfterSeconds = 60,
  ) {
    super(messageKey);
  }
}

/**
 * Civic data files are missing or malformed. Raised by the importer and by the loader at start-up, for
 * operators: `message` is the English detail they need (file, row); a person only ever sees that the
 * service is unavailable (`messages.dataUnavailable`).
 */
export class DataError extends appErrorWith(503, 'data_error') {
  constructor(detail: string, options: { cause?: unknown } = {}) {
    super('messages.dataUnavailable', options);
    this.message = detail;
  }
}

/**
 * Zod issues as field errors. A schema's own messages are catalogue keys (`messages.*`), with the
 * issue's limit as `max`/`min`; any other issue reads "This value cannot be used".
 */
export function fieldErrorsFromZod(error: ZodError, prefix = ''): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const field = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.') || 'input';
    if (fields[field]) continue;
    if (!issue.message.startsWith('messages.')) {
      fields[field] = { key: 'messages.invalidValue' };
      continue;
    }
    const limits = issue as { maximum?: unknown; minimum?: unknown };
    const values: MessageValues = {};
    if (typeof limits.maximum === 'number') values.max = limits.maximum;
    if (typeof limits.minimum === 'number') values.min = limits.minimum;
    fields[field] = { key: issue.message, values };
  }
  return fields;
}
