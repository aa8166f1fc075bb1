// Webhook notifications never leak their URL and never let a run's own text act in Slack.
import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNotificationActivities, slackPayload } from '../../activities/notifications';
import type { NotificationEvent } from '../../common/notifications';
import { ConfigError, loadWorkerConfig } from '../../worker/config';

const event: NotificationEvent = {
  kind: 'run-ended',
  title: 'drill FAILED',
  workflowId: 'drill-<!channel>-a&b',
  runId: 'r',
  workflowType: 'drsDrill',
  outcome: 'FAILED',
  summary: 'see <https://evil.example|here>',
  at: '2026-12-04T00:00:00.000Z',
};

describe('notification secrets and escaping', () => {
  it('escapes <, > and & of the run in Slack messages (no <!channel> mention, no link)', () => {
    const payload = JSON.stringify(slackPayload(event));
    assert.ok(!payload.includes('<'), payload);
    assert.ok(!payload.includes('>'), payload);
    assert.match(payload, /drill-&lt;!channel&gt;-a&amp;b/);
    assert.match(payload, /see &lt;https:\/\/evil\.example\|here&gt;/);
  });

  it('refuses a webhook URL carrying user:token, without printing it', () => {
    for (const name of ['NOTIFY_WEBHOOK_URL', 'NOTIFY_SLACK_WEBHOOK_URL']) {
      assert.throws(
        () => loadWorkerConfig({ [name]: 'https://ops:s3cret@hooks.example/x' }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.match(err.message, new RegExp(`${name}: must not carry credentials`));
          assert.ok(!err.message.includes('s3cret'), err.message);
          return true;
        },
      );
    }
  });

  it('names a failed delivery by receiver and reason, never by URL', async () => {
    // fetch refuses a URL with credentials before connecting, in an error that quotes the URL
    const withCredentials = createNotificationActivities({
      webhookUrl: 'http://ops:s3cret@127.0.0.1:9/hook',
    });
    await assert.rejects(withCredentials.sendNotification(event), (err: Error) => {
      assert.equal(err.message, 'not delivered to webhook: request failed');
      return true;
    });

    const server = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const secretPath = createNotificationActivities({
        slackWebhookUrl: `http://127.0.0.1:${port}/T0/B0/s3cret`,
      });
      await assert.rejects(
        secretPath.sendNotification(event),
        /^Error: not delivered to slack: HTTP 503$|not delivered to slack: HTTP 503$/,
      );
    } finally {
      server.close();
    }
  });
});
