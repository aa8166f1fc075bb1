// drsctl drill/recovery --at-or-before: sets pointInTime, and bad values name the field and the flag.
import { strict as assert } from 'node:assert';
import { BadInputError } from '../../client/errors';
import { buildInput, type FlagValues } from '../../client/input';
import { drillOperation, recoveryOperation, type InputFlag, type Operation } from '../../client/operations';

const A = 's-aaaaaaaaaaaaaaaaa';

function flags(operation: Operation, atOrBefore: string): FlagValues {
  const flagOf = (name: string) => operation.flags.find((f) => f.flags.startsWith(name)) as InputFlag;
  return new Map<InputFlag, unknown>([
    [flagOf('--source-server'), [A]],
    [flagOf('--at-or-before'), atOrBefore],
  ]);
}

describe('drsctl --at-or-before', () => {
  for (const operation of [drillOperation, recoveryOperation]) {
    it(`${operation.name}: sets pointInTime.atOrBefore; a bad time names the field and the flag`, () => {
      const { input } = buildInput(operation, { flags: flags(operation, '2026-01-31T22:00:00Z'), env: {} });
      assert.deepEqual(input.pointInTime, { atOrBefore: '2026-01-31T22:00:00Z' });
      assert.throws(
        () => buildInput(operation, { flags: flags(operation, 'yesterday'), env: {} }),
        (err: Error) =>
          err instanceof BadInputError &&
          /pointInTime\.atOrBefore \(--at-or-before\): must be an ISO-8601 UTC time/.test(err.message),
      );
    });
  }
});
