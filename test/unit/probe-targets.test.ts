// The probe rule (activities/probe-targets.ts): which addresses health checks and plan checks may
// reach. Pure: these addresses are only classified, never connected to.
import { strict as assert } from 'node:assert';
import {
  checkedAddresses,
  cidrProblem,
  OWN_INSTANCES_ONLY,
  probeRefusal,
  ProbeRefusedError,
  type ProbePolicy,
} from '../../activities/probe-targets';

const LOCAL: ProbePolicy = { allowedCidrs: [], allowLoopback: true };
const VPC: ProbePolicy = { allowedCidrs: ['10.20.0.0/16', 'fd12:3456::/64'], allowLoopback: false };

describe('probe targets', () => {
  it('never probes metadata, unspecified, multicast or broadcast addresses, whatever the configuration', () => {
    const everything: ProbePolicy = { allowedCidrs: ['0.0.0.0/0', '::/0'], allowLoopback: true };
    for (const address of [
      '169.254.169.254',
      '169.254.170.2',
      '::ffff:169.254.169.254',
      'fe80::1',
      'fd00:ec2::254',
      '0.0.0.0',
      '0.1.2.3',
      '::',
      '224.0.0.1',
      'ff02::1',
      '255.255.255.255',
    ]) {
      assert.match(probeRefusal(address, everything) ?? '', /never probed/, address);
      assert.match(
        probeRefusal(address, everything, true) ?? '',
        /never probed/,
        `${address} as own instance`,
      );
    }
  });

  it('probes loopback only when the configuration allows it', () => {
    for (const address of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) {
      assert.match(probeRefusal(address, OWN_INSTANCES_ONLY) ?? '', /loopback.*DRS_PROBE_ALLOW_LOOPBACK/);
      assert.match(probeRefusal(address, VPC, true) ?? '', /loopback/, 'not even as an own instance');
      assert.equal(probeRefusal(address, LOCAL), undefined);
    }
  });

  it("by default probes only the run's own recovery instances", () => {
    for (const address of ['10.0.3.4', '192.168.1.10', '172.17.0.2', '8.8.8.8', '2001:db8::1']) {
      assert.match(
        probeRefusal(address, OWN_INSTANCES_ONLY) ?? '',
        /not one of the run's recovery instances/,
      );
      assert.equal(probeRefusal(address, OWN_INSTANCES_ONLY, true), undefined);
    }
  });

  it('probes named hosts inside the allowed CIDRs, and only those', () => {
    assert.equal(probeRefusal('10.20.5.6', VPC), undefined);
    assert.equal(probeRefusal('fd12:3456::9', VPC), undefined);
    assert.equal(probeRefusal('::ffff:10.20.0.1', VPC), undefined);
    assert.match(probeRefusal('10.21.0.1', VPC) ?? '', /DRS_PROBE_ALLOWED_CIDRS/);
    assert.match(probeRefusal('fd12:3457::1', VPC) ?? '', /DRS_PROBE_ALLOWED_CIDRS/);
  });

  it('checks every address a name resolves to, and literal addresses without resolving', async () => {
    // `localhost` resolves to loopback from /etc/hosts: no query leaves the machine
    await assert.rejects(checkedAddresses('localhost', OWN_INSTANCES_ONLY), (err: Error) => {
      assert.ok(err instanceof ProbeRefusedError);
      assert.match(err.message, /^localhost resolves to .* is loopback/);
      return true;
    });
    assert.ok((await checkedAddresses('localhost', LOCAL))?.length);
    assert.deepEqual(await checkedAddresses('[::1]', LOCAL), ['::1']);
    await assert.rejects(checkedAddresses('169.254.169.254', LOCAL), /never probed/);
  });

  it('tells a bad CIDR in the configuration', () => {
    assert.equal(cidrProblem('10.0.0.0/8'), undefined);
    assert.equal(cidrProblem('fd00::/8'), undefined);
    for (const bad of ['10.0.0.0', '10.0.0.0/33', 'db.internal/24', '10.0.0.0/8/1', 'fd00::/129'])
      assert.match(cidrProblem(bad) ?? '', /not a CIDR/, bad);
  });
});
