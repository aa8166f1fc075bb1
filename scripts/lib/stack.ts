// The production-shaped local stack (`npm run stack`, test/survival): PostgreSQL from a data folder,
// the Temporal server built from its Go module with its frontend behind mTLS, the project's
// namespace, the standalone Web UI, the DRS emulator and worker processes from the prebuilt bundle,
// each with its Prometheus endpoint. Every process is detached, logs to <data>/logs/<name>.log and
// leaves its pid in <data>/pids/, so `--stop` (or a test) can end any of them; everything listens
// on 127.0.0.1. The Go programs come from scripts/build-stack.sh.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { stringify } from 'yaml';
import { DEFAULT_NAMESPACE } from '../../common/config';
import { repoRoot } from '../../common/paths';
import { resolveTemporalSettings, temporalConnectionOptions } from '../../common/temporal-connection';
import { freePort } from './ports';
import { DYNAMIC_CONFIG_FILE, indexedSearchAttributes, readNamespaceSettings } from './server-settings';

/** Pinned in scripts/build-stack.sh; the binaries it leaves in the tools cache. */
const SERVER_VERSION = 'v1.32.0';
const UI_SERVER_VERSION = 'v2.54.1';
/** The envconfig profile the stack writes; the worker and drsctl select it with TEMPORAL_PROFILE. */
export const STACK_PROFILE = 'stack';
const SERVER_NAME = 'localhost';
const DB_USER = 'temporal';

interface StackPorts {
  postgres: number;
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  internalWorker: number;
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
  ui: number;
  emulator: number;
  /** One per worker process: its Prometheus endpoint, then its health endpoint. */
  workerMetrics: number[];
  workerHealth: number[];
}

/** `npm run stack`'s fixed ports (the dev server's 7233/8233 are left free: both may run at once). */
export function defaultPorts(workers: number): StackPorts {
  return {
    postgres: 55432,
    frontend: 17233,
    frontendHttp: 17243,
    history: 17234,
    matching: 17235,
    internalWorker: 17239,
    frontendMembership: 16933,
    historyMembership: 16934,
    matchingMembership: 16935,
    workerMembership: 16939,
    ui: 18233,
    emulator: 14599,
    workerMetrics: Array.from({ length: workers }, (_, i) => 19464 + i),
    workerHealth: Array.from({ length: workers }, (_, i) => 18080 + i),
  };
}

/** Free ports (scripts/lib/ports.ts), for tests that run beside other stacks. */
export async function freePorts(workers: number): Promise<StackPorts> {
  const one = () => freePort();
  const many = (n: number) => Promise.all(Array.from({ length: n }, one));
  return {
    postgres: await one(),
    frontend: await one(),
    frontendHttp: await one(),
    history: await one(),
    matching: await one(),
    internalWorker: await one(),
    frontendMembership: await one(),
    historyMembership: await one(),
    matchingMembership: await one(),
    workerMembership: await one(),
    ui: await one(),
    emulator: await one(),
    workerMetrics: await many(workers),
    workerHealth: await many(workers),
  };
}

interface StackOptions {
  dataDir: string;
  ports: StackPorts;
  workers: number;
  /** The emulator's --time-scale (1 = its demo durations). */
  emulatorTimeScale: number;
  /** Progress lines; silent when unset. */
  say?: (line: string) => void;
}

const cacheDir = () =>
  process.env.TEMPORAL_DRS_CACHE ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(process.env.HOME ?? '/root', '.cache'), 'temporal-drs');

function cachedBinary(name: string): string {
  const file = path.join(cacheDir(), 'bin', name);
  if (!existsSync(file)) throw new Error(`${file} is missing: run 'bash scripts/build-stack.sh' first`);
  return file;
}

/** Where the SQL schemas live: inside the server's Go module, which build-stack.sh downloaded. */
function schemaDir(): string {
  const dir = path.join(
    cacheDir(),
    'go',
    'mod',
    `go.temporal.io/server@${SERVER_VERSION}`,
    'schema/postgresql/v12',
  );
  if (!existsSync(dir)) throw new Error(`${dir} is missing: run 'bash scripts/build-stack.sh' first`);
  return dir;
}

