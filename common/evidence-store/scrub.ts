// Evidence is kept for years and read by auditors: it must never carry a credential or a webhook
// URL. Reports are built from workflow state and should hold none, but inputs are untrusted (a
// health check's path, a note) and job logs are DRS's text, so every value is scrubbed on its way
// into the store: the configured secrets by value, and anything shaped like one by pattern.

export const REDACTED = '[redacted]';

/** Field names whose values are secrets whatever they hold. */
const SECRET_FIELD =
  /secret|password|passwd|token|credential|authorization|api[-_]?key|webhook|private[-_]?key/i;

const PATTERNS: RegExp[] = [
  // an AWS access key id
  /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b/g,
  // a secret access key after its name
  /(aws_?secret_?access_?key|secretAccessKey)["'=:\s]+[A-Za-z0-9/+=]{40}/gi,
  // webhook URLs: Slack's, and any URL whose path says hook
  /https?:\/\/hooks\.slack\.com\/[^\s"'<>]*/gi,
  /https?:\/\/[^\s"'<>]*hook[^\s"'<>]*/gi,
  // a URL's user:password@
  /(?<=[a-z][a-z0-9+.-]*:\/\/)[^/\s"'<>@]+:[^/\s"'<>@]+@/gi,
  // bearer tokens and PEM keys
  /\bBearer\s+[A-Za-z0-9._~+/-]+=*/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

/** `text` with every known secret and every secret-shaped string replaced. */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  for (const pattern of PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

/** A deep copy of `value` with secret fields and secret-shaped strings replaced. */
export function scrubValue<T>(value: T, secrets: readonly string[] = []): T {
  const walk = (v: unknown, field?: string): unknown => {
    if (field !== undefined && SECRET_FIELD.test(field) && v !== undefined && v !== null && v !== '')
      return REDACTED;
    if (typeof v === 'string') return scrubText(v, secrets);
    if (Array.isArray(v)) return v.map((item) => walk(item));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]));
    return v;
  };
  return walk(value) as T;
}
