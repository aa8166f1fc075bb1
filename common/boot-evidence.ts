// Pure rules of boot evidence, shared by the activities (which read EC2, SSM and DRS) and the
// workflows (which decide a server's verdict): output excerpts, a guest check's verdict, and which
// launch-action runs fail a server. Deterministic, safe in workflow code.
import type { LaunchActionRunRecord, OutputExcerpt } from './types';

/** The reason a server's boot evidence carries while it is being gathered (and after an abort stopped it). */
export const UNFINISHED_BOOT = 'the run ended before its checks did';

/** Report excerpts stay small: they go into history and into every report format. */
const EXCERPT_LIMITS = { firstLines: 5, lastLines: 20, lineChars: 200 } as const;
/** A console is read for its end: the kernel panic or the last service that failed. */
export const CONSOLE_LIMITS = { firstLines: 0, lastLines: 30, lineChars: 200 } as const;

/** The first and last lines of `text` (each cut to `lineChars`), and how many were left out. */
export function excerptOf(
  text: string,
  limits: { firstLines: number; lastLines: number; lineChars: number } = EXCERPT_LIMITS,
): OutputExcerpt {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  if (text.trim() === '') return { first: [], last: [], omittedLines: 0 };
  const cut = (line: string) =>
    line.length > limits.lineChars ? `${line.slice(0, limits.lineChars)}…` : line;
  if (lines.length <= limits.firstLines + limits.lastLines)
    return { first: lines.map(cut), last: [], omittedLines: 0 };
  return {
    first: lines.slice(0, limits.firstLines).map(cut),
    last: lines.slice(lines.length - limits.lastLines).map(cut),
    omittedLines: lines.length - limits.firstLines - limits.lastLines,
  };
}

/** The excerpt as text, with the gap marked. */
export function excerptText(excerpt: OutputExcerpt): string {
  const gap = excerpt.omittedLines > 0 ? [`… ${excerpt.omittedLines} line(s) left out …`] : [];
  return [...excerpt.first, ...gap, ...excerpt.last].join('\n');
}

/**
 * Whether a finished command passed: its exit code is the expected one and, with a pattern, its
 * standard output matches. SSM reports a non-zero exit as Failed, so the status decides only when
 * there is no exit code (timed out, cancelled, undeliverable).
 */
export function guestCheckVerdict(
  answer: { status: string; exitCode?: number; stdout: string },
  expected: { expectedExitCode: number; outputPattern?: string },
): { passed: boolean; why?: string } {
  if (answer.exitCode === undefined || answer.exitCode < 0)
    return { passed: false, why: `the command ended ${answer.status} without an exit code` };
  if (answer.exitCode !== expected.expectedExitCode)
    return { passed: false, why: `exit code ${answer.exitCode}, expected ${expected.expectedExitCode}` };
  if (expected.outputPattern !== undefined && !new RegExp(expected.outputPattern).test(answer.stdout))
    return { passed: false, why: `the output does not match /${expected.outputPattern}/` };
  return { passed: true };
}

/** The first failed run of a launch action that is not optional: it fails the server's validation. */
export function failedLaunchAction(runs: LaunchActionRunRecord[]): LaunchActionRunRecord | undefined {
  return runs.find((r) => r.status === 'FAILED' && !r.optional);
}
