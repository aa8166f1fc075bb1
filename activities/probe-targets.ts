// Which addresses health checks and plan pre/post checks may probe. Anyone who can start a
// workflow names the hosts, so the worker must not become a port scanner of its own network or a
// way to the instance metadata service: by default it probes only the run's own recovery
// instances, plus the CIDRs its configuration allows (DRS_PROBE_ALLOWED_CIDRS). Metadata
// (link-local), unspecified, multicast and broadcast addresses are never probed; loopback only when
// the configuration says so (DRS_PROBE_ALLOW_LOOPBACK, the local stack's stand-in instances).
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface ProbePolicy {
  /** CIDRs input-named hosts may be in (`10.20.0.0/16`, `fd12::/64`). */
  allowedCidrs: string[];
  /** Loopback (127.0.0.0/8, ::1) may be probed: only for the local stack. */
  allowLoopback: boolean;
}

/** The default: only the run's own recovery instances. */
export const OWN_INSTANCES_ONLY: ProbePolicy = { allowedCidrs: [], allowLoopback: false };

const NEVER: [string, string][] = [
  ['0.0.0.0/8', 'an unspecified address'],
  ['::/128', 'an unspecified address'],
  ['169.254.0.0/16', 'link-local (instance metadata)'],
  ['fe80::/10', 'link-local (instance metadata)'],
  // EC2's IPv6 metadata endpoint is a unique-local address, not link-local
  ['fd00:ec2::254/128', 'the instance metadata service'],
  ['224.0.0.0/4', 'multicast'],
  ['ff00::/8', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
];
const LOOPBACK = ['127.0.0.0/8', '::1/128'];

function blockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, bits] = cidr.split('/');
    const type = isIP(network) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(network, Number(bits), type);
  }
  return list;
}

const never = NEVER.map(([cidr, what]) => ({ list: blockList([cidr]), what }));
const loopback = blockList(LOOPBACK);

/** `::ffff:169.254.169.254` is the IPv4 address it maps: checked by the IPv4 rules. */
function normalized(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1], type: 'ipv4' };
  return { address, type: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** A CIDR list problem (for the configuration's validation), or undefined. */
export function cidrProblem(cidr: string): string | undefined {
  const [network, bits, extra] = cidr.split('/');
  const family = isIP(network ?? '');
  const max = family === 6 ? 128 : 32;
  if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(bits ?? '') || Number(bits) > max)
    return `"${cidr}" is not a CIDR (e.g. 10.20.0.0/16)`;
  return undefined;
}

/**
 * Why `address` (an IP) may not be probed, or undefined. `ownInstance`: the address is one DRS
 * reported for the run's own recovery instance, allowed unless it is in a range never probed.
 */
export function probeRefusal(address: string, policy: ProbePolicy, ownInstance = false): string | undefined {
  const { address: ip, type } = normalized(address);
  const forbidden = never.find((n) => n.list.check(ip, type));
  if (forbidden) return `${address} is ${forbidden.what}: never probed`;
  if (loopback.check(ip, type))
    return policy.allowLoopback
      ? undefined
      : `${address} is loopback: probed only when DRS_PROBE_ALLOW_LOOPBACK is true`;
  if (ownInstance || blockList(policy.allowedCidrs).check(ip, type)) return undefined;
  return `${address} is not one of the run's recovery instances nor in DRS_PROBE_ALLOWED_CIDRS`;
}

/** A target refused by the rule; the message never carries a resolver's or socket's error text. */
export class ProbeRefusedError extends Error {
  override name = 'ProbeRefused';
}

/**
 * The addresses `host` resolves to, all checked: a name is refused when any of its addresses is
 * (a name that answers with an allowed address one moment and a refused one the next gains
 * nothing, since probes connect to the checked address). Undefined when the name does not resolve.
 */
export async function checkedAddresses(
  host: string,
  policy: ProbePolicy,
  ownInstance = false,
): Promise<string[] | undefined> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(bare)) addresses = [bare];
  else {
    try {
      addresses = (await lookup(bare, { all: true })).map((a) => a.address);
    } catch {
      return undefined;
    }
  }
  for (const address of addresses) {
    const refusal = probeRefusal(address, policy, ownInstance);
    if (refusal) throw new ProbeRefusedError(isIP(bare) ? refusal : `${host} resolves to ${refusal}`);
  }
  return addresses;
}
