// Webhook delivery: a generic JSON POST and a Slack-compatible one ({ text, blocks }). The URLs are
// the worker's configuration (NOTIFY_WEBHOOK_URL, NOTIFY_SLACK_WEBHOOK_URL) and never leave this
// file: the workflow passes the event only, and the result names the receivers, not their URLs.
import { ApplicationFailure } from '@temporalio/common';
import type { NotificationEvent } from '../common/notifications';

export interface NotificationTargets {
  webhookUrl?: string;
  slackWebhookUrl?: string;
}

/** One POST may take this long; the workflow bounds the whole delivery (workflows/notifications.ts). */
const REQUEST_TIMEOUT_MS = 3000;

/** The Slack incoming-webhook shape: `text` (fallback and notification line) and one section block. */
export function slackPayload(event: NotificationEvent): { text: string; blocks: unknown[] } {
  const text = `${event.title}: ${event.workflowId}${event.outcome ? ` ${event.outcome}` : ''}`;
  const body = [`*${event.title}*`, `\`${event.workflowId}\` (${event.workflowType})`, event.summary]
    .filter(Boolean)
    .join('\n');
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: body } }] };
}

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
}

export function createNotificationActivities(targets: NotificationTargets = {}) {
  /**
   * Sends `event` to every configured receiver, side by side. Fails (retryable) when one did not
   * take it, naming the receiver by kind only; a retry sends to all again (at least once).
   */
  async function sendNotification(event: NotificationEvent): Promise<{ sent: string[] }> {
    const sends: [string, Promise<void>][] = [];
    if (targets.webhookUrl) sends.push(['webhook', post(targets.webhookUrl, event)]);
    if (targets.slackWebhookUrl) sends.push(['slack', post(targets.slackWebhookUrl, slackPayload(event))]);
    const results = await Promise.allSettled(sends.map(([, send]) => send));
    const failed = results
      .map((r, i) => (r.status === 'rejected' ? `${sends[i][0]}: ${(r.reason as Error).message}` : ''))
      .filter(Boolean);
    // fetch's own message ("fetch failed", a timeout) names no address; the receiver is named by kind
    if (failed.length)
      throw ApplicationFailure.retryable(`not delivered to ${failed.join('; ')}`, 'NotDelivered');
    return { sent: sends.map(([kind]) => kind) };
  }

  return { sendNotification };
}
