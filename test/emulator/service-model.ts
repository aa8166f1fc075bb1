// The official DRS, MGN, EC2 and SSM service models (botocore's JSON, installed by scripts/install-tools.sh)
// and a checker of JSON values against their shapes: members, required members, types, enums,
// patterns, lengths and ranges, as the model's constraint traits define them.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { toolsDir } from '../../common/paths';

export type ServiceName = 'drs' | 'mgn';
/** Every model the emulator is checked against: DRS and MGN (restJson1), EC2 (ec2 query), SSM (JSON 1.1). */
type ModelName = ServiceName | 'ec2' | 'ssm' | 'cloudformation';

export interface Shape {
  type: string;
  members?: Record<string, { shape: string; location?: string; locationName?: string }>;
  fault?: boolean;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  pattern?: string;
  min?: number;
  max?: number;
  error?: { httpStatusCode: number };
  exception?: boolean;
  timestampFormat?: string;
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string };
  errors?: { shape: string }[];
}

export interface ServiceModel {
  metadata: { apiVersion: string; signingName: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

const API_VERSIONS: Record<ModelName, string> = {
  drs: '2020-02-26',
  mgn: '2020-02-26',
  ec2: '2016-11-15',
  ssm: '2014-11-06',
  cloudformation: '2010-05-15',
};
const cache = new Map<string, ServiceModel>();

export function modelFile(service: ModelName): string {
  return path.join(toolsDir(), 'service-models', service, API_VERSIONS[service], 'service-2.json.gz');
}

/** The installed model; a missing one is an error naming the install step, never a skip. */
export function loadServiceModel(service: ModelName): ServiceModel {
  const file = modelFile(service);
  const cached = cache.get(file);
  if (cached) return cached;
  if (!existsSync(file)) {
    throw new Error(
      `the ${service.toUpperCase()} service model ${file} is missing: run 'bash scripts/install-tools.sh' (it installs the pinned botocore models into .tools/)`,
    );
  }
  const model = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as ServiceModel;
  cache.set(file, model);
  return model;
}

const patterns = new Map<string, RegExp>();

/** Smithy patterns are ECMA-262 and not implicitly anchored: a match anywhere satisfies them. */
function patternOf(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    try {
      re = new RegExp(source, 'u');
    } catch {
      // some models (SSM's StringDateTime) escape characters that only non-unicode mode allows
      re = new RegExp(source);
    }
    patterns.set(source, re);
  }
  return re;
}

/** Members sent in the JSON body (not bound to the URI, query string or headers). */
function bodyMembers(shape: Shape): [string, string][] {
  return Object.entries(shape.members ?? {})
    .filter(([, m]) => !m.location)
    .map(([name, m]) => [name, m.shape]);
}

/**
 * How a request is judged: its URI, query and header members count too, and unknown members are
 * ignored (DRS ignores them, see emulator/README.md); a response may hold modelled members only.
 */
interface CheckOptions {
  request?: boolean;
}

/** Every way `value` breaks shape `shapeName`, as `path: problem` strings (empty = conforms). */
export function checkShape(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  at = '$',
  options: CheckOptions = {},
): string[] {
  const shape = model.shapes[shapeName];
  if (!shape) return [`${at}: shape ${shapeName} is not in the model`];
  const problems: string[] = [];
  const bad = (message: string) => problems.push(`${at}: ${message} (${shapeName})`);
  const length = (n: number, what: string) => {
    if (shape.min !== undefined && n < shape.min) bad(`${what} ${n} is below the minimum ${shape.min}`);
    if (shape.max !== undefined && n > shape.max) bad(`${what} ${n} is above the maximum ${shape.max}`);
  };
  switch (shape.type) {
    case 'structure': {
      if (!isObject(value)) return [`${at}: expected an object (${shapeName})`];
      const members = new Map(
        options.request
          ? Object.entries(shape.members ?? {}).map(([name, m]) => [name, m.shape] as [string, string])
          : bodyMembers(shape),
      );
      for (const name of shape.required ?? []) {
        if (members.has(name) && (value[name] === undefined || value[name] === null)) {
          bad(`required member ${name} is missing`);
        }
      }
      for (const [name, member] of Object.entries(value)) {
        const memberShape = members.get(name);
        if (!memberShape) {
          if (!options.request) bad(`member ${name} is not in the model`);
        } else if (member !== null) {
          problems.push(...checkShape(model, memberShape, member, `${at}.${name}`, options));
        }
      }
      return problems;
    }
    case 'list': {
      if (!Array.isArray(value)) return [`${at}: expected a list (${shapeName})`];
      length(value.length, 'list length');
      value.forEach((item, i) =>
        problems.push(...checkShape(model, shape.member?.shape ?? '', item, `${at}[${i}]`, options)),
      );
      return problems;
    }
    case 'map': {
      if (!isObject(value)) return [`${at}: expected a map (${shapeName})`];
      length(Object.keys(value).length, 'map size');
      for (const [key, item] of Object.entries(value)) {
        problems.push(...checkShape(model, shape.key?.shape ?? '', key, `${at}{key}`, options));
        problems.push(...checkShape(model, shape.value?.shape ?? '', item, `${at}.${key}`, options));
      }
      return problems;
    }
    case 'string': {
      if (typeof value !== 'string') return [`${at}: expected a string (${shapeName})`];
      length([...value].length, 'string length');
      if (shape.enum && !shape.enum.includes(value)) bad(`${JSON.stringify(value)} is not one of the enum`);
      if (shape.pattern && !patternOf(shape.pattern).test(value)) {
        bad(`${JSON.stringify(value)} does not match /${shape.pattern}/`);
      }
      return problems;
    }
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value))
        return [`${at}: expected an integer (${shapeName})`];
      length(value, 'value');
      return problems;
    case 'float':
    case 'double':
      if (typeof value !== 'number') return [`${at}: expected a number (${shapeName})`];
      length(value, 'value');
      return problems;
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: expected a boolean (${shapeName})`];
    case 'timestamp':
      // JSON bodies carry timestamps as epoch seconds (EC2's XML is converted so, see ec2-xml.ts),
      // unless the shape's timestampFormat says iso8601 (DRS's RecoveryLifeCycle.apiCallDateTime)
      if (shape.timestampFormat === 'iso8601') {
        return typeof value === 'string' && !Number.isNaN(Date.parse(value)) && /Z$/.test(value)
          ? []
          : [`${at}: expected an ISO-8601 UTC date-time (${shapeName})`];
      }
      return typeof value === 'number' ? [] : [`${at}: expected epoch seconds (${shapeName})`];
    case 'blob':
      return typeof value === 'string' ? [] : [`${at}: expected base64 text (${shapeName})`];
    default:
      return [];
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
