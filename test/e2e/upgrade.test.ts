// Shipping changed workflow code while runs are in flight (docs/deployment.md) on the dev server:
// the procedure of upgrade-procedure.ts (test/survival runs it on the production-shaped stack).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { devServerEnv } from '../helpers/temporal';
import { upgradeProcedureTests } from './upgrade-procedure';

describe('upgrading the worker while a drill is in flight (Worker Versioning + patched())', function () {
  this.timeout(300_000);
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;

  before(async () => {
    env = await devServerEnv();
    emulator = await startEmulator({ timeScale: 0.1, quiet: true });
  });

  upgradeProcedureTests(() => ({
    client: env.client,
    temporalEnv: { TEMPORAL_ADDRESS: env.address },
    emulatorUrl: emulator.url,
    emulator: emulator.control,
  }));

  // after the procedure's own `after`, which stops its workers
  after(async () => {
    await emulator?.close();
  });
});
