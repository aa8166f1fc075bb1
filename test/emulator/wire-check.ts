// Checks what the emulator puts on the wire against the official service model: an SDK middleware
// sees each raw response before the SDK parses it (status, x-amzn-errortype, the exact JSON) and
// fails the call on any difference that emulator/model-differences.json does not list.
import { AssertionError } from 'node:assert';
import type { DrsClient } from '@aws-sdk/client-drs';
import type { MgnClient } from '@aws-sdk/client-mgn';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../common/paths';
import { checkShape, loadServiceModel, type ServiceModel, type ServiceName } from './service-model';

export interface Exchange {
  service: ServiceName;
  operation: string;
  statusCode: number;
  errorType?: string;
  /** The response body as parsed JSON (undefined when empty). */
  body: unknown;
}

export interface ModelDifferences {
  /** Errors an operation answers although the model does not declare them for it. */
  undeclaredErrors: { service: ServiceName; error: string; operations: string[] | '*'; why: string }[];
  /**
   * Request members the emulator refuses in one way the model allows: `rule` says which
   * (`distinct`: a list naming one item twice; `anchored`: text around a value that matches the
   * model's unanchored pattern). `probe` is such a request.
   */
  requestConstraints: {
    service: ServiceName;
    operation: string;
    member: string;
    rule: 'distinct' | 'anchored';
    probe: Record<string, unknown>;
    why: string;
  }[];
}

export const DIFFERENCES_FILE = 'emulator/model-differences.json';

export function modelDifferences(): ModelDifferences {
  return JSON.parse(readFileSync(path.join(repoRoot(), DIFFERENCES_FILE), 'utf8')) as ModelDifferences;
}

function undeclaredErrorAllowed(differences: ModelDifferences, ex: Exchange): boolean {
  return differences.undeclaredErrors.some(
    (d) =>
      d.service === ex.service &&
      d.error === ex.errorType &&
      (d.operations === '*' || d.operations.includes(ex.operation)),
  );
}

/** Every difference between one response and the model (empty = conforms or is listed). */
function checkExchange(model: ServiceModel, differences: ModelDifferences, ex: Exchange): string[] {
  const op = model.operations[ex.operation];
  const where = `${ex.service}:${ex.operation} ${ex.statusCode}`;
  if (!op) return [`${where}: the model has no operation ${ex.operation}`];
  if (ex.statusCode < 300) {
    const expected = op.http.responseCode ?? 200;
    const problems = ex.statusCode === expected ? [] : [`${where}: the model says HTTP ${expected}`];
    if (op.output) problems.push(...checkShape(model, op.output.shape, ex.body ?? {}, op.output.shape));
    else if (ex.body !== undefined && JSON.stringify(ex.body) !== '{}') {
      problems.push(`${where}: the model declares no output, got ${JSON.stringify(ex.body)}`);
    }
    return problems.map((p) => (p.startsWith(where) ? p : `${where}: ${p}`));
  }
  const type = ex.errorType ?? '';
  const errorShape = model.shapes[type];
  if (!errorShape?.exception)
    return [`${where}: ${type || 'no x-amzn-errortype'} is not an error of the model`];
  const problems: string[] = [];
  const declared = (op.errors ?? []).some((e) => e.shape === type);
  if (!declared && !undeclaredErrorAllowed(differences, ex)) {
    problems.push(
      `${where}: ${ex.operation} does not declare ${type} (nor does ${DIFFERENCES_FILE} list it)`,
    );
  }
  if (errorShape.error?.httpStatusCode !== ex.statusCode) {
    problems.push(`${where}: ${type} is HTTP ${errorShape.error?.httpStatusCode} in the model`);
  }
  problems.push(...checkShape(model, type, ex.body ?? {}, type).map((p) => `${where}: ${p}`));
  return problems;
}

async function bytesOf(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * Adds the check to an SDK client: every response is compared with the model before the SDK parses
 * it, and `seen` (if given) receives each exchange. A difference fails the call with an
 * AssertionError, so any test driving the emulator through this client is a conformance test too.
 */
export function checkResponsesAgainstModel(
  client: DrsClient | MgnClient,
  service: ServiceName,
  seen?: (ex: Exchange) => void,
): void {
  const model = loadServiceModel(service);
  const differences = modelDifferences();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      // the raw HTTP response (smithy's HttpResponse), before the deserializer reads it
      const response = result.response as {
        statusCode: number;
        headers: Record<string, string>;
        body: unknown;
      };
      const bytes = await bytesOf(response.body);
      response.body = bytes; // the SDK's deserializer takes a Uint8Array as is
      const text = Buffer.from(bytes).toString('utf8');
      const errorType = response.headers['x-amzn-errortype']?.split(':')[0];
      const ex: Exchange = {
        service,
        operation: (context.commandName ?? '').replace(/Command$/, ''),
        statusCode: response.statusCode,
        ...(errorType ? { errorType } : {}),
        body: text.trim() === '' ? undefined : (JSON.parse(text) as unknown),
      };
      seen?.(ex);
      const problems = checkExchange(model, differences, ex);
      if (problems.length > 0) {
        throw new AssertionError({
          message: `response differs from the ${service} model:\n  ${problems.join('\n  ')}`,
        });
      }
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'checkResponsesAgainstModel' },
  );
}
