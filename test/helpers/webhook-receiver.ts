// A loopback webhook receiver around a suite (mocha hooks), with the notification targets the drill
// harness's activities deliver to. Call it before useDrillHarness, so `targets` holds the URL
// by the time the harness's worker starts.
import type { NotificationTargets } from '../../activities/notifications';
import type { NotificationEvent } from '../../common/notifications';
import { startReceiver, type WebhookReceiver } from '../fixtures/webhook-receiver';

interface ReceiverInUse {
  /** Pass as the harness's `notifications`: filled in before the harness starts. */
  targets: NotificationTargets;
  /** `http://127.0.0.1:<port>` (the webhook URL is `<url>/hook`). */
  readonly url: string;
  /** The events received for `workflowId`, in arrival order. */
  notices(workflowId: string): NotificationEvent[];
}

export function useWebhookReceiver(): ReceiverInUse {
  let receiver: WebhookReceiver | undefined;
  const targets: NotificationTargets = {};
  const running = () => {
    if (!receiver) throw new Error('the webhook receiver did not start');
    return receiver;
  };
  before(async () => {
    receiver = await startReceiver();
    targets.webhookUrl = `${receiver.url}/hook`;
  });
  after(() => receiver?.server.close());
  return {
    targets,
    get url() {
      return running().url;
    },
    notices: (workflowId) =>
      running()
        .received.map((r) => r.body as unknown as NotificationEvent)
        .filter((e) => e.workflowId === workflowId),
  };
}
