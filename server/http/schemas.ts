import { Type } from 'typebox';
import { PROBLEM_KINDS, problemKindOf } from '../domain/errors.ts';
import { PageQuery } from './pagination.ts';

/** Schemas shared by several routes; each is declared once and feeds validation and OpenAPI alike. */
export const Code = (description: string) =>
  Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\s]+$', description });

/** limit (default 100, at most 1000) and offset: the query parameters of every offset-paged list. */
export const Pagination = PageQuery;

export const StockStatus = Type.Enum(['available', 'qc', 'hold', 'damaged'],
  { description: 'available, qc (awaiting inspection), hold (frozen), damaged' });

export const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const Reason = Type.String({ minLength: 1, maxLength: 500, description: 'why (shown in the audit trail)' });
export const DocRef = Type.String({ minLength: 1, maxLength: 100,
  description: 'document this change belongs to (order, count sheet ...); the audit trail groups by it' });

export const IdParam = Type.Object({ id: Type.Integer({ minimum: 1, description: 'numeric id' }) });
export const CodeParam = Type.Object({ code: Code('code') });

export const ProblemSchema = Type.Object({
  type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.String(),
  field: Type.Optional(Type.String({ description: 'the input at fault, prefixed with its request part: body.qty, '
    + 'query.limit, params.warehouse, headers.idempotency-key' })),
}, { description: 'application/problem+json', additionalProperties: true });

/** Standard error responses, for the OpenAPI document. */
export const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [c, { ...ProblemSchema, description: problemText[c] ?? 'error' }]));

/** What each status means, from the problem kinds (400: `validation` names the field; `bad-request` is the rest). */
const problemText: Record<number, string> = Object.fromEntries(Object.values(PROBLEM_KINDS)
  .map(({ status }) => {
    const kind = problemKindOf(status);
    return [status, `${kind}: ${PROBLEM_KINDS[kind].description}`];
  }));

export const idempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200,
    description: 'replaying a request with the same key returns the first result and changes nothing' })),
  'x-device-id': Type.Optional(Type.String({ maxLength: 64, description: 'scanner or PDA that sent it' })),
});
