// maxResults / nextToken. Tokens are cursors on each record's creation sequence, so a listing stays
// consistent while new jobs or servers appear between pages.
import { drsErrors } from './errors';

interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** `items` must already be in listing order (ascending or descending `seq`). */
export function paginate<T extends { seq: number }>(
  items: readonly T[],
  order: 'asc' | 'desc',
  maxResults: number | undefined,
  nextToken: string | undefined,
  defaultPageSize: number,
): Page<T> {
  // an empty token (the model allows length 0) starts from the beginning, like an absent one
  const after = nextToken === undefined || nextToken === '' ? undefined : decodeToken(nextToken);
  const remaining =
    after === undefined ? items : items.filter((i) => (order === 'asc' ? i.seq > after : i.seq < after));
  const size = maxResults ?? defaultPageSize;
  const page = remaining.slice(0, size);
  const more = remaining.length > size;
  return { items: page, ...(more ? { nextToken: encodeToken(page[page.length - 1].seq) } : {}) };
}

function encodeToken(seq: number): string {
  return Buffer.from(`drs-emulator:${seq}`).toString('base64url');
}

function decodeToken(token: string): number {
  const match = /^drs-emulator:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (!match || token.length > 2048) {
    throw drsErrors.validation('Invalid nextToken', [
      { name: 'nextToken', message: 'nextToken is not valid' },
    ]);
  }
  return Number(match[1]);
}
