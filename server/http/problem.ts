import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, fromPostgresError } from '../domain/errors.ts';

/** RFC 9457 problem details: every error leaves the API in this shape, naming the field at fault. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  field?: string;
  instance?: string;
  [extra: string]: unknown;
}

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
  let field = `${context}${path}`;
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

export function toProblem(error: unknown, request: FastifyRequest): Problem {
  const instance = request.url;
  if (error instanceof DomainError) {
    return { type: `https://wetms.dev/problems/${error.status}`, title: error.title, status: error.status,
      detail: error.message, field: error.field, instance, ...error.extra };
  }
  const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation?.length) {
    const { field, detail } = describeValidation(fe.validationContext ?? 'body', fe.validation[0]!);
    return { type: 'https://wetms.dev/problems/validation', title: 'Bad input', status: 400, detail, field,
      instance, errors: fe.validation.map((v) => describeValidation(fe.validationContext ?? 'body', v).detail) };
  }
  const pgProblem = fromPostgresError(error);
  if (pgProblem) return toProblem(pgProblem, request);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const title = fe.statusCode === 429 ? 'Too many requests' : fe.statusCode === 415 ? 'Unsupported media type'
      : fe.statusCode === 413 ? 'Payload too large' : 'Bad request';
    return { type: `https://wetms.dev/problems/${fe.statusCode}`, title, status: fe.statusCode,
      detail: fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
        ? `body: is not valid JSON (${fe.message})` : fe.message, instance };
  }
  return { type: 'https://wetms.dev/problems/500', title: 'Internal error', status: 500,
    detail: 'something went wrong on our side; it has been logged', instance };
}

export function sendProblem(reply: FastifyReply, problem: Problem) {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}
