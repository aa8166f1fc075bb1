// The EC2 side of every instance a recovery launches (drill or not): the guest OS boots, EC2's
// status checks go initializing → ok, and the SSM agent registers on the way. Boot time is scaled
// like job durations and follows the emulator clock; the DRS record's ec2State stays the instance
// state, so terminate jobs and launch dispositions show through EC2 as they do through DRS.
import { iso } from './clock';
import type { GuestRecord, Partition, RecoveryInstanceRecord, SourceServerRecord } from './model';
import type { EmulatorStore } from './store';

/** EC2 keeps listing a terminated instance this long, then answers InvalidInstanceID.NotFound. */
const TERMINATED_VISIBLE_MS = 3600_000;
/** The SSM agent starts this far into the boot (the status checks pass a little later). */
const AGENT_AT_BOOT_FRACTION = 0.8;

type Ec2StateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

const STATE_CODES: Record<Ec2StateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** Starts the guest of a just-launched instance; `runningAt` is when EC2 reports it running. */
export function startGuest(
  store: EmulatorStore,
  partition: Partition,
  server: SourceServerRecord,
  instance: RecoveryInstanceRecord,
  launchedAt: number,
  runningAt: number,
  onAgentRegistered?: (guest: GuestRecord) => void,
): GuestRecord {
  const windows = /windows/i.test(server.sourceProperties.os?.fullString ?? '');
  const boot = store.duration((d) => (windows ? d.guestBootWindows : d.guestBootLinux));
  // the OS cannot be up before EC2 has the instance running
  const bootedAt = Math.max(launchedAt + boot, runningAt + 1000);
  const guest: GuestRecord = {
    seq: store.nextSeq(),
    instanceId: instance.id,
    accountId: partition.accountId,
    region: partition.region,
    sourceServerID: server.id,
    instance,
    platform: windows ? 'Windows' : 'Linux',
    hostname: server.hostname,
    privateIp: server.sourceProperties.networkInterfaces?.[0]?.ips?.[0] ?? '10.0.0.10',
    availabilityZone: `${partition.region}a`,
    launchedAt,
    bootedAt,
  };
  const failure = store.scenarioFor('bootFailure', server.id);
  if (failure) guest.bootFailure = failure.console === undefined ? {} : { console: failure.console };
  partition.guests.set(guest.instanceId, guest);
  // a guest that does not boot runs no agent; the ssmAgentMissing scenario boots one without it
  if (failure || store.scenarioFor('ssmAgentMissing', server.id)) return guest;
  const agentAt = Math.max(
    runningAt,
    Math.round(launchedAt + (bootedAt - launchedAt) * AGENT_AT_BOOT_FRACTION),
  );
  store.schedule(agentAt, () => {
    if (instance.ec2State !== 'RUNNING') return;
    guest.agentAt = agentAt;
    onAgentRegistered?.(guest);
  });
  return guest;
}

/** EC2 reports the instance terminated from `at`. */
export function terminateGuest(partition: Partition, instanceId: string, at: number): void {
  const guest = partition.guests.get(instanceId);
  if (guest && guest.terminatedAt === undefined) guest.terminatedAt = at;
}

/** Whether EC2 still knows the instance at `now`. */
export function guestVisible(guest: GuestRecord, now: number): boolean {
  return guest.terminatedAt === undefined || now < guest.terminatedAt + TERMINATED_VISIBLE_MS;
}

export function ec2State(guest: GuestRecord): { code: number; name: Ec2StateName } {
  if (guest.terminatedAt !== undefined) return { code: STATE_CODES.terminated, name: 'terminated' };
  const state = guest.instance.ec2State;
  const name: Ec2StateName =
    state === 'TERMINATED' || state === 'NOT_FOUND' ? 'terminated' : (state.toLowerCase() as Ec2StateName);
  return { code: STATE_CODES[name], name };
}

export type SummaryStatus = 'ok' | 'impaired' | 'initializing' | 'not-applicable';

interface StatusChecks {
  system: SummaryStatus;
  instance: SummaryStatus;
  /** When the failing check started failing. */
  impairedSince?: number;
}

/** EC2's two status checks at `now`: initializing while the instance starts, none once it stops. */
export function statusChecks(guest: GuestRecord, now: number): StatusChecks {
  const state = ec2State(guest).name;
  if (state !== 'running' && state !== 'pending')
    return { system: 'not-applicable', instance: 'not-applicable' };
  if (state === 'pending' || now < guest.bootedAt)
    return { system: 'initializing', instance: 'initializing' };
  if (guest.bootFailure) return { system: 'ok', instance: 'impaired', impairedSince: guest.bootedAt };
  return { system: 'ok', instance: 'ok' };
}

