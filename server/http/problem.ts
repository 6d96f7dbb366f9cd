import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  DomainError, fromPostgresError, PROBLEM_KINDS, problemKindOf, type ProblemKind,
} from '../domain/errors.ts';

export { PROBLEM_KINDS, type ProblemKind } from '../domain/errors.ts';

/**
 * RFC 9457 problem details: every error leaves the API in this shape. `type` is
 * https://wetms.dev/problems/<kind> (see PROBLEM_KINDS); `field` names the input at fault, always prefixed
 * with the request part it came from: body.qty, query.limit, params.code, headers.idempotency-key.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  field?: string;
  instance?: string;
  [extra: string]: unknown;
}

export const PROBLEM_BASE = 'https://wetms.dev/problems/';
export const problemType = (kind: ProblemKind) => `${PROBLEM_BASE}${kind}`;

/** A problem of a kind, with the kind's status and title. */
export function problem(kind: ProblemKind, detail: string, extra: Partial<Problem> = {}): Problem {
  const { status, title } = PROBLEM_KINDS[kind];
  return { type: problemType(kind), title, status, detail, ...extra };
}

/** The request parts a field can come from, as Fastify names them in validation errors and as we name them. */
const PART_OF_CONTEXT: Record<string, RequestPart> = { body: 'body', querystring: 'query', query: 'query',
  params: 'params', headers: 'headers' };
type RequestPart = 'body' | 'query' | 'params' | 'headers';
const PREFIXED = /^(body|query|params|headers)(\.|\[|$)/;

interface AjvError {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** "body.qty: must be >= 1" from Ajv's error, with the JSON pointer turned into a dotted field name. */
export function describeValidation(context: string, error: AjvError): { field: string; detail: string } {
  const path = error.instancePath.split('/').filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
  let field = `${PART_OF_CONTEXT[context] ?? context}${path}`;
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'required') {
    field += `.${error.params.missingProperty}`;
    message = 'is required';
  } else if (error.keyword === 'additionalProperties') {
    field += `.${error.params.additionalProperty}`;
    message = 'is not a known field';
  } else if (error.keyword === 'enum') {
    message = `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  }
  return { field, detail: `${field}: ${message}` };
}

const hasKey = (value: unknown, key: string) =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, key);

/**
 * Where a domain error's bare field (`qty`, `lines[2].sku`, `Idempotency-Key`) came from: the part of the
 * request that holds its first segment (body, then query, then path parameters, then headers); a field the
 * request did not send itself (derived, like the SKU of a scanned item, or a line of the order it names) is put
 * where such a request's input goes: the query string of a GET, HEAD or DELETE, the body of anything else.
 */
export function qualifyField(field: string, request: Pick<FastifyRequest, 'body' | 'query' | 'params' | 'headers' | 'method'>): string {
  if (PREFIXED.test(field)) return field;
  const root = field.split(/[.[]/, 1)[0]!;
  const header = field.toLowerCase();
  if (hasKey(request.body, root)) return `body.${field}`;
  if (hasKey(request.query, root)) return `query.${field}`;
  if (hasKey(request.params, root)) return `params.${field}`;
  if (hasKey(request.headers, header) || /^(idempotency-key|x-[a-z-]+)$/.test(header)) return `headers.${header}`;
  const bodyless = request.method === 'GET' || request.method === 'HEAD' || request.method === 'DELETE';
  return `${bodyless ? 'query' : 'body'}.${field}`;
}

/** The domain error's message with its leading "field:" rewritten to the qualified field. */
function qualifyDetail(detail: string, field: string | undefined, qualified: string | undefined) {
  if (!field || !qualified || field === qualified) return detail;
  return detail.startsWith(`${field}:`) ? `${qualified}${detail.slice(field.length)}` : detail;
}

export function toProblem(error: unknown, request: FastifyRequest): Problem {
  const instance = request.url;
  if (error instanceof DomainError) {
    const field = error.field === undefined ? undefined : qualifyField(error.field, request);
    return { ...problem(error.kind, qualifyDetail(error.message, error.field, field), { instance }),
      title: error.title, ...(field ? { field } : {}), ...error.extra };
  }
  const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation?.length) {
    const context = fe.validationContext ?? 'body';
    const { field, detail } = describeValidation(context, fe.validation[0]!);
    return problem('validation', detail, { field, instance,
      errors: fe.validation.map((v) => describeValidation(context, v).detail) });
  }
  const pgProblem = fromPostgresError(error);
  if (pgProblem) return toProblem(pgProblem, request);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const malformed = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
      || error instanceof SyntaxError;
    const detail = malformed ? `body: is not valid JSON (${fe.message})` : fe.message;
    const kind = problemKindOf(fe.statusCode, { malformed });
    return { ...problem(kind, detail, { instance }), status: fe.statusCode, ...(malformed ? { field: 'body' } : {}) };
  }
  return problem('internal', 'something went wrong on our side; it has been logged', { instance });
}

export function sendProblem(reply: FastifyReply, problem: Problem) {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}
