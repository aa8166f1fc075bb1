// Every value put into the HTML evidence report goes through here: report fields come from inputs,
// tags and DRS messages, so none is trusted as markup.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** A value as text: primitives as themselves, objects as JSON, nothing as empty. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return value.toString();
  // objects as JSON; undefined, null, functions and symbols as nothing
  return (value === null ? undefined : JSON.stringify(value)) ?? '';
}

export function escapeHtml(value: unknown): string {
  return textOf(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
