import type { FastifyReply, FastifyRequest } from 'fastify';
import { actOnReport, type LeakedKeyMatch } from './leaked-keys.ts';
import { JSON_CONTENT_TYPE } from './problems.ts';
import type { ReporterKeyRing } from './reporter-keys.ts';
import { compileRequestValidator, validationDetail } from './request-validation.ts';
import type { SchemaCompiler } from './schema-compiler.ts';
import type { ServerContext } from './server-context.ts';
import type { Operation } from './spec.ts';

// The one operation without an API key (security: []): reportLeakedKeys, authenticated by the
// reporter's signature over the raw body. The order matters: the signature is checked on the
// bytes as received before anything is parsed, so an unsigned or altered report is refused
// (401) whatever it holds, and nothing is looked up or changed for it.

/** The lower-case name of a header parameter component of the spec (the reporter's two headers). */
function headerParameterName(context: ServerContext, component: string): string {
  const name = context.contract.document.components?.parameters?.[component]?.name;
  if (typeof name !== 'string') throw new Error(`the spec has no ${component} parameter`);
  return name.toLowerCase();
}

export function createReportRoute(context: ServerContext, compiler: SchemaCompiler, operation: Operation, reporters: ReporterKeyRing) {
  const validate = compileRequestValidator(context.contract, compiler, operation);
  const challenge = context.contract.challenges.reportSignature;
  const identifierHeader = headerParameterName(context, 'ReporterKeyIdentifierHeader');
  const signatureHeader = headerParameterName(context, 'ReporterSignatureHeader');
  const { problems, clock } = context;

  const refuse = (reply: FastifyReply, detail: string) => {
    reply.header('www-authenticate', challenge);
    problems.send(reply, 'invalid_report_signature', detail);
  };

  return function handleReport(request: FastifyRequest, reply: FastifyReply): void {
    const identifier = request.headers[identifierHeader];
    const signature = request.headers[signatureHeader];
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (typeof identifier !== 'string' || typeof signature !== 'string' || identifier === '' || signature === '') {
      refuse(reply, 'A report must carry both Github-Public-Key-Identifier and Github-Public-Key-Signature, once each.');
      return;
    }
    const check = reporters.check(identifier, signature, raw);
    if (check === 'unknown-key') {
      refuse(reply, 'The key identifier is not one of the reporter keys this deployment trusts.');
      return;
    }
    if (check === 'bad-signature') {
      refuse(reply, 'The signature does not match the body as received.');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      problems.send(reply, 'validation_failed', 'The body is not JSON.', {
        errors: [{ location: 'body', pointer: '', message: 'is not valid JSON' }],
      });
      return;
    }
    const validation = validate({ params: {}, query: request.query, headers: request.headers, body });
    if (!validation.ok) {
      problems.send(reply, 'validation_failed', validationDetail(validation.issues, context.contract.validationIssueLimits), { errors: validation.issues });
      return;
    }
    const labels = actOnReport(validation.value.body as LeakedKeyMatch[], clock.now(), context);
    reply.code(200).header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify(labels));
  };
}
