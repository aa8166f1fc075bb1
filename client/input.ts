// Builds a workflow input from `--input file.json|yaml` and flags (flags win), fills defaults from
// the environment, and validates it with the workflow's own schema before anything is started.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, parse as parseYaml, type Node } from 'yaml';
import { InvalidInputError } from '../common/inputs';
import { BadInputError } from './errors';
import type { InputFlag, Operation } from './operations';

type Input = Record<string, unknown>;

/** Reads a JSON or YAML object (by extension; YAML is a superset of JSON, so unknown = YAML). */
function readInputFile(path: string): Input {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BadInputError(
      `--input: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  let value: unknown;
  try {
    value =
      extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text, { uniqueKeys: false });
  } catch (err) {
    throw new BadInputError(
      `--input: ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    );
  }
  const duplicate = duplicateKey(text);
  if (duplicate)
    throw new BadInputError(
      `--input: ${path}: key "${duplicate}" appears twice; each key may appear once (otherwise one value is silently dropped)`,
    );
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadInputError(
      `--input: ${path} must hold one object (the workflow input), not ${Array.isArray(value) ? 'a list' : typeof value}`,
    );
  }
  return value as Input;
}

/**
 * The first key that appears twice in one object of `text` (JSON or YAML), as a path
 * (`waves.1.pauseBefore`). JSON.parse keeps the last silently, which can drop a gate.
 */
function duplicateKey(text: string): string | undefined {
  const walk = (node: Node | null | undefined, path: string[]): string | undefined => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
        if (seen.has(key)) return [...path, key].join('.');
        seen.add(key);
        const inner = walk(pair.value as Node | null, [...path, key]);
        if (inner) return inner;
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) {
        const inner = walk(item as Node | null, [...path, String(i)]);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  return walk(parseDocument(text, { uniqueKeys: false }).contents, []);
}

/** Values given on the command line, keyed by the flag that carried them. */
export type FlagValues = Map<InputFlag, unknown>;

interface BuiltInput {
  /** What is sent to the workflow (it validates again, so defaults stay the workflow's). */
  input: Input;
  /** The validated plan, defaults filled in. */
  plan: unknown;
}

export function buildInput(
  operation: Operation,
  options: { inputFile?: string; flags: FlagValues; env?: NodeJS.ProcessEnv },
): BuiltInput {
  const input: Input = {
    ...operation.environmentDefaults(options.env ?? process.env),
    ...(options.inputFile ? readInputFile(options.inputFile) : {}),
  };
  for (const [flag, value] of options.flags) flag.apply(input, value);
  try {
    return { input, plan: operation.validate(input) };
  } catch (err) {
    if (err instanceof InvalidInputError) {
      throw new BadInputError(
        `invalid ${operation.name} input: ${withFlagNames(operation, err.problems).join('; ')}`,
      );
    }
    throw err;
  }
}

/** `sourceServerIds.0: …` → `sourceServerIds.0 (--source-server): …`, so both spellings are named. */
function withFlagNames(operation: Operation, problems: string[]): string[] {
  return problems.map((problem) => {
    const at = problem.indexOf(':');
    const path = problem.slice(0, Math.max(at, 0));
    // the flag of the field itself or of a field holding it (`--source-server` for sourceServerIds.0)
    const flag = operation.flags.find((f) => path === f.field || path.startsWith(`${f.field}.`));
    if (!flag) return problem;
    return `${path} (${flag.flags.split(' ')[0]})${problem.slice(at)}`;
  });
}
