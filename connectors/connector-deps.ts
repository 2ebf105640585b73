// What every configured connector is built from: its section of `connectors.yaml` (checked by
// its own zod schema) and these dependencies. Secrets never appear in `connectors.yaml`: a
// setting ending in `Env` names the environment variable (or secrets-file entry) that holds it.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Documents } from '../persistence/index.ts';
import type { Connector } from './connector-kit.ts';

export interface ConnectorDeps {
  /** The project's store (SQLite in the embedded mode, MongoDB in the distributed one). */
  documents: Documents;
  /** The value of a secret by its variable name; throws a CONFIG_INVALID error naming it when unset. */
  secret(name: string): string;
  /** Relative paths in `connectors.yaml` are relative to this folder (the one holding the file). */
  baseDir: string;
  /** Where a connector may keep files of its own (the embedded mode's data folder), e.g. an outbox. */
  dataDir: string;
  logger: Logger;
  now(): number;
  /** Registers work to do when the process stops (close a client, stop a child process). */
  onClose(close: () => Promise<void>): void;
}

export interface ConnectorFactory<Settings extends z.ZodType = z.ZodType> {
  /** The section name in `connectors.yaml`, and the connector's name where it makes one. */
  name: string;
  /** The section's shape; `.describe()` each field, since `coworkers` prints them on a mistake. */
  settings: Settings;
  /** One connector, or several (the `mcp` section makes one per server). */
  create(settings: z.output<Settings>, deps: ConnectorDeps): Promise<Connector | Connector[]>;
}
