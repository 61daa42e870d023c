import type { ProblemReply, ValidationIssue } from './problems.ts';
import type { BodyFailure } from './request-body.ts';
import { validationDetail } from './request-validation.ts';
import type { ServerContext } from './server-context.ts';

// The problems of a request refused before it could be validated: a body that could not be
// taken (415, 413, 400) or a path that is not one. One answer per failure, whichever door the
// request came in by: the API pipeline on node:http (api-server.ts) or fastify (app.ts).

/** The one validation issue of a 400 `validation_failed`. */
export function sendValidationIssue(context: ServerContext, reply: ProblemReply, issue: ValidationIssue): void {
  context.problems.send(reply, 'validation_failed', validationDetail([issue], context.contract.validationIssueLimits), { errors: [issue] });
}

const BODY_ISSUES: Record<Exclude<BodyFailure, 'unsupported_media_type' | 'too_large'>, ValidationIssue> = {
  length_mismatch: { location: 'header', pointer: 'Content-Length', message: 'does not match the body' },
  empty: { location: 'body', pointer: '', message: 'is empty; send a JSON document' },
  invalid_json: { location: 'body', pointer: '', message: 'is not valid JSON' },
  unreadable: { location: 'body', pointer: '', message: 'could not be read' },
};

/** The answer to a body that was refused. */
export function sendBodyProblem(context: ServerContext, reply: ProblemReply, failure: BodyFailure): void {
  switch (failure) {
    case 'unsupported_media_type':
      context.problems.send(reply, 'unsupported_media_type', 'The request body must be JSON, sent with Content-Type: application/json.');
      return;
    case 'too_large':
      context.problems.send(reply, 'payload_too_large', `The request body is larger than ${context.contract.maxBodyBytes} bytes.`);
      return;
    default:
      sendValidationIssue(context, reply, { ...BODY_ISSUES[failure] });
  }
}
