// docker-compose.yml and Dockerfile checked against the code: no Docker engine runs here, so these
// are the guarantees that `docker compose up` starts what the code expects.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../common/paths';
import { loadWorkerConfig, WORKER_ENV_VARS, workerConfigSchema } from '../../worker/config';
import { BUILT_BUNDLE_PATH } from '../../worker/workflow-code';
import { splitHostPort } from '../../worker/health';
import {
  composeDefault,
  containerPorts,
  type ComposeService,
  envDrift,
  isPinned,
  loadCompose,
  publishedAddresses,
  publishedPorts,
  readRepoFile,
} from './compose-file';
import { sourceFoldersReachedFrom } from './import-graph';

const compose = loadCompose();
const services = compose.services;
const worker = services.worker;
const emulatorWorker = services['worker-emulator'];
const schemaDefaults = workerConfigSchema.parse({}) as Record<string, unknown>;
const envOf = (service: ComposeService, name: string) => composeDefault(service.environment?.[name] ?? '');
const workerEnv = (name: string) => envOf(worker, name);
/** What the service's worker reads when the shell sets nothing. */
const defaultEnv = (service: ComposeService) =>
  Object.fromEntries(WORKER_ENV_VARS.map((name) => [name, envOf(service, name)]));

describe('docker-compose.yml', () => {
  it('has the deployment shape: Temporal on PostgreSQL, UI, setup jobs, a worker per profile, emulator', () => {
    assert.deepEqual(Object.keys(services).sort(), [
      'emulator',
      'postgresql',
      'temporal',
      'temporal-schema',
      'temporal-setup',
      'temporal-ui',
      'worker',
      'worker-emulator',
    ]);
  });

  it('pins every image to an exact version, the worker image to package.json', () => {
    for (const [name, service] of Object.entries(services)) {
      assert.ok(service.image, `${name} names its image`);
      assert.ok(isPinned(service.image), `${name}: ${service.image} is not pinned to a release`);
    }
    const { version } = JSON.parse(readRepoFile('package.json')) as { version: string };
    assert.equal(worker.image, `temporal-drs-worker:${version}`);
    assert.deepEqual(worker.build, { context: '.', dockerfile: 'Dockerfile' });
  });

  it("gives both workers exactly the variables of the worker's configuration schema", () => {
    assert.deepEqual(envDrift(WORKER_ENV_VARS, worker), { missingInCompose: [], unknownToCode: [] });
    assert.deepEqual(envDrift(WORKER_ENV_VARS, emulatorWorker), { missingInCompose: [], unknownToCode: [] });
  });

  it('notices a variable added to the schema that the compose file does not know, and vice versa', () => {
    const drift = envDrift([...WORKER_ENV_VARS, 'WORKER_NEW_SETTING'], worker);
    assert.deepEqual(drift.missingInCompose, ['WORKER_NEW_SETTING']);
    const fewer = envDrift(
      WORKER_ENV_VARS.filter((v) => v !== 'LOG_LEVEL'),
      worker,
    );
    assert.deepEqual(fewer.unknownToCode, ['LOG_LEVEL']);
  });

  it("uses the schema's defaults except where the container network needs another value", () => {
    const containerSpecific: Record<string, string> = {
      TEMPORAL_ADDRESS: 'temporal:7233',
      WORKER_METRICS_ADDRESS: '0.0.0.0:9464',
      WORKER_HEALTH_ADDRESS: '0.0.0.0:8080',
    };
    for (const name of WORKER_ENV_VARS) {
      const expected = containerSpecific[name] ?? String(schemaDefaults[name] ?? '');
      assert.equal(workerEnv(name), expected, `${name} in docker-compose.yml`);
    }
    // the values the compose file sets pass the worker's own validation
    assert.ok(workerConfigSchema.safeParse(defaultEnv(worker)).success);
  });

  it("runs the real-AWS worker on the default chain and the emulator's worker with DRS_EMULATOR", () => {
    const real = loadWorkerConfig(defaultEnv(worker)).aws;
    assert.equal(real.emulator, false);
    assert.equal(worker.environment?.DRS_EMULATOR, 'false', 'not even the shell can turn it on');
    const emulated = loadWorkerConfig(defaultEnv(emulatorWorker)).aws;
    assert.equal(emulated.emulator, true);
    const { host, port } = splitHostPort(new URL(emulated.drsEndpoint ?? '').host);
    assert.equal(host, 'emulator');
    assert.deepEqual(containerPorts(services.emulator), [port]);
    assert.equal(emulated.stsEndpoint, emulated.drsEndpoint, "roles assumed at the emulator's STS");
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
      assert.equal(emulatorWorker.environment?.[name], '', `${name}: no keys from the shell`);
    // the rest is the same worker
    for (const name of ['TEMPORAL_ADDRESS', 'WORKER_METRICS_ADDRESS', 'WORKER_HEALTH_ADDRESS'])
      assert.equal(envOf(emulatorWorker, name), workerEnv(name), name);
    assert.equal(emulatorWorker.image, worker.image);
    assert.deepEqual(emulatorWorker.healthcheck, worker.healthcheck);
  });

  it('points the worker at the temporal service, publishes its metrics port and probes its health port', () => {
    const { host, port } = splitHostPort(workerEnv('TEMPORAL_ADDRESS'));
    assert.ok(host in services, `${host} is a compose service`);
    assert.deepEqual(containerPorts(services[host]), [port]);
    assert.deepEqual(containerPorts(worker), [splitHostPort(workerEnv('WORKER_METRICS_ADDRESS')).port]);
    const healthPort = splitHostPort(workerEnv('WORKER_HEALTH_ADDRESS')).port;
    assert.match(
      worker.healthcheck?.test.join(' ') ?? '',
      new RegExp(`127\\.0\\.0\\.1:${healthPort}/healthz`),
    );
    assert.deepEqual(publishedPorts(services['temporal-ui']), [8080]);
  });

  it('publishes every port on 127.0.0.1 unless TEMPORAL_BIND says otherwise', () => {
    const published = Object.entries(services).filter(([, service]) => (service.ports ?? []).length > 0);
    assert.ok(published.length >= 4, 'temporal, its UI, the worker and the emulator publish ports');
    for (const [name, service] of published) {
      for (const port of service.ports ?? [])
        assert.match(port, /^\$\{TEMPORAL_BIND:-127\.0\.0\.1\}:\d+:\d+$/, name);
      assert.deepEqual(new Set(publishedAddresses(service)), new Set(['127.0.0.1']), name);
    }
  });

  it('stops the worker with SIGTERM and waits longer than its own shutdown bound', () => {
    const seconds = Number(/^(\d+)s$/.exec(worker.stop_grace_period ?? '')?.[1]);
    assert.ok(
      seconds > Number(schemaDefaults.WORKER_SHUTDOWN_FORCE_SECONDS),
      `stop_grace_period ${seconds}s`,
    );
  });

  it('registers the namespace of deploy/temporal/namespace.env at start (server-settings.test.ts)', () => {
    const setup = services['temporal-setup'];
    assert.equal(setup.command, undefined, 'no list of its own: register.sh reads namespace.env');
    assert.deepEqual(setup.entrypoint, ['/bin/sh', '/deploy/register.sh']);
    assert.ok(existsSync(path.join(repoRoot(), 'deploy/temporal/register.sh')));
    assert.equal(setup.environment?.TEMPORAL_ADDRESS, workerEnv('TEMPORAL_ADDRESS'));
    assert.equal(setup.environment?.TEMPORAL_NAMESPACE, workerEnv('TEMPORAL_NAMESPACE'));
  });

  it('starts in dependency order, waiting only on services that can report healthy', () => {
    const condition = (from: string, to: string) => services[from].depends_on?.[to]?.condition;
    assert.equal(condition('temporal-schema', 'postgresql'), 'service_healthy');
    assert.equal(condition('temporal', 'temporal-schema'), 'service_completed_successfully');
    assert.equal(condition('temporal-setup', 'temporal'), 'service_healthy');
    assert.equal(condition('temporal-ui', 'temporal'), 'service_healthy');
    assert.equal(condition('worker', 'temporal-setup'), 'service_completed_successfully');
    assert.equal(condition('worker-emulator', 'temporal-setup'), 'service_completed_successfully');
    assert.equal(condition('worker-emulator', 'emulator'), 'service_healthy');
    for (const [name, service] of Object.entries(services)) {
      for (const [target, dep] of Object.entries(service.depends_on ?? {})) {
        if (dep.condition === 'service_healthy')
          assert.ok(services[target].healthcheck, `${name} → ${target}`);
      }
    }
    assert.ok(services.emulator.healthcheck && worker.healthcheck && services.postgresql.healthcheck);
  });

  it('mounts the dynamic config the server is told to read', () => {
    const temporal = services.temporal;
    const file = path.basename(String(temporal.environment?.DYNAMIC_CONFIG_FILE_PATH));
    assert.ok(temporal.volumes?.some((v) => v.startsWith('./deploy/temporal/dynamicconfig:')));
    assert.ok(existsSync(path.join(repoRoot(), 'deploy/temporal/dynamicconfig', file)), file);
    assert.ok(existsSync(path.join(repoRoot(), 'deploy/temporal/setup-schema.sh')));
  });

  it('runs a worker only in a profile (aws or emulator), the emulator only in its own', () => {
    const profiles: Record<string, string[]> = {
      worker: ['aws'],
      'worker-emulator': ['emulator'],
      emulator: ['emulator'],
    };
    for (const [name, service] of Object.entries(services)) {
      assert.deepEqual(service.profiles, profiles[name], name);
    }
    const command = services.emulator.command ?? [];
    assert.deepEqual(command.slice(0, 2), ['node', 'dist/emulator/main.js']);
    const port = Number(command[command.indexOf('--port') + 1]);
    assert.deepEqual(containerPorts(services.emulator), [port]);
    assert.equal(services.emulator.image, worker.image, 'the emulator runs from the worker image');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readRepoFile('Dockerfile');
  const from = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
  const copied = [...dockerfile.matchAll(/^COPY\s+(\w+)\s+\.\/\1$/gm)].map((m) => m[1]);

  it('is multi-stage with pinned base images and runs the compiled worker', () => {
    assert.ok(from.length >= 2, 'a build stage and a runtime stage');
    for (const image of from) assert.ok(isPinned(image), `${image} is not pinned to a release`);
    assert.match(dockerfile, /npm ci --omit=dev/);
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /^CMD \["node", "dist\/worker\/main\.js"\]$/m);
  });

  it('builds the workflow bundle the worker loads at start, after compiling', () => {
    const steps = [...dockerfile.matchAll(/^RUN (.*)$/gm)].map((m) => m[1]);
    const compile = steps.indexOf('npx tsc -p tsconfig.json');
    const bundle = steps.indexOf('node dist/worker/workflow-code.js');
    assert.ok(compile >= 0 && bundle > compile, `RUN steps: ${steps.join(' | ')}`);
    // the default of worker/workflow-code.ts: dist/workflow-bundle.js beside the compiled folders
    assert.equal(path.relative(path.join(__dirname, '..', '..'), BUILT_BUNDLE_PATH), 'workflow-bundle.js');
  });

  it('copies every source folder the worker, its workflows and the emulator import', () => {
    const entries = ['worker/main.ts', 'workflows/index.ts', 'emulator/main.ts'];
    for (const entry of entries) assert.ok(existsSync(path.join(repoRoot(), entry)), `${entry} exists`);
    const needed = sourceFoldersReachedFrom(entries);
    assert.deepEqual(
      needed.filter((folder) => !copied.includes(folder)),
      [],
      `Dockerfile copies ${copied.join(', ')}`,
    );
  });

  it('keeps local build output and tools out of the build context', () => {
    const ignored = readRepoFile('.dockerignore').split('\n');
    for (const entry of ['node_modules', 'dist', '.build', '.tools', '.git'])
      assert.ok(ignored.includes(entry), entry);
  });
});
