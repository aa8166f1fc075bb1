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

/**
 * Slack reads `<…>` as a link or a mention (`<!channel>`) and `&` as the start of an entity; a
 * workflow id or summary is whatever the starter chose, so each is escaped as Slack asks.
 */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Slack incoming-webhook shape: `text` (fallback and notification line) and one section block. */
export function slackPayload(event: NotificationEvent): { text: string; blocks: unknown[] } {
  const e = {
    title: slackEscape(event.title),
    workflowId: slackEscape(event.workflowId),
    workflowType: slackEscape(event.workflowType),
    summary: event.summary === undefined ? undefined : slackEscape(event.summary),
  };
  const text = `${e.title}: ${e.workflowId}${event.outcome ? ` ${event.outcome}` : ''}`;
  const body = [`*${e.title}*`, `\`${e.workflowId}\` (${e.workflowType})`, e.summary]
    .filter(Boolean)
    .join('\n');
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: body } }] };
}

/**
 * POSTs `body`; a failure says only what happened (`HTTP 503`, `no answer in time`, `request
 * failed`): fetch's own errors may carry the URL, which is a secret.
 */
async function post(url: string, body: unknown): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    throw new Error((err as Error).name === 'TimeoutError' ? 'no answer in time' : 'request failed');
  }
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
    // the receiver is named by kind, the failure by post()'s own words: never the URL
    if (failed.length)
      throw ApplicationFailure.retryable(`not delivered to ${failed.join('; ')}`, 'NotDelivered');
    return { sent: sends.map(([kind]) => kind) };
  }

  return { sendNotification };
}
