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
