// The root logger. Credentials must never reach a log line, whatever object a component logs:
// any field named like a secret is censored, at the top level and two levels down, and every
// secret the process knows is replaced by `[secret:NAME]` wherever it appears in the line.
import { pino, type DestinationStream, type Logger } from 'pino';
import { noScrubber, type Scrubber } from '../protocol/scrubber.ts';

const SECRET_FIELDS = ['password', 'pass', 'token', 'accessToken', 'apiKey', 'secret', 'authorization', 'Authorization', 'cookie', 'OPENAI_API_KEY'];

export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

export function createLogger(level: string, destination?: DestinationStream, scrubber: Scrubber = noScrubber): Logger {
  // streamWrite sees each serialized line before any destination or transport (pino-pretty) does.
  const hooks = scrubber === noScrubber ? {} : { hooks: { streamWrite: scrubber.scrubText } };
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, ...hooks };
  if (destination) return pino(options, destination);
  // Logs go to stderr so that stdout stays clean for --json output; readable when a person watches.
  if (process.stderr.isTTY) return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2, ignore: 'pid,hostname' } } });
  return pino(options, pino.destination(2));
}
