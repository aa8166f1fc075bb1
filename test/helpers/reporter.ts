// Mocha's spec reporter plus the plain closing line CI reads: "N passed, N failed[, N skipped]".
// The counts come from mocha's own runner stats, so a run that executed nothing says "0 passed".
import { mkdirSync, writeFileSync } from 'node:fs';
import Mocha from 'mocha';

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      const skipped = s.pending ? `, ${s.pending} skipped` : '';
      const line = `${s.passes} passed, ${s.failures} failed${skipped}`;
      // .ci/run prints it again as its very last line, clear of any stderr noise
      mkdirSync('test-artifacts', { recursive: true });
      writeFileSync('test-artifacts/summary.txt', `${line}\n`);
      process.nextTick(() => console.log(`\n${line}`));
    });
  }
}

export = SpecWithSummary;
