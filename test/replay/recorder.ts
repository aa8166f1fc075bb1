// Shared by the history recorders: runs scenarios on the drill harness (time-skipping server +
// emulator + real worker), each to its end, and writes test/histories/<file>.json.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { ActivityDeps } from '../../activities';
import { repoRoot } from '../../common/paths';
import { startDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { historyToFile } from './history-files';

interface Recording {
  /** Matched against the recorder's command-line arguments. */
  name: string;
  /** File name under test/histories/ (the replay test replays each under its name). */
  file: string;
  run(h: DrillHarness): Promise<WorkflowHandle>;
}

/**
 * Records every scenario, or only those named as arguments (the other files stay as they are).
 * `deps`: activity dependencies of the harness's worker (e.g. visibility the test server lacks).
 */
async function record(recordings: Recording[], deps: Partial<ActivityDeps> = {}): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const only = process.argv.slice(2);
  const h = await startDrillHarness(deps);
  try {
    for (const recording of recordings) {
      if (only.length > 0 && !only.includes(recording.name)) continue;
      await h.emulator.control.reset();
      await h.syncClock();
      const handle = await recording.run(h);
      // a workflow that fails (bad input, refusal, cancellation) is a history worth keeping too
      await h.result(handle).catch((err) => {
        if (!(err instanceof WorkflowFailedError)) throw err;
      });
      const history = await handle.fetchHistory();
      const file = path.join(repoRoot(), 'test', 'histories', recording.file);
      writeFileSync(file, historyToFile(history));
      console.log(`${file}: ${history.events?.length} events`);
    }
  } finally {
    await h.close();
  }
}

export function main(recordings: Recording[], deps: Partial<ActivityDeps> = {}): void {
  record(recordings, deps).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
