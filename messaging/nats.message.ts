// NATS messages → BusMessage: relative subject, decoded JSON, plain string headers.
import type { MsgHdrs } from '@nats-io/transport-node';
import { decodeJson } from './bus.codec.ts';
import type { BusMessage } from './bus.port.ts';

/** What core and JetStream messages have in common. */
interface NatsMessageLike {
  subject: string;
  headers?: MsgHdrs | undefined;
  string(): string;
}

/**
 * Headers as a plain object, without the transport's own `Nats-*` headers (Nats-Msg-Id and the
 * like), so handlers see exactly what the publisher set, as with the in-process bus.
 */
function plainHeaders(headers: MsgHdrs | undefined): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const name of headers?.keys() ?? []) {
    if (!name.toLowerCase().startsWith('nats-')) plain[name] = headers?.last(name) ?? '';
  }
  return plain;
}

/** Throws COMMAND_INVALID when the body is not JSON (a message from outside the bus port). */
export function toBusMessage(message: NatsMessageLike, prefix: string, redelivered = false): BusMessage {
  const subject = message.subject.slice(prefix.length + 1);
  return { subject, data: decodeJson(message.string(), subject), headers: plainHeaders(message.headers), redelivered };
}

