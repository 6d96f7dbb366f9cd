/**
 * The kinds of problem the API answers with (the last segment of the problem `type` URI), one per status, but
 * two for 400: `validation` (an input is wrong: the problem names the field) and `bad-request` (the request as a
 * whole cannot be read: malformed JSON, an empty body where one is needed).
 */
export const PROBLEM_KINDS = {
  'validation': { status: 400, title: 'Bad input', description: 'an input is invalid: `field` names it' },
  'bad-request': { status: 400, title: 'Bad request', description: 'the request cannot be read (malformed JSON ...)' },
  'unauthorized': { status: 401, title: 'Unauthorized', description: 'not logged in, or the token is invalid or expired' },
  'forbidden': { status: 403, title: 'Forbidden', description: 'your role or zones do not allow this' },
  'not-found': { status: 404, title: 'Not found', description: 'no such route or record: `field` names the code or id' },
  'conflict': { status: 409, title: 'Conflict',
    description: 'conflicts with the current state (not enough stock, duplicate code ...)' },
  'gone': { status: 410, title: 'Gone',
    description: 'no longer kept: a change-feed position older than the replay window (`field` names it)' },
  'payload-too-large': { status: 413, title: 'Payload too large', description: 'the body is over the size limit' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type', description: 'send application/json' },
  'unprocessable': { status: 422, title: 'Unprocessable',
    description: 'well-formed but not acceptable (expired lot, ambiguous stock, reused Idempotency-Key ...)' },
  'rate-limited': { status: 429, title: 'Too many requests', description: 'slow down: retry after the given time' },
  'internal': { status: 500, title: 'Internal error', description: 'a fault on our side; it has been logged' },
} as const satisfies Record<string, { status: number; title: string; description: string }>;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

const KIND_OF_STATUS = new Map<number, ProblemKind>(Object.entries(PROBLEM_KINDS)
  .filter(([kind]) => kind !== 'bad-request').map(([kind, { status }]) => [status, kind as ProblemKind]));

/** The kind of an HTTP status: 400 is `validation` unless the request as a whole was malformed. */
export function problemKindOf(status: number, { malformed = false } = {}): ProblemKind {
  if (status === 400 && malformed) return 'bad-request';
  return KIND_OF_STATUS.get(status) ?? (status >= 500 ? 'internal' : 'bad-request');
}

/**
 * Domain errors carry an HTTP status and, where one input is at fault, the field that names it.
 * The HTTP layer renders them as application/problem+json; nothing else should throw for bad input.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly field?: string,
    readonly extra?: Record<string, unknown>,
    /** Default: the status's kind (400 is `validation`). */
    readonly kind: ProblemKind = problemKindOf(status),
  ) {
    super(message);
  }
}

export const badInput = (field: string, message: string, extra?: Record<string, unknown>) =>
  new DomainError(400, 'Bad input', `${field}: ${message}`, field, extra);

export const notFound = (field: string, message: string) =>
  new DomainError(404, 'Not found', `${field}: ${message}`, field);

export const conflict = (message: string, field?: string, extra?: Record<string, unknown>) =>
  new DomainError(409, 'Conflict', field ? `${field}: ${message}` : message, field, extra);

export const unprocessable = (field: string, message: string, extra?: Record<string, unknown>) =>
  new DomainError(422, 'Unprocessable', `${field}: ${message}`, field, extra);

export const forbidden = (message: string, field?: string) =>
  new DomainError(403, 'Forbidden', message, field);

export const unauthorized = (message: string) => new DomainError(401, 'Unauthorized', message);

/** What the request names existed but is no longer kept (a change-feed position past the replay window). */
export const gone = (field: string, message: string, extra?: Record<string, unknown>) =>
  new DomainError(410, 'Gone', `${field}: ${message}`, field, extra);

/** A request that cannot be read as a whole (not one field's fault): `bad-request`. */
export const badRequest = (message: string, field?: string) =>
  new DomainError(400, 'Bad request', message, field, undefined, 'bad-request');

/** Postgres error codes we translate instead of letting them surface as 500. */
export function fromPostgresError(error: unknown): DomainError | undefined {
  const e = error as { code?: string; message?: string; detail?: string; constraint?: string };
  if (!e || typeof e.code !== 'string') return undefined;
  switch (e.code) {
    case '23505': {
      const what = describeConstraint(e.constraint, e.detail);
      return conflict(`already exists${what ? ` (${what})` : ''}`, fieldFromConstraint(e.constraint));
    }
    case '23503':
      return conflict(`is still referenced by other records${e.detail ? `: ${e.detail}` : ''}`,
        fieldFromConstraint(e.constraint));
    case '23514':
      return conflict(`violates rule ${e.constraint ?? ''}`.trim(), fieldFromConstraint(e.constraint));
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
      return new DomainError(400, 'Bad input', e.message ?? 'invalid value');
    default:
      return undefined;
  }
}

function describeConstraint(constraint?: string, detail?: string) {
  return detail?.replace(/^Key /, '') ?? constraint;
}

function fieldFromConstraint(constraint?: string) {
  // e.g. skus_code_key -> code, bins_code_key -> code
  const m = constraint?.match(/^[a-z]+_(.+?)_(key|check|fkey)$/);
  return m ? m[1] : undefined;
}
