// The Temporal Web UI as an operator uses it: open the dev server's UI in Debian's chromium
// (headless, driven by playwright-core; no browser download), start a drill through the "Start
// Workflow" form with the JSON input documented in docs/ui.md, wait on the workflow page until it
// shows the completed drill, and save a screenshot under test-artifacts/.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../../common/paths';
import { DrsOutcome } from '../../common/search-attributes';
import { startCliStack, type CliStack } from '../cli/stack';
import { devServerUiUrl } from '../helpers/temporal';
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from './chromium';

const SCREENSHOT = path.join(repoRoot(), 'test-artifacts', 'ui-drill-completed.png');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Temporal UI: start a drill from the Start Workflow form', function () {
  this.timeout(240_000);
  let stack: CliStack;
  let browser: BrowserContext | undefined;
  let profileDir: string;

  before(async () => {
    requireChromium();
    stack = await startCliStack('ui');
    profileDir = mkdtempSync(path.join(tmpdir(), 'drs-ui-chromium-'));
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 1100 },
    });
  });
  after(async () => {
    await browser?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await stack?.stop();
  });

  async function openWorkflowWhenCompleted(page: Page, ui: string, workflowId: string): Promise<void> {
    const url = `${ui}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`;
    for (let attempt = 0; ; attempt++) {
      await page.goto(url, { waitUntil: 'networkidle' });
      const result = page.getByTestId('input-and-result');
      const completed = await page.getByText('Completed', { exact: true }).first().isVisible();
      if (completed && (await result.innerText()).includes('"outcome": "SUCCEEDED"')) return;
      assert.ok(attempt < 60, `the UI never showed ${workflowId} completed`);
      await sleep(2000);
    }
  }

  it('starts drsDrill with JSON input, the run completes and the page shows the report', async () => {
    const ui = devServerUiUrl();
    const [server] = await stack.healthyServers(1);
    const workflowId = `ui-drill-${Date.now()}`;
    const page = browser!.pages()[0] ?? (await browser!.newPage());

    await page.goto(`${ui}/namespaces/default/workflows/start-workflow`, { waitUntil: 'networkidle' });
    await page.fill('#workflowId', workflowId);
    await page.fill('#taskQueue', stack.taskQueue);
    await page.fill('#workflowType', 'drsDrill');
    // the input box is a code editor, not an <input>: focus it and type the JSON
    await page.locator('.cm-content').first().click();
    await page.keyboard.insertText(
      JSON.stringify({ sourceServerIds: [server], region: 'us-east-1' }, null, 2),
    );
    await page.getByTestId('start-workflow-button').click();
    // UI 2.54 shows it twice: as a toast and as a link to the run
    await page.getByText('Workflow started successfully').first().waitFor({ timeout: 30_000 });

    await openWorkflowWhenCompleted(page, ui, workflowId);
    await page.getByText(server).first().waitFor();
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });

    // the run the form started is a real drill: its report and the list filter's search attributes
    const handle = stack.env.client.workflow.getHandle(workflowId);
    const report = await handle.result();
    assert.equal(report.outcome, 'SUCCEEDED');
    assert.deepEqual(
      report.servers.map((s: { sourceServerId: string }) => s.sourceServerId),
      [server],
    );
    const { typedSearchAttributes } = await handle.describe();
    assert.equal(typedSearchAttributes.get(DrsOutcome), 'SUCCEEDED');
  });
});