/** PostgreSQL's programs: on PATH, or Debian's versioned folder. */
function pgBinary(name: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    const debian = '/usr/lib/postgresql';
    const versions = existsSync(debian) ? readdirSync(debian).sort((a, b) => Number(b) - Number(a)) : [];
    for (const v of versions)
      if (existsSync(path.join(debian, v, 'bin', name))) return path.join(debian, v, 'bin', name);
    throw new Error(
      `PostgreSQL's ${name} not found: run 'bash scripts/build-stack.sh' (it installs PostgreSQL)`,
    );
  }
}

/** PostgreSQL refuses to run as root: as root, its programs run as the postgres user. */
const asRoot = process.getuid?.() === 0;
function pgCommand(name: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', pgBinary(name), ...args]] : [pgBinary(name), args];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Stack {
  readonly dataDir: string;
  readonly ports: StackPorts;
  readonly workers: number;
  readonly emulatorTimeScale: number;
  private readonly say: (line: string) => void;

  constructor(options: StackOptions) {
    this.dataDir = path.resolve(options.dataDir);
    this.ports = options.ports;
    this.workers = options.workers;
    this.emulatorTimeScale = options.emulatorTimeScale;
    this.say = options.say ?? (() => undefined);
  }

  /** The stack that `npm run stack` left in `dataDir` (its stack.json), for --stop and status. */
  static load(dataDir: string, say?: (line: string) => void): Stack | undefined {
    const file = path.join(dataDir, 'stack.json');
    if (!existsSync(file)) return undefined;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Omit<StackOptions, 'say'>;
    return new Stack({ ...saved, dataDir, say });
  }

  private file(...parts: string[]): string {
    return path.join(this.dataDir, ...parts);
  }

  get address(): string {
    return `127.0.0.1:${this.ports.frontend}`;
  }
  get uiUrl(): string {
    return `http://127.0.0.1:${this.ports.ui}`;
  }
  get emulatorUrl(): string {
    return `http://127.0.0.1:${this.ports.emulator}`;
  }
  /** The envconfig TOML the worker and drsctl read (the profile `stack`). */
  get configFile(): string {
    return this.file('temporal.toml');
  }
  /** What a worker or drsctl needs in its environment to reach the stack's Temporal. */
  temporalEnv(): Record<string, string> {
    return { TEMPORAL_CONFIG_FILE: this.configFile, TEMPORAL_PROFILE: STACK_PROFILE };
  }

  /** Everything, in dependency order. */
  async up(): Promise<void> {
    this.prepare();
    await this.startPostgres();
    this.setupSchemas();
    await this.startServer();
    await this.registerNamespace();
    await this.startUi();
    await this.startEmulator();
    await this.startWorkers();
  }

  /** Folders, stack.json, the certificates, the database password and the envconfig profile. */
  prepare(): void {
    for (const dir of ['logs', 'pids', 'certs', 'temporal', 'ui', 'worker-data'])
      mkdirSync(this.file(dir), { recursive: true });
    const saved: Omit<StackOptions, 'say'> = {
      dataDir: this.dataDir,
      ports: this.ports,
      workers: this.workers,
      emulatorTimeScale: this.emulatorTimeScale,
    };
    writeFileSync(this.file('stack.json'), JSON.stringify(saved, null, 2));
    this.generateCertificates();
    const profile = [
      `# Written by \`npm run stack\`: the worker and drsctl reach the stack's Temporal through this profile`,
      `# (TEMPORAL_CONFIG_FILE=${this.configFile} TEMPORAL_PROFILE=${STACK_PROFILE}).`,
      `[profile.${STACK_PROFILE}]`,
      `address = "${this.address}"`,
      `namespace = "${DEFAULT_NAMESPACE}"`,
      '',
      `[profile.${STACK_PROFILE}.tls]`,
      `client_cert_path = "${this.file('certs', 'client.pem')}"`,
      `client_key_path = "${this.file('certs', 'client.key')}"`,
      `server_ca_cert_path = "${this.file('certs', 'ca.pem')}"`,
      `server_name = "${SERVER_NAME}"`,
      '',
    ];
    writeFileSync(this.configFile, profile.join('\n'));
  }

  /**
   * A CA of the stack's own, a server certificate for localhost/127.0.0.1 (also used as the
   * server's client certificate between its services, as Temporal does) and one client
   * certificate for the worker, drsctl and the UI server. Made once; keys readable by this user only.
   */
  private generateCertificates(): void {
    const dir = this.file('certs');
    if (existsSync(path.join(dir, 'client.pem'))) return;
    const openssl = (...args: string[]) =>
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '825',
      '-subj',
      '/CN=temporal-drs stack CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    const issue = (name: string, subject: string, extensions: string) => {
      writeFileSync(path.join(dir, `${name}.ext`), extensions);
      openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-set_serial',
        `0x${randomBytes(16).toString('hex')}`,
        '-days',
        '825',
        '-out',
        `${name}.pem`,
        '-extfile',
        `${name}.ext`,
      );
      rmSync(path.join(dir, `${name}.csr`));
      rmSync(path.join(dir, `${name}.ext`));
    };
    issue(
      'server',
      `/CN=${SERVER_NAME}`,
      'subjectAltName=DNS:localhost,IP:127.0.0.1\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n',
    );
    issue(
      'client',
      '/CN=temporal-drs-worker',
      'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
    );
    for (const key of ['ca.key', 'server.key', 'client.key']) chmodSync(path.join(dir, key), 0o600);
    this.say('certificates: CA, server (localhost, 127.0.0.1) and client, in ' + dir);
  }

  // --- PostgreSQL ---------------------------------------------------------------------------

  private get pgData(): string {
    return this.file('pg');
  }

  /** The database password: generated once, kept in the data folder (mode 600), never printed. */
  private dbPassword(): string {
    const file = this.file('pg-password');
    if (!existsSync(file)) writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
    return readFileSync(file, 'utf8').trim();
  }

  private pg(name: string, args: string[]): void {
    const [cmd, argv] = pgCommand(name, args);
    execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  async startPostgres(): Promise<void> {
    if (!existsSync(path.join(this.pgData, 'PG_VERSION'))) {
      mkdirSync(this.pgData, { recursive: true, mode: 0o700 });
      // initdb reads the password from a file; it is removed as soon as the cluster exists
      const pwfile = this.file('pg', '..', 'pg-initdb-password');
      writeFileSync(pwfile, this.dbPassword(), { mode: 0o600 });
      if (asRoot) {
        // the postgres user must reach its folder (only traverse: the data folder's files stay private)
        chmodSync(this.dataDir, statSync(this.dataDir).mode | 0o011);
        const { uid, gid } = pgUser();
        chownSync(this.pgData, uid, gid);
        chownSync(pwfile, uid, gid);
      }
      try {
        this.pg('initdb', [
          '-D',
          this.pgData,
          '-U',
          DB_USER,
          '--pwfile',
          pwfile,
          '--auth',
          'scram-sha-256',
          '-E',
          'UTF8',
          '--no-instructions',
        ]);
      } finally {
        rmSync(pwfile, { force: true });
      }
      this.say(`PostgreSQL cluster created in ${this.pgData}`);
    }
    if (this.pgRunning()) return;
    this.pgStart();
    this.say(`PostgreSQL on 127.0.0.1:${this.ports.postgres}`);
  }

  private pgRunning(): boolean {
    try {
      this.pg('pg_ctl', ['status', '-D', this.pgData]);
      return true;
    } catch {
      return false;
    }
  }

  private pgStart(): void {
    // TCP on 127.0.0.1 only; no Unix socket (the default folder may not exist or be shared)
    const options = `-c listen_addresses=127.0.0.1 -p ${this.ports.postgres} -c unix_socket_directories=''`;
    const log = this.file('logs', 'postgres.log');
    if (asRoot && !existsSync(log)) {
      writeFileSync(log, '');
      const { uid, gid } = pgUser();
      chownSync(log, uid, gid);
    }
    this.pg('pg_ctl', ['start', '-w', '-t', '60', '-D', this.pgData, '-l', log, '-o', options]);
  }

  /** `pg_ctl restart -m fast`: every connection is cut, as when the database fails over. */
  restartPostgres(): void {
    this.pg('pg_ctl', ['stop', '-w', '-m', 'fast', '-D', this.pgData]);
    this.pgStart();
  }

  stopPostgres(): void {
    if (existsSync(path.join(this.pgData, 'PG_VERSION')) && this.pgRunning())
      this.pg('pg_ctl', ['stop', '-w', '-m', 'fast', '-D', this.pgData]);
  }

  /** Creates both databases (once) and brings their schemas up to the server's version (always). */
  setupSchemas(): void {
    const tool = cachedBinary(`temporal-sql-tool-${SERVER_VERSION}`);
    const env = { ...process.env, SQL_PASSWORD: this.dbPassword() };
    const sql = (db: string, ...args: string[]) =>
      execFileSync(
        tool,
        [
          '--plugin',
          'postgres12',
          '--ep',
          '127.0.0.1',
          '-p',
          String(this.ports.postgres),
          '-u',
          DB_USER,
          '--db',
          db,
          ...args,
        ],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    for (const [db, schema] of [
      ['temporal', 'temporal'],
      ['temporal_visibility', 'visibility'],
    ]) {
      // a marker per database: create-database and the base schema once, updates on every start
      const marker = this.file('temporal', `${db}.schema`);
      if (!existsSync(marker)) {
        sql(db, 'create-database');
        sql(db, 'setup-schema', '-v', '0.0');
        writeFileSync(marker, '');
      }
      sql(db, 'update-schema', '-d', path.join(schemaDir(), schema, 'versioned'));
    }
    this.say('Temporal schemas (persistence, visibility) created/updated by temporal-sql-tool');
  }

  // --- Temporal server ----------------------------------------------------------------------

  /** The server's configuration: PostgreSQL persistence and visibility, mTLS on the frontend and between services. */
  serverConfig(): Record<string, unknown> {
    const p = this.ports;
    const certs = (name: string) => this.file('certs', name);
    const sqlStore = (databaseName: string, maxConns: number) => ({
      sql: {
        pluginName: 'postgres12',
        databaseName,
        connectAddr: `127.0.0.1:${p.postgres}`,
        connectProtocol: 'tcp',
        user: DB_USER,
        password: this.dbPassword(),
        maxConns,
        maxIdleConns: maxConns,
        maxConnLifetime: '1h',
      },
    });
    const serverTls = {
      certFile: certs('server.pem'),
      keyFile: certs('server.key'),
      clientCaFiles: [certs('ca.pem')],
      requireClientAuth: true,
    };
    const clientTls = { serverName: SERVER_NAME, rootCaFiles: [certs('ca.pem')] };
    const rpc = (grpcPort: number, membershipPort: number, extra: object = {}) => ({
      rpc: { grpcPort, membershipPort, bindOnIP: '127.0.0.1', ...extra },
    });
    return {
      log: { stdout: true, level: 'warn' },
      persistence: {
        defaultStore: 'postgres-default',
        visibilityStore: 'postgres-visibility',
        numHistoryShards: 4,
        datastores: {
          'postgres-default': sqlStore('temporal', 20),
          'postgres-visibility': sqlStore('temporal_visibility', 4),
        },
      },
      global: {
        membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
        pprof: { port: 0 },
        tls: {
          internode: { server: serverTls, client: clientTls },
          frontend: { server: serverTls, client: clientTls },
          systemWorker: { certFile: certs('client.pem'), keyFile: certs('client.key'), client: clientTls },
        },
      },
      services: {
        frontend: rpc(p.frontend, p.frontendMembership, { httpPort: p.frontendHttp }),
        history: rpc(p.history, p.historyMembership),
        matching: rpc(p.matching, p.matchingMembership),
        worker: rpc(p.internalWorker, p.workerMembership),
      },
      clusterMetadata: {
        enableGlobalNamespace: false,
        failoverVersionIncrement: 10,
        masterClusterName: 'active',
        currentClusterName: 'active',
        clusterInformation: {
          active: {
            enabled: true,
            initialFailoverVersion: 1,
            rpcName: 'frontend',
            rpcAddress: `${SERVER_NAME}:${p.frontend}`,
            httpAddress: `${SERVER_NAME}:${p.frontendHttp}`,
          },
        },
      },
      dcRedirectionPolicy: { policy: 'noop' },
      archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
      namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
      // the file docker-compose's server reads too (scripts/lib/server-settings.ts)
      dynamicConfigClient: { filepath: path.join(repoRoot(), DYNAMIC_CONFIG_FILE), pollInterval: '10s' },
    };
  }

  async startServer(): Promise<void> {
    const configFile = this.file('temporal', 'server.yaml');
    // holds the database password: this user only
    writeFileSync(configFile, stringify(this.serverConfig()), { mode: 0o600 });
    chmodSync(configFile, 0o600);
    // mTLS authenticates every caller; with no authorizer configured, any holder of a stack
    // certificate may call any API (--allow-no-auth says so explicitly)
    this.spawnDetached('temporal-server', cachedBinary(`temporal-server-${SERVER_VERSION}`), [
      '--config-file',
      configFile,
      '--allow-no-auth',
      'start',
    ]);
    await this.waitForFrontend();
    this.say(`Temporal server ${SERVER_VERSION} on ${this.address} (mTLS required)`);
  }

  /** kill -9: the server gets no chance to flush or deregister. */
  killServer(): void {
    this.signal('temporal-server', 'SIGKILL');
  }

  /** A client through the stack's envconfig profile, as the worker and drsctl connect. */
  async connect(): Promise<Connection> {
    const settings = resolveTemporalSettings({ ...this.temporalEnv() });
    return Connection.connect({ ...temporalConnectionOptions(settings), connectTimeout: 2000 });
  }

  async client(): Promise<Client> {
    return new Client({ connection: await this.connect(), namespace: DEFAULT_NAMESPACE });
  }

  private async waitForFrontend(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.alive('temporal-server'))
        throw new Error(`the Temporal server exited: see ${this.file('logs', 'temporal-server.log')}`);
      try {
        const connection = await this.connect();
        try {
          await connection.workflowService.getSystemInfo({});
          return;
        } finally {
          await connection.close();
        }
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`the Temporal server did not answer on ${this.address}: ${(err as Error).message}`);
        await sleep(500);
      }
    }
  }

  /**
   * The project's namespace with the retention and search attributes of deploy/temporal/namespace.env
   * (what docker-compose's register.sh registers); waits until the frontend serves it.
   */
  async registerNamespace(): Promise<void> {
    const settings = readNamespaceSettings();
    const connection = await this.connect();
    try {
      const namespace = DEFAULT_NAMESPACE;
      try {
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs(`${settings.retentionHours}h`),
        });
      } catch (err) {
        if (!/already (exists|registered)/i.test((err as Error).message)) throw err;
      }
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          // the frontend's namespace cache learns of a new namespace within seconds
          await connection.operatorService.addSearchAttributes({
            namespace,
            searchAttributes: indexedSearchAttributes(settings),
          });
          await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
          break;
        } catch (err) {
          if (/already exists/i.test((err as Error).message)) break;
          if (Date.now() > deadline) throw err;
          await sleep(500);
        }
      }
      this.say(
        `namespace ${namespace}: retention ${settings.retentionHours}h, search attributes ${Object.keys(settings.searchAttributes).join(', ')}`,
      );
    } finally {
      await connection.close();
    }
  }

  // --- the UI, the emulator, the workers ----------------------------------------------------

  async startUi(): Promise<void> {
    const certs = (name: string) => this.file('certs', name);
    const config = {
      temporalGrpcAddress: this.address,
      host: '127.0.0.1',
      port: this.ports.ui,
      enableUi: true,
      defaultNamespace: DEFAULT_NAMESPACE,
      disableNewsFetch: true,
      cors: { allowOrigins: [this.uiUrl], cookieInsecure: true },
      tls: {
        caFile: certs('ca.pem'),
        certFile: certs('client.pem'),
        keyFile: certs('client.key'),
        serverName: SERVER_NAME,
        enableHostVerification: true,
      },
      auth: { enabled: false },
    };
    writeFileSync(this.file('ui', 'stack.yaml'), stringify(config));
    this.spawnDetached('temporal-ui', cachedBinary(`temporal-ui-server-${UI_SERVER_VERSION}`), [
      '--root',
      this.file('ui'),
      '--config',
      '.',
      '--env',
      'stack',
      'start',
    ]);
    await this.waitForHttp('temporal-ui', `${this.uiUrl}/api/v1/settings`);
    this.say(`Temporal UI ${UI_SERVER_VERSION}: ${this.uiUrl}`);
  }

  async startEmulator(): Promise<void> {
    this.spawnDetached('emulator', process.execPath, [
      path.join(repoRoot(), 'dist', 'emulator', 'main.js'),
      '--host',
      '127.0.0.1',
      '--port',
      String(this.ports.emulator),
      '--time-scale',
      String(this.emulatorTimeScale),
    ]);
    await this.waitForHttp('emulator', `${this.emulatorUrl}/_emulator/state`);
    this.say(`DRS emulator: ${this.emulatorUrl}`);
  }

  /** The environment of worker `i`: the stack's profile, the emulator, its own metrics and health ports. */
  workerEnv(i: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    // nothing of the caller's Temporal, AWS or worker settings leaks in
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(TEMPORAL_|AWS_|DRS_|WORKER_|LOG_LEVEL)/.test(name)),
    );
    return {
      ...inherited,
      ...this.temporalEnv(),
      DRS_ENDPOINT: this.emulatorUrl,
      DRS_EMULATOR: 'true',
      // the prebuilt bundle, as in production: no webpack run at start
      WORKER_WORKFLOW_BUNDLE: path.join(repoRoot(), 'dist', 'workflow-bundle.js'),
      TEMPORAL_DRS_DATA: this.file('worker-data'),
      WORKER_METRICS_ADDRESS: `127.0.0.1:${this.ports.workerMetrics[i]}`,
      WORKER_HEALTH_ADDRESS: `127.0.0.1:${this.ports.workerHealth[i]}`,
      ...extra,
    };
  }

  /** Worker processes from the prebuilt bundle (dist/workflow-bundle.js), each ready once healthy. */
  async startWorkers(extra: Record<string, string> = {}): Promise<void> {
    const bundle = path.join(repoRoot(), 'dist', 'workflow-bundle.js');
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run 'npm run bundle' first`);
    for (let i = 0; i < this.workers; i++) {
      this.spawnDetached(
        `worker-${i + 1}`,
        process.execPath,
        [path.join(repoRoot(), 'dist', 'worker', 'main.js')],
        this.workerEnv(i, extra),
      );
    }
    for (let i = 0; i < this.workers; i++) {
      await this.waitForHttp(`worker-${i + 1}`, `http://127.0.0.1:${this.ports.workerHealth[i]}/healthz`);
      this.say(`worker-${i + 1}: metrics http://127.0.0.1:${this.ports.workerMetrics[i]}/metrics`);
    }
  }

  // --- processes ----------------------------------------------------------------------------

  private pidFile(name: string): string {
    return this.file('pids', `${name}.pid`);
  }

  pid(name: string): number | undefined {
    const file = this.pidFile(name);
    return existsSync(file) ? Number(readFileSync(file, 'utf8')) : undefined;
  }

  alive(name: string): boolean {
    const pid = this.pid(name);
    if (!pid) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  signal(name: string, signal: NodeJS.Signals): void {
    const pid = this.pid(name);
    if (pid && this.alive(name)) process.kill(pid, signal);
  }

  /** Detached (its own process group, outliving this process), output to <data>/logs/<name>.log. */
  private spawnDetached(
    name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv = process.env,
  ): void {
    if (this.alive(name))
      throw new Error(`${name} already runs (pid ${this.pid(name)}): 'npm run stack -- --stop' first`);
    const out = openSync(this.file('logs', `${name}.log`), 'a');
    const child = spawn(command, args, {
      env,
      detached: true,
      stdio: ['ignore', out, out],
      cwd: this.dataDir,
    });
    closeSync(out);
    child.unref();
    writeFileSync(this.pidFile(name), String(child.pid));
  }

  private async waitForHttp(name: string, url: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.alive(name)) {
        // the log's end in the error itself: a test's stack removes its folder when it stops
        const log = this.file('logs', `${name}.log`);
        const tail = existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n').slice(-15) : [];
        throw new Error([`${name} exited: see ${log}`, ...tail].join('\n  '));
      }
      const ok = await fetch(url).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline)
        throw new Error(`${name} did not answer ${url} within ${timeoutMs / 1000} s`);
      await sleep(300);
    }
  }

  /** SIGTERM to every process (workers first, so they drain), SIGKILL after 30 s, then PostgreSQL. */
  async stop(): Promise<void> {
    const dir = this.file('pids');
    const names = existsSync(dir) ? readdirSync(dir).map((f) => f.replace(/\.pid$/, '')) : [];
    const order = (n: string) => (n.startsWith('worker') ? 0 : n === 'temporal-server' ? 2 : 1);
    names.sort((a, b) => order(a) - order(b));
    for (const name of names) {
      this.signal(name, 'SIGTERM');
      for (let i = 0; i < 300 && this.alive(name); i++) await sleep(100);
      this.signal(name, 'SIGKILL');
      rmSync(this.pidFile(name), { force: true });
      this.say(`stopped ${name}`);
    }
    this.stopPostgres();
    this.say('stopped PostgreSQL');
  }
}

function pgUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}
