// Determinism guard: every recorded drsDrill history (test/histories/drsDrill-*.json, written by
// record-drill-histories.ts) must replay against today's workflow code without a nondeterminism
// error. A change that reorders commands (activities, timers, search attribute upserts) fails here.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from '@temporalio/worker';
import { repoRoot } from '../../common/paths';
import { historyFromFile } from './history-files';

const historiesDir = path.join(repoRoot(), 'test', 'histories');

function* drillHistories() {
  const files = readdirSync(historiesDir).filter((f) => /^drsDrill-.*\.json$/.test(f));
  for (const file of files.sort()) {
    yield {
      workflowId: file,
      history: historyFromFile(readFileSync(path.join(historiesDir, file), 'utf8')),
    };
  }
}

describe('drsDrill replay over recorded histories', function () {
  this.timeout(120_000);

  it('replays every recorded history deterministically', async () => {
    const results = Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../workflows') },
      drillHistories(),
    );
    const replayed: string[] = [];
    for await (const result of results) {
      assert.ifError(result.error);
      replayed.push(result.workflowId);
    }
    assert.ok(replayed.length >= 8, `replayed ${replayed.length} histories: ${replayed.join(', ')}`);
  });
});
