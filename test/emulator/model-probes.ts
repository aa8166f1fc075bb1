// Request probes generated from the model: for every member of an operation's input, values just
// inside and just outside its constraints (type, length, range, enum, pattern, list and map sizes).
// The model decides whether each probe is valid; the emulator must agree. Probes go over raw HTTP
// (the SDK would refuse to send wrong types), built from the operation's restJson1 route.
import { checkShape, type ServiceModel, type ServiceName, type Shape } from './service-model';

export interface Probe {
  /** Where the value was put, e.g. `filters.sourceServerIDs`. */
  member: string;
  input: Record<string, unknown>;
}

interface RawRequest {
  method: string;
  path: string;
  body?: string;
}

const MAX_GENERATED_LENGTH = 70_000;

function sample(model: ServiceModel, shapeName: string): unknown {
  const shape = model.shapes[shapeName];
  switch (shape?.type) {
    case 'string':
      return shape.enum?.[0] ?? 'x'.repeat(Math.max(shape.min ?? 1, 1));
    case 'integer':
    case 'long':
      return shape.min ?? 1;
    case 'boolean':
      return true;
    case 'list':
      return [];
    default:
      return {};
  }
}

/** Values around `shape`'s constraints; `base` is the valid value the probe replaces, if any. */
function valuesFor(
  model: ServiceModel,
  shapeName: string,
  shape: Shape,
  base: unknown,
  inQuery: boolean,
): unknown[] {
  const { min, max } = shape;
  const values: unknown[] = [];
  const typeProbe = (v: unknown) => {
    if (!inQuery) values.push(v); // a query string carries text only
  };
  switch (shape.type) {
    case 'string': {
      if (shapeName === 'PaginationToken') return ['', 'x'.repeat(2049), ...(inQuery ? [] : [42])];
      typeProbe(42);
      if (min) values.push('x'.repeat(min - 1));
      if (max !== undefined && max < MAX_GENERATED_LENGTH) values.push('x'.repeat(max + 1));
      if (shape.pattern) values.push('!'.repeat(Math.min(Math.max(min ?? 1, 1), max ?? 64)));
      if (shape.enum) values.push('NOT_A_MODEL_VALUE', ...shape.enum.slice(0, 1));
      if (typeof base === 'string') values.push(`${base}x`, ` ${base}`);
      return values;
    }
    case 'integer':
    case 'long':
      typeProbe('5');
      values.push(1.5, 0, -1, 1_000_000);
      if (min !== undefined) values.push(min - 1, min);
      if (max !== undefined) values.push(max, max + 1);
      return values;
    case 'boolean':
      typeProbe('true');
      return values;
    case 'list': {
      typeProbe('x');
      const item =
        Array.isArray(base) && base.length > 0 ? base[0] : sample(model, shape.member?.shape ?? '');
      const sizes = [min ? min - 1 : undefined, max, max === undefined ? 1001 : max + 1];
      for (const size of sizes) {
        if (size !== undefined && !(inQuery && size === 0))
          values.push(Array.from({ length: size }, () => item));
      }
      return values;
    }
    case 'map': {
      typeProbe('x');
      values.push(
        { '': 'v' },
        { 'aws:reserved': 'v' },
        Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])),
        { ['k'.repeat(257)]: 'v' },
        { k: 'v'.repeat(257) },
        { k: 5 },
      );
      return values;
    }
    case 'structure':
      typeProbe('x');
      values.push({ ...(isRecord(base) ? base : {}), notAModelMember: 1 });
      return values;
    default:
      return values;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function withValue(input: Record<string, unknown>, pathParts: (string | number)[], value: unknown) {
  const copy = structuredClone(input);
  let node: Record<string | number, unknown> = copy;
  for (const part of pathParts.slice(0, -1)) {
    if (!isRecord(node[part]) && !Array.isArray(node[part])) node[part] = {};
    node = node[part] as Record<string | number, unknown>;
  }
  node[pathParts[pathParts.length - 1]] = value;
  return copy;
}

/** Probes for every member reachable from `baseline` (nested structures, first list item). */
export function probesFor(
  model: ServiceModel,
  operation: string,
  baseline: Record<string, unknown>,
): Probe[] {
  const inputShape = model.operations[operation].input?.shape;
  if (!inputShape) return [];
  const probes: Probe[] = [];
  const walk = (shapeName: string, base: unknown, pathParts: (string | number)[], inQuery: boolean) => {
    const shape = model.shapes[shapeName];
    if (pathParts.length > 0) {
      for (const value of valuesFor(model, shapeName, shape, base, inQuery)) {
        probes.push({ member: pathParts.join('.'), input: withValue(baseline, pathParts, value) });
      }
    }
    if (shape.type === 'structure' && pathParts.length < 3) {
      for (const [name, m] of Object.entries(shape.members ?? {})) {
        if (m.location === 'header') continue;
        const memberBase = isRecord(base) ? base[name] : undefined;
        walk(
          m.shape,
          memberBase,
          [...pathParts, name],
          inQuery || m.location === 'querystring' || m.location === 'uri',
        );
      }
    } else if (shape.type === 'list' && Array.isArray(base) && base.length > 0) {
      const memberShape = model.shapes[shape.member?.shape ?? ''];
      if (memberShape?.type === 'structure')
        walk(shape.member?.shape ?? '', base[0], [...pathParts, 0], inQuery);
    }
  };
  walk(inputShape, baseline, [], false);
  return probes;
}

/** Whether the model accepts `input` for `operation`. */
export function modelAccepts(
  model: ServiceModel,
  operation: string,
  input: Record<string, unknown>,
): boolean {
  const shape = model.operations[operation].input?.shape;
  return !shape || checkShape(model, shape, input, '$', { request: true }).length === 0;
}

/** The restJson1 request for `input`: URI and query members bound as the model says, the rest as JSON. */
export function rawRequest(
  model: ServiceModel,
  operation: string,
  input: Record<string, unknown>,
): RawRequest {
  const op = model.operations[operation];
  const members = model.shapes[op.input?.shape ?? '']?.members ?? {};
  let path = op.http.requestUri;
  const query = new URLSearchParams();
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    const m = members[name];
    if (m?.location === 'uri')
      path = path.replace(`{${m.locationName ?? name}}`, encodeURIComponent(String(value)));
    else if (m?.location === 'querystring') {
      for (const v of Array.isArray(value) ? value : [value]) query.append(m.locationName ?? name, String(v));
    } else body[name] = value;
  }
  const search = query.toString();
  const withBody = op.http.method === 'POST' || op.http.method === 'PUT';
  return {
    method: op.http.method,
    path: `${path}${search ? `?${search}` : ''}`,
    ...(withBody ? { body: JSON.stringify(body) } : {}),
  };
}

/** SigV4-shaped headers: the emulator reads service, region and account off the credential scope. */
export function rawHeaders(
  service: ServiceName,
  accountId: string,
  region = 'us-east-1',
): Record<string, string> {
  return {
    'content-type': 'application/json',
    authorization: `AWS4-HMAC-SHA256 Credential=AKIA${accountId}EMU/20240601/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
  };
}