/** The serial console as EC2 captured it by `now` (undefined before the instance ran). */
export function consoleOutput(guest: GuestRecord, now: number): { text: string; at: number } | undefined {
  const lines = guest.platform === 'Windows' ? windowsBoot(guest) : linuxBoot(guest);
  const shown = lines.filter((line) => line.at <= now);
  if (shown.length === 0) return undefined;
  return { text: `${shown.map((l) => l.text).join('\r\n')}\r\n`, at: shown[shown.length - 1].at };
}

interface ConsoleLine {
  at: number;
  text: string;
}

const KERNEL = '5.10.223-211.872.amzn2.x86_64';

function linuxBoot(g: GuestRecord): ConsoleLine[] {
  const span = g.bootedAt - g.launchedAt;
  const at = (fraction: number) => Math.round(g.launchedAt + span * fraction);
  const k = (fraction: number, text: string): ConsoleLine => {
    const seconds = ((span * fraction) / 1000).toFixed(6).padStart(12, ' ');
    return { at: at(fraction), text: `[${seconds}] ${text}` };
  };
  const early = [
    k(0.1, `Linux version ${KERNEL} (mockbuild@ip-10-0-40-121) (gcc10-gcc (GCC) 10.5.0) #1 SMP`),
    k(
      0.1,
      `Command line: BOOT_IMAGE=/boot/vmlinuz-${KERNEL} root=UUID=8c0d7a4e ro console=tty0 console=ttyS0,115200n8`,
    ),
    k(0.15, 'DMI: Amazon EC2 t3.medium/, BIOS 1.0 10/16/2017'),
    k(0.2, 'nvme nvme0: 2/0/0 default/read/poll queues'),
    k(0.25, ' nvme0n1: p1 p128'),
  ];
  if (g.bootFailure) {
    const custom = g.bootFailure.console;
    const panic = custom
      ? custom.split(/\r?\n/).map((text) => ({ at: at(0.3), text }))
      : [
          k(0.3, 'VFS: Cannot open root device "UUID=8c0d7a4e" or unknown-block(0,0): error -6'),
          k(0.3, 'Please append a correct "root=" boot option; here are the available partitions:'),
          k(0.3, 'Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)'),
          k(0.3, `CPU: 1 PID: 1 Comm: swapper/0 Not tainted ${KERNEL} #1`),
          k(
            0.3,
            '---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---',
          ),
        ];
    return [...early, ...panic];
  }
  return [
    ...early,
    k(0.35, 'EXT4-fs (nvme0n1p1): mounted filesystem with ordered data mode. Opts: (null)'),
    k(0.4, 'systemd[1]: Detected virtualization amazon.'),
    { at: at(0.6), text: '[  OK  ] Started Network Manager Wait Online.' },
    {
      at: at(0.7),
      text: `cloud-init[2210]: Cloud-init v. 19.3-46.amzn2 running 'modules:config' at ${iso(at(0.7))}`,
    },
    { at: at(AGENT_AT_BOOT_FRACTION), text: '[  OK  ] Started amazon-ssm-agent.' },
    { at: at(0.9), text: '[  OK  ] Reached target Multi-User System.' },
    { at: at(1), text: '' },
    { at: at(1), text: 'Amazon Linux 2' },
    { at: at(1), text: `Kernel ${KERNEL} on an x86_64` },
    { at: at(1), text: '' },
    { at: at(1), text: `${g.hostname} login:` },
  ];
}

function windowsBoot(g: GuestRecord): ConsoleLine[] {
  const span = g.bootedAt - g.launchedAt;
  const at = (fraction: number) => Math.round(g.launchedAt + span * fraction);
  const w = (fraction: number, text: string): ConsoleLine => {
    const t = at(fraction);
    return { at: t, text: `${iso(t).slice(0, 19).replace('T', ' ').replace(/-/g, '/')}Z: ${text}` };
  };
  const early = [w(0.1, 'Windows is being configured. SysprepState=IMAGE_STATE_COMPLETE')];
  if (g.bootFailure) {
    const custom = g.bootFailure.console;
    return [
      ...early,
      ...(custom
        ? custom.split(/\r?\n/).map((text) => ({ at: at(0.3), text }))
        : [
            w(0.3, 'Your PC ran into a problem and needs to restart.'),
            w(0.3, 'Stop code: INACCESSIBLE_BOOT_DEVICE (0x0000007B)'),
          ]),
    ];
  }
  return [
    ...early,
    w(0.3, `AMI Origin Name: ${g.hostname}`),
    w(0.5, 'OsProductName: Windows Server 2019 Datacenter'),
    w(0.6, 'Driver: AWS NVMe Driver v1.5.1'),
    w(0.7, `Ec2Launch: HostName: ${g.hostname}`),
    w(AGENT_AT_BOOT_FRACTION, 'Message: AmazonSSMAgent started'),
    w(1, 'Message: Windows is Ready to use'),
  ];
}
