// The evidence index a DR manager opens on Monday: a store holding five weeks of a scheduled drill
// (one week over its RTO target), a plan and its drill children, written by the same writer the
// worker uses; `drsctl evidence site` (the real binary, no Temporal) writes the site, and Debian's
// chromium renders it from files with every request recorded: runs by application, the last
// successful drill per server, the RTO/RPO trend against the targets, links to each run's page.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { openEvidenceStore } from '../../common/evidence-store/store';
import { writeEvidence, type RunEvidence } from '../../common/evidence-store/write';
import { repoRoot } from '../../common/paths';
import { runDrsctl } from '../cli/stack';
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from './chromium';

const SCREENSHOT = path.join(repoRoot(), 'test-artifacts', 'evidence-site.png');
const WEB = ['s-1111111111111111a', 's-2222222222222222b'];
const DB = 's-3333333333333333c';

function drill(
  workflowId: string,
  closedAt: string,
  servers: string[],
  rto: number,
  extra: Partial<RunEvidence['run']> = {},
): RunEvidence {
  return {
    report: {
      operation: 'drill',
      workflowId,
      outcome: 'SUCCEEDED',
      region: 'eu-central-1',
      targetsMet: rto <= 900,
      servers: servers.map((sourceServerId, i) => ({
        sourceServerId,
        launchStatus: 'LAUNCHED',
        terminated: true,
        timeToLaunchSeconds: rto + i * 20,
        dataAgeSeconds: 40 + i * 10,
        targets: {
          rto: { targetSeconds: 900, measuredSeconds: rto + i * 20, met: rto + i * 20 <= 900 },
          rpo: { targetSeconds: 300, measuredSeconds: 40 + i * 10, met: true },
        },
      })),
      summary: `${servers.length}/${servers.length} servers launched`,
      startedAt: new Date(Date.parse(closedAt) - 1_200_000).toISOString(),
      finishedAt: closedAt,
    },
    run: {
      workflowId,
      runId: `r-${closedAt.slice(0, 10)}`,
      workflowType: 'drsDrill',
      status: 'COMPLETED',
      ...extra,
    },
    jobLogs: {},
    notes: [],
  };
}

describe('evidence site: the index page rendered in chromium', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  let dir: string;

  before(async () => {
    requireChromium();
    dir = mkdtempSync(path.join(tmpdir(), 'drs-evidence-site-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows runs by application, the last drill per server and the RTO/RPO trend against targets, offline', async () => {
    const url = pathToFileURL(path.join(dir, 'store')).href;
    const store = openEvidenceStore({ url });
    const weeks = [540, 610, 580, 1020, 560];
    const now = Date.now();
    for (const [i, rto] of weeks.entries()) {
      const closedAt = new Date(now - (weeks.length - i) * 7 * 86_400_000).toISOString();
      await writeEvidence(store, drill(`weekly-web-${i}`, closedAt, WEB, rto, { scheduleId: 'weekly-web' }));
    }
    const planClosed = new Date(now - 2 * 86_400_000).toISOString();
    await writeEvidence(store, drill('dr-plan-db-1', planClosed, [DB], 300, { parentWorkflowId: 'dr-plan' }));

    const out = path.join(dir, 'site');
    const site = await runDrsctl(['evidence', 'site', '--out', out, '--evidence-url', url], {});
    assert.equal(site.code, 0, site.stdout + site.stderr);

    const page = await browser!.newPage({ viewport: { width: 1150, height: 1200 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(path.join(out, 'index.html')).href, { waitUntil: 'load' });
    assert.deepEqual(
      requests.filter((u) => !u.startsWith('file:')),
      [],
      'the page loads nothing from the network',
    );

    const apps = await page.locator('section.application h3').allInnerTexts();
    assert.deepEqual(apps, ['plan dr-plan', 'schedule weekly-web']);
    const weekly = page.locator('section.application').nth(1);
    // two lines (RTO, RPO), a point per run each, the targets dashed, the slow week's RTO in red
    assert.equal(await weekly.locator('svg.trend polyline').count(), 2);
    assert.equal(await weekly.locator('svg.trend circle').count(), 10);
    assert.equal(await weekly.locator('svg.trend line.target').count(), 2);
    assert.equal(await weekly.locator('svg.trend circle[fill="#cf222e"]').count(), 1);
    const box = await weekly.locator('svg.trend').boundingBox();
    assert.ok(box && box.width > 500 && box.height > 100, 'the chart is drawn');
    assert.equal(await weekly.locator('tbody tr').count(), weeks.length);

    const lastDrills = await page.locator('table').first().locator('tbody tr').allInnerTexts();
    assert.equal(lastDrills.length, 3);
    assert.match(lastDrills.find((r) => r.includes(WEB[0])) ?? '', /weekly-web-4/);
    assert.match(lastDrills.find((r) => r.includes(DB)) ?? '', /dr-plan-db-1\s+\S+\s+2 days ago/);

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // each run links to its stored evidence page, also offline
    await page.locator('a', { hasText: 'weekly-web-3' }).first().click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('h1').innerText(), /drill/i);
    assert.match(await page.locator('body').innerText(), /weekly-web-3/);
  });
});
