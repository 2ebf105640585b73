// An email connector for tests that outlive runtimes: it counts what it sent (by idempotency key)
// and can hold a send before it happens, or its reply after it happened.
import { z } from 'zod';
import { defineConnector } from '../connectors/index.ts';

function gate() {
  let open: () => void = () => {};
  let closed: Promise<void> = Promise.resolve();
  return {
    wait: () => closed,
    close: () => void (closed = new Promise((resolve) => (open = resolve))),
    open: () => open(),
  };
}

export function countingEmailConnector() {
  const sent: string[] = [];
  const beforeSending = gate();
  const beforeReplying = gate();
  const connector = defineConnector({
    name: 'email',
    description: 'A counting email connector for the tests.',
    tools: {
      send: {
        description: 'Send an email',
        risk: 'customer-facing',
        input: z.strictObject({ to: z.array(z.string()), subject: z.string(), body: z.string() }),
        async run(_args, { idempotencyKey }) {
          await beforeSending.wait();
          sent.push(idempotencyKey);
          await beforeReplying.wait();
          return { messageId: `<${sent.length}@mail.example>` };
        },
      },
    },
  });
  return {
    connector,
    /** Idempotency keys of the emails sent, in order. */
    sent,
    /** Holds sends (a slow connector) until `speedUp`. */
    slowDown: beforeSending.close,
    speedUp: beforeSending.open,
    /** Sends, but holds the replies until `releaseReplies`. */
    holdReplies: beforeReplying.close,
    releaseReplies: beforeReplying.open,
  };
}
