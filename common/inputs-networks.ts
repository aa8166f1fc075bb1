// Input of a plan's network step (`network` in a drsPlan input): the DRS source networks to recover
// before the waves. Whether each one exists is DRS's to say: the step asks DescribeSourceNetworks
// before any recovery and refuses the plan naming the field (workflows/plan-network.ts).
import { z } from 'zod';
import { DAY, secondsUpTo } from './inputs';

/** DRS's SourceNetworkID: sn- and 17 letters or digits. */
const sourceNetworkIdSchema = z
  .string()
  .regex(/^sn-[0-9a-zA-Z]{17}$/, 'must be a DRS source network id (sn- and 17 letters or digits)');

export const planNetworkSchema = z.strictObject({
  /**
   * 1-100 networks: StartSourceNetworkRecovery takes at most 100 in one job. Unset: the networks
   * protecting the plan's servers (each server's sourceNetworkID in DescribeSourceServers).
   */
  sourceNetworkIds: z
    .array(sourceNetworkIdSchema)
    .min(1, 'must not be empty')
    .max(100)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a network')
    .optional(),
  /** A drill's stacks are deleted at cleanup unless this is true. */
  keepStacks: z.boolean().default(false),
  /** How long the network recovery job may take (DRS deploys a stack in minutes). */
  timeoutSeconds: secondsUpTo(DAY)
    .min(60)
    .default(2 * 60 * 60),
});

export type PlanNetwork = z.output<typeof planNetworkSchema>;
