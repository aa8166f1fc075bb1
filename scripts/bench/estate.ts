// The estate as DRS spreads it (scripts/bench/scale.ts): servers replicate into several staging
// accounts and are extended into one recovery account, where the plan recovers them, one wave per
// staging account (`stagingAccountIds`). Seeding goes through the emulator's control API for the
// staging servers and through the real DRS calls for the extension (ListExtensibleSourceServers,
// CreateExtendedSourceServer), as drsExtend or the console would do it.
import {
  CreateExtendedSourceServerCommand,
  DrsClient,
  paginateListExtensibleSourceServers,
} from '@aws-sdk/client-drs';
import { DEFAULT_ACCOUNT, STAGING_ACCOUNT, emulatorClientConfig, type RunningEmulator } from '../../emulator';

/** Staging accounts of the benchmark, the emulator's own staging account first. */
const STAGING_ACCOUNTS = [STAGING_ACCOUNT, '222233334444', '555566667777', '888899990000'];

/** Extensions in flight at once (the seeding is not measured; this keeps it to seconds). */
const CONCURRENCY = 16;

/**
 * Adds `perAccount` CONTINUOUS servers to each of `accounts` staging accounts and extends every one
 * into the emulator's default account (the recovery account); returns the staging account ids.
 */
export async function seedExtendedEstate(
  emulator: RunningEmulator,
  region: string,
  accounts: number,
  perAccount: number,
): Promise<string[]> {
  if (accounts > STAGING_ACCOUNTS.length)
    throw new Error(`at most ${STAGING_ACCOUNTS.length} staging accounts in the benchmark`);
  const staging = STAGING_ACCOUNTS.slice(0, accounts);
  const recovery = new DrsClient(emulatorClientConfig(emulator.url, { region, accountId: DEFAULT_ACCOUNT }));
  try {
    for (const accountId of staging) {
      await emulator.control.addServers({ count: perAccount, accountId, region });
      const arns: string[] = [];
      for await (const page of paginateListExtensibleSourceServers(
        { client: recovery },
        { stagingAccountID: accountId },
      ))
        arns.push(...(page.items ?? []).map((s) => s.arn ?? ''));
      for (let i = 0; i < arns.length; i += CONCURRENCY)
        await Promise.all(
          arns
            .slice(i, i + CONCURRENCY)
            .map((sourceServerArn) =>
              recovery.send(new CreateExtendedSourceServerCommand({ sourceServerArn, tags: {} })),
            ),
        );
    }
  } finally {
    recovery.destroy();
  }
  return staging;
}
