// docker-compose.yml and `npm run stack` read the Temporal server's settings from one place,
// deploy/temporal/ (scripts/lib/server-settings.ts): the same dynamic config file, and the same
// namespace retention and search attributes (namespace.env), which match what the workflows upsert.
// register.sh, docker-compose's setup job, is run here against a stand-in `temporal` CLI that
// records its calls, so the shell side is checked too, not only parsed.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../common/paths';
import { devServerSearchAttributeArgs } from '../../common/search-attributes';
import {
  DYNAMIC_CONFIG_FILE,
  indexedSearchAttributes,
  NAMESPACE_SETTINGS_FILE,
  parseNamespaceSettings,
  readNamespaceSettings,
  SERVER_SETTINGS_DIR,
} from '../../scripts/lib/server-settings';
import { defaultPorts, Stack } from '../../scripts/lib/stack';
import { loadCompose } from './compose-file';

const services = loadCompose().services;

/** `Name=Type` pairs of the code's search attributes, as the dev server is given them. */
const codeAttributes = devServerSearchAttributeArgs().filter((arg) => arg !== '--search-attribute');

/** A stack object only to render its server configuration (nothing is started). */
function renderedStackConfig(): Record<string, unknown> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stack-config-'));
  try {
    return new Stack({ dataDir, ports: defaultPorts(2), workers: 2, emulatorTimeScale: 1 }).serverConfig();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('server settings shared by docker-compose and the stack (deploy/temporal)', () => {
  it('lists exactly the search attributes of common/search-attributes.ts, with their types', () => {
    const settings = readNamespaceSettings();
    assert.deepEqual(
      Object.entries(settings.searchAttributes).map(([name, type]) => `${name}=${type}`),
      codeAttributes,
    );
  });

  it('points both servers at the same dynamic config file', () => {
    const temporal = services.temporal;
    // compose mounts deploy/temporal/dynamicconfig where the image's server reads its file
    const mount = temporal.volumes?.find((v) => v.startsWith('./deploy/temporal/dynamicconfig:'));
    assert.ok(mount, 'the dynamic config folder is mounted');
    const inContainer = mount.split(':')[1];
    const composeFile = String(temporal.environment?.DYNAMIC_CONFIG_FILE_PATH);
    // the image's working directory is /etc/temporal
    const read = path.posix.relative(inContainer, path.posix.join('/etc/temporal', composeFile));
    assert.equal(path.posix.join(mount.split(':')[0], read), DYNAMIC_CONFIG_FILE);
    const stackConfig = renderedStackConfig() as { dynamicConfigClient: { filepath: string } };
    assert.equal(stackConfig.dynamicConfigClient.filepath, path.join(repoRoot(), DYNAMIC_CONFIG_FILE));
  });

  it("gives compose's setup job the settings folder, whose register.sh registers namespace.env", () => {
    const setup = services['temporal-setup'];
    assert.ok(setup.volumes?.includes(`./${SERVER_SETTINGS_DIR}:/deploy:ro`));
    assert.deepEqual(setup.entrypoint, ['/bin/sh', '/deploy/register.sh']);

    // register.sh against a stand-in CLI: a fresh server (no namespace, no attributes yet)
    const dir = mkdtempSync(path.join(tmpdir(), 'register-'));
    try {
      const log = path.join(dir, 'calls.log');
      const fake = path.join(dir, 'temporal');
      writeFileSync(
        fake,
        `#!/bin/sh\necho "$*" >> '${log}'\ncase "$*" in *"namespace describe"*) exit 1 ;; esac\nexit 0\n`,
      );
      chmodSync(fake, 0o755);
      execFileSync('/bin/sh', [path.join(repoRoot(), SERVER_SETTINGS_DIR, 'register.sh')], {
        env: { PATH: `${dir}:/usr/bin:/bin`, TEMPORAL_NAMESPACE: 'default' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const calls = readFileSync(log, 'utf8').trim().split('\n');
      const settings = readNamespaceSettings();
      assert.ok(
        calls.includes(
          `operator namespace create --namespace default --retention ${settings.retentionHours}h`,
        ),
        calls.join('\n'),
      );
      const created = calls
        .filter((c) => c.startsWith('operator search-attribute create'))
        .map((c) => c.replace(/.* --name (\S+) --type (\S+)$/, '$1=$2'));
      assert.deepEqual(created, codeAttributes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('registers on the stack the same attributes, as the server indexes them', () => {
    const indexed = indexedSearchAttributes(readNamespaceSettings());
    assert.deepEqual(
      Object.keys(indexed),
      codeAttributes.map((pair) => pair.split('=')[0]),
    );
    assert.ok(Object.values(indexed).every((type) => typeof type === 'number' && Number(type) > 0));
  });

  it('refuses a namespace.env it would misread, naming the file, line and rule', () => {
    assert.throws(
      () => parseNamespaceSettings('NAMESPACE_RETENTION=72h\nSEARCH_ATTRIBUTES=$(rm -rf /)\n'),
      new RegExp(`${NAMESPACE_SETTINGS_FILE}:2: expected NAME=value`),
    );
    assert.throws(
      () => parseNamespaceSettings('NAMESPACE_RETENTION=3d\n'),
      /NAMESPACE_RETENTION must be whole hours, at least 24h/,
    );
    assert.throws(
      () => parseNamespaceSettings('NAMESPACE_RETENTION=72h\nSEARCH_ATTRIBUTES="DrsPhase=Keywords"\n'),
      /"DrsPhase=Keywords" must be Name=Type/,
    );
  });
});
