// Duration flags (`--every 7d`, `--grace 30m`, `--timeout 90s`), shared by every drsctl command.
import { msToNumber, type Duration } from '@temporalio/common/lib/time';
import { BadInputError } from './errors';

/**
 * A duration flag → milliseconds. Each part is a duration string of the Temporal SDK (its `ms`
 * format: `90s`, `30m`, `12h`, `7d`, `500ms`); parts may be written together (`1h30m`, `1d12h`).
 * A bare number is refused: `ms` would read it as milliseconds. BadInputError names the flag.
 */
export function parseDuration(text: string, flag: string): number {
  const bad = new BadInputError(`${flag}: "${text}" is not a duration such as 7d, 12h, 1h30m, 90s`);
  const parts = text.trim().match(/\d+(?:\.\d+)?[a-z]+/gi) ?? [];
  if (parts.length === 0 || parts.join('') !== text.trim()) throw bad;
  let ms = 0;
  for (const part of parts) {
    try {
      ms += msToNumber(part as Duration);
    } catch {
      throw bad;
    }
  }
  if (ms <= 0) throw new BadInputError(`${flag}: must be longer than 0`);
  return ms;
}
