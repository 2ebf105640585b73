// The deployment's connectors: `connectors.yaml` beside the coworker definitions says which
// connectors run and how they reach their services; each section is checked by its connector's
// own schema, and every problem is reported with its line. Secrets come from the environment,
// or from the dotenv-style file named by COWORKERS_SECRETS_FILE, never from the YAML.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import type { Logger } from 'pino';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { CoworkersError } from '../protocol/index.ts';
import type { Documents } from '../persistence/index.ts';
import { createYamlLocator } from '../definitions/yaml-positions.ts';
import type { Connector } from './connector-kit.ts';
import type { FactoryLoaders } from './factories.ts';

export const CONNECTORS_FILE = 'connectors.yaml';

export interface ConnectorsConfig {
  /** The file it came from, or null when there is none (no connector configured). */
  file: string | null;
  /** Section name → its raw settings, checked later by the connector's schema. */
  sections: Record<string, unknown>;
  locate(path: readonly PropertyKey[]): string;
}

/** Reads `<dir>/connectors.yaml`; a missing file means no configured connector. */
export function readConnectorsConfig(dir: string): ConnectorsConfig {
  const file = join(dir, CONNECTORS_FILE);
  if (!existsSync(file)) return { file: null, sections: {}, locate: () => file };
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter, prettyErrors: false });
  const locator = createYamlLocator(doc, lineCounter);
  const locate = (path: readonly PropertyKey[]) => {
    const { line, column } = locator.valueAt(path);
    return `${file}:${line}:${column}`;
  };
  const [error] = doc.errors;
  if (error) {
    const { line, column } = locator.offset(error.pos[0]);
    throw configError(`${file}:${line}:${column}: invalid YAML: ${error.message}`, file);
  }
  if (doc.contents === null) return { file, sections: {}, locate };
  if (!isMap(doc.contents)) throw configError(`${file} must map connector names to their settings (crm: …, email: …).`, file);
  return { file, sections: doc.toJS() as Record<string, unknown>, locate };
}

export interface SecretsOptions {
  env: NodeJS.ProcessEnv;
}

/** Looks secrets up in the environment, then in COWORKERS_SECRETS_FILE; the environment wins. */
export function createSecrets({ env }: SecretsOptions): (name: string) => string {
  const file = env.COWORKERS_SECRETS_FILE;
  const fromFile = file ? parseEnv(readSecretsFile(file)) : {};
  return (name) => {
    const value = env[name] || fromFile[name];
    if (value) return value;
    throw new CoworkersError('CONFIG_INVALID', `The secret ${name} is not set.`, {
      hint: `Set the environment variable ${name}${file ? ` or add ${name}=… to ${file}` : ', or put it in a file named by COWORKERS_SECRETS_FILE'}.`,
    });
  };
}

/**
 * The values of the named secrets that are set (environment first, then COWORKERS_SECRETS_FILE),
 * for the scrubber; a missing one is left out (the connector that needs it says so at start).
 */
export function secretValues({ env }: SecretsOptions, names: Iterable<string>): Record<string, string> {
  const file = env.COWORKERS_SECRETS_FILE;
  let fromFile: Record<string, string | undefined> = {};
  try {
    fromFile = file ? parseEnv(readSecretsFile(file)) : {};
  } catch {
    // createSecrets reports an unreadable file when a connector needs it.
  }
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = env[name] || fromFile[name];
    if (value) values[name] = value;
  }
  return values;
}

/**
 * Every secret name the connectors' settings give: each setting ending in `Env` (a name, or a map
 * of names such as `headersEnv`) and the variables of an MCP server's `env` (child variable → name).
 */
export function connectorSecretNames(config: Pick<ConnectorsConfig, 'sections'>): string[] {
  const names = new Set<string>();
  const addNames = (value: unknown) => {
    if (typeof value === 'string') names.add(value);
    else if (value && typeof value === 'object' && !Array.isArray(value)) for (const item of Object.values(value)) if (typeof item === 'string') names.add(item);
  };
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      if (key.endsWith('Env') || key === 'env') addNames(item);
      else walk(item);
    }
  };
  walk(config.sections);
  return [...names];
}

function readSecretsFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CoworkersError('CONFIG_INVALID', `COWORKERS_SECRETS_FILE names ${file}, which cannot be read: ${(error as Error).message}`, {
      hint: 'Point COWORKERS_SECRETS_FILE at a file of NAME=value lines, or unset it.',
    });
  }
}

export interface ConfiguredConnectors {
  connectors: Connector[];
  close(): Promise<void>;
}

export interface CreateConnectorsOptions {
  config: ConnectorsConfig;
  factories: FactoryLoaders;
  documents: Documents;
  secret: (name: string) => string;
  baseDir: string;
  dataDir: string;
  logger: Logger;
  now?: () => number;
  /** Only this section (for `coworkers connector <name>`). */
  only?: string;
}

/** Builds every configured connector; on any problem, closes what was built and says what to fix. */
export async function createConfiguredConnectors(options: CreateConnectorsOptions): Promise<ConfiguredConnectors> {
  const { config, factories } = options;
  const names = Object.keys(config.sections);
  const unknown = names.filter((name) => !Object.hasOwn(factories, name));
  if (unknown.length > 0) {
    throw configError(`${config.locate([unknown[0]!])}: unknown connector "${unknown[0]}"; the connectors are ${Object.keys(factories).join(', ')}.`, config.file);
  }
  if (options.only && !names.includes(options.only)) {
    throw new CoworkersError('CONFIG_INVALID', `The connector "${options.only}" is not configured${config.file ? ` in ${config.file}` : ` (there is no ${CONNECTORS_FILE})`}.`, {
      hint: `Add a "${options.only}:" section to ${CONNECTORS_FILE}; configured: ${names.join(', ') || 'none'}.`,
    });
  }
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => {});
  };
  const connectors: Connector[] = [];
  try {
    for (const name of options.only ? [options.only] : names) {
      const factory = await factories[name]!();
      const parsed = factory.settings.safeParse(config.sections[name] ?? {});
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${config.locate([name, ...issue.path])}: ${[name, ...issue.path].join('.')}: ${issue.message}`);
        throw configError(problems.join('\n'), config.file);
      }
      const made = await factory.create(parsed.data, {
        documents: options.documents,
        secret: options.secret,
        baseDir: options.baseDir,
        dataDir: options.dataDir,
        logger: options.logger.child({ connector: name }),
        now: options.now ?? Date.now,
        onClose: (closer) => void closers.push(closer),
      });
      for (const connector of [made].flat()) {
        if (connectors.some((other) => other.name === connector.name)) {
          throw configError(`${config.locate([name])}: two connectors are named "${connector.name}"; tool names would be ambiguous (rename the MCP server).`, config.file);
        }
        connectors.push(connector);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { connectors, close };
}

function configError(message: string, file: string | null): CoworkersError {
  return new CoworkersError('CONFIG_INVALID', `The connector configuration is not valid:\n${message}`, {
    hint: `Fix ${file ?? CONNECTORS_FILE}; connectors/README.md lists every connector's settings.`,
  });
}
