// Request validation that names every bad field, as DRS's ValidationException fieldList does.
import type { ValidationExceptionField } from '@aws-sdk/client-drs';
import { drsErrors } from './errors';

export type Body = Record<string, unknown>;

export function parseJsonBody(raw: string | undefined): Body {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw drsErrors.validation('Request body is not valid JSON', undefined, 'cannotParse');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw drsErrors.validation('Request body must be a JSON object', undefined, 'cannotParse');
  }
  return parsed as Body;
}

interface ListRules {
  min?: number;
  max: number;
  pattern?: RegExp;
}

/** Reads fields off a request body, collecting every problem before throwing one ValidationException. */
export class RequestReader {
  private readonly problems: ValidationExceptionField[] = [];

  constructor(private readonly body: Body) {}

  requiredString(name: string, pattern?: RegExp): string {
    const value = this.body[name];
    if (typeof value !== 'string' || value === '') {
      this.problem(name, 'is required and must be a non-empty string');
      return '';
    }
    if (pattern && !pattern.test(value)) this.problem(name, `must match ${pattern.source}`);
    return value;
  }

  optionalString(name: string, pattern?: RegExp): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      this.problem(name, 'must be a string');
      return undefined;
    }
    if (pattern && !pattern.test(value)) this.problem(name, `must match ${pattern.source}`);
    return value;
  }

  optionalBoolean(name: string, from: Body = this.body, label = name): boolean | undefined {
    const value = from[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.problem(label, 'must be a boolean');
    return value === true;
  }

  /** An integer of at least `min` and, where the model sets one, at most `max`. */
  optionalInt(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.problem(
        name,
        max === Number.MAX_SAFE_INTEGER
          ? `must be an integer of at least ${min}`
          : `must be an integer between ${min} and ${max}`,
      );
      return undefined;
    }
    return value;
  }

  /** A string inside `from` (default: the body) of `min`–`max` characters matching `pattern`. */
  boundedString(
    name: string,
    rules: { min?: number; max: number; pattern?: RegExp },
    from: Body = this.body,
    label = name,
  ): string | undefined {
    const value = from[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      this.problem(label, 'must be a string');
      return undefined;
    }
    if (value.length < (rules.min ?? 0) || value.length > rules.max) {
      this.problem(label, `must have between ${rules.min ?? 0} and ${rules.max} characters`);
    } else if (rules.pattern && !rules.pattern.test(value))
      this.problem(label, `must match ${rules.pattern.source}`);
    return value;
  }

  optionalObject(name: string): Body | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.problem(name, 'must be an object');
      return undefined;
    }
    return value as Body;
  }

  /** A list of strings at `name` inside `from` (default: the body), checked against `rules`. */
  stringList(name: string, rules: ListRules, from: Body = this.body, label = name): string[] | undefined {
    const value = from[name];
    if (value === undefined || value === null) {
      if (rules.min) this.problem(label, 'is required');
      return undefined;
    }
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      this.problem(label, 'must be a list of strings');
      return undefined;
    }
    this.checkLength(label, value.length, rules);
    if (rules.pattern) {
      value.forEach((v: string, i) => {
        if (!rules.pattern?.test(v)) this.problem(`${label}[${i}]`, `must match ${rules.pattern?.source}`);
      });
    }
    return value as string[];
  }

  /** A list filter of a Describe/List request: strings at `filters.<name>`, reported under that label. */
  filterList(name: string, rules: ListRules, filters: Body): string[] | undefined {
    return this.stringList(name, rules, filters, `filters.${name}`);
  }

  /** A list of objects at `name`, each validated by `item`. */
  objectList<T>(name: string, rules: ListRules, item: (entry: Body, label: string) => T): T[] {
    const value = this.body[name];
    if (!Array.isArray(value)) {
      this.problem(name, rules.min ? 'is required and must be a list' : 'must be a list');
      return [];
    }
    this.checkLength(name, value.length, rules);
    return value.map((entry, i) => {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        this.problem(`${name}[${i}]`, 'must be an object');
        return item({}, `${name}[${i}]`);
      }
      return item(entry as Body, `${name}[${i}]`);
    });
  }

  /** The model's TagsMap: any number of tags, keys and values of 0–256 characters. */
  tags(name = 'tags'): Record<string, string> {
    const value = this.body[name];
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.problem(name, 'must be a map of strings');
      return {};
    }
    for (const [key, v] of Object.entries(value as Body)) {
      if (key.length > 256) this.problem(`${name}.${key}`, 'tag keys have at most 256 characters');
      if (typeof v !== 'string' || v.length > 256)
        this.problem(`${name}.${key}`, 'tag values are strings of up to 256 characters');
    }
    return value as Record<string, string>;
  }

  problem(name: string, message: string): void {
    this.problems.push({ name, message: `${name} ${message}` });
  }

  /** Throws the ValidationException naming every bad field, if any. */
  done(): void {
    if (this.problems.length > 0) {
      throw drsErrors.validation(
        `Invalid request: ${this.problems.map((p) => p.message).join('; ')}`,
        this.problems,
        'fieldValidationFailed',
      );
    }
  }

  private checkLength(name: string, length: number, rules: ListRules): void {
    if (length < (rules.min ?? 0) || length > rules.max) {
      this.problem(name, `must have between ${rules.min ?? 0} and ${rules.max} items`);
    }
  }
}
