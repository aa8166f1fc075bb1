// The evidence report of a real drill, as an auditor opens it: drsctl runs a two-server drill on the
// dev server with the emulator (one server given an RTO target it cannot meet), `drsctl report`
// writes the HTML page, and Debian's chromium renders it from a file with every network request
// recorded. The timeline has one row per server with its phases, a boot segment between launch and
// validation; each server's boot evidence (status checks and when they passed) is on the page; the
// page asks for nothing; a screenshot goes to test-artifacts/.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from '../../common/paths';
import { startCliStack, type CliStack } from '../cli/stack';
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from './chromium';

const SCREENSHOT = path.join(repoRoot(), 'test-artifacts', 'evidence-drill.png');

describe('evidence report: a real drill rendered in chromium', function () {
  this.timeout(240_000);
  let stack: CliStack;
  let browser: Browser | undefined;
  let dir: string;

  before(async () => {
    requireChromium();
    stack = await startCliStack('evidence');
    // a launch job of 4-6 s: the 2-s target below is missed every time, the 10-minute one met
    await stack.emulator.control.setConfig({ timeScale: 0.3 });
    dir = mkdtempSync(path.join(tmpdir(), 'drs-evidence-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await stack?.stop();
  });

  it('drsctl report writes the page: a timeline row per server with its phases, targets, no network', async () => {
    const [met, missed] = await stack.healthyServers(2);
    const workflowId = `evidence-drill-${Date.now()}`;
    const input = path.join(dir, 'drill.json');
    writeFileSync(
      input,
      JSON.stringify({
        sourceServerIds: [met, missed],
        region: 'us-east-1',
        validation: { mode: 'hold', holdSeconds: 3 },
        targets: { rtoSeconds: 600 },
        serverTargets: { [missed]: { rtoSeconds: 2 } },
      }),
    );
    const run = await stack.drsctl([
      'drill',
      '--input',
      input,
      '--workflow-id',
      workflowId,
      '--wait',
      '--report-junit',
      path.join(dir, 'drill.xml'),
      '--report-html',
      path.join(dir, 'run.html'),
    ]);
    // the drill itself succeeded; the missed target fails the job
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`${workflowId}: SUCCEEDED`));
    assert.match(run.stdout, /recovery-time targets missed/);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      readFileSync(path.join(dir, 'drill.xml'), 'utf8'),
    );
    const cases = junit.testsuites.testsuite.testcase as { name: string; failure?: { message: string } }[];
    assert.deepEqual(
      cases.map((c) => [c.name, c.failure === undefined]),
      [
        [met, true],
        [`${met} RTO target`, true],
        [missed, true],
        [`${missed} RTO target`, false],
      ],
    );
    assert.ok(existsSync(path.join(dir, 'run.html')));

    // the same drill again (the same workflow id): the page shows the trend of both runs
    const again = await stack.drsctl(['drill', '--input', input, '--workflow-id', workflowId, '--wait']);
    assert.equal(again.code, 1, again.stdout + again.stderr);

    const html = path.join(dir, 'evidence.html');
    const md = path.join(dir, 'evidence.md');
    const report = await stack.drsctl(['report', workflowId, '--report-html', html, '--report-md', md]);
    assert.equal(report.code, 1, report.stdout + report.stderr);
    assert.match(readFileSync(md, 'utf8'), /SUCCEEDED, targets MISSED/);

    const page = await browser!.newPage({ viewport: { width: 1100, height: 1400 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    assert.deepEqual(
      requests.filter((url) => !url.startsWith('file:')),
      [],
      'the page loads nothing from the network',
    );

    const rows = page.locator('svg.timeline g.row');
    assert.equal(await rows.count(), 2);
    for (const [i, server] of [met, missed].entries()) {
      const row = rows.nth(i);
      assert.equal(await row.getAttribute('data-server'), server);
      const phases = await row
        .locator('rect.segment')
        .evaluateAll((rects) => rects.map((r) => r.getAttribute('data-phase')));
      assert.deepEqual(phases, [
        'pending',
        'snapshot',
        'conversion',
        'launch',
        'boot',
        'validation',
        'cleanup',
      ]);
      const boot = await row.locator('rect.segment[data-phase="boot"]').boundingBox();
      assert.ok(boot && boot.width >= 1, 'the boot is drawn');
      const evidence = page.locator(`h4.boot[data-server="${server}"]`);
      assert.match(await evidence.innerText(), /PASSED: status checks ok/);
      const box = await row.locator('rect.segment[data-phase="launch"]').boundingBox();
      assert.ok(box && box.width >= 1, 'the launch step is drawn');
    }
    assert.equal(await page.locator('td.missed').count(), 1);
    assert.match(await page.locator('td.missed').innerText(), /^RTO \d+(\.\d)?s > 2s: MISSED$/);
    assert.match(await page.locator('td.met').first().innerText(), /^RTO \d+(\.\d)?s ≤ 600s: met$/);
    assert.match(await page.locator('body').innerText(), /no drill instance left/);
    assert.match(await page.locator('body').innerText(), /RTO judged on time to healthy/);
    assert.match(await page.locator('body').innerText(), /system ok, instance ok; passed at /);
    assert.match(await page.locator('body').innerText(), /Started by\s+drsctl as /);
    assert.equal(await page.locator('svg.trend g.bar').count(), 2, 'one bar per run of this drill');

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
