// Where the calendar's ICS text comes from: a file, re-read when it changes, or a feed URL,
// downloaded again once `refresh` has passed. A feed that is briefly away is served from the
// last good copy, so one failed download does not blank the calendar.
import { stat, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { CoworkersError } from '../../protocol/index.ts';

/** A feed that does not answer in this time counts as away. */
const DOWNLOAD_TIMEOUT_MS = 15_000;

export interface IcsSource {
  /** How messages name the calendar; never a private URL. */
  readonly label: string;
  text(): Promise<string>;
}

export interface IcsSourceOptions {
  /** A file path (relative to baseDir) or an http(s)/webcal URL. */
  location: string;
  /** The name of the variable the location came from, when it is a secret URL. */
  secretName?: string;
  baseDir: string;
  refreshMs: number;
  now(): number;
  logger: Logger;
}

const URL_PATTERN = /^(https?|webcal):\/\//i;

export function createIcsSource(options: IcsSourceOptions): IcsSource {
  const { location, secretName } = options;
  if (URL_PATTERN.test(location)) return createFeedSource({ ...options, url: location.replace(/^webcal:/i, 'https:') });
  if (secretName) {
    throw new CoworkersError('CONFIG_INVALID', `The variable ${secretName} named by calendar.urlEnv does not hold an http(s) URL.`, {
      hint: `Set ${secretName} to the calendar's ICS feed URL, or name a file with calendar.ics instead.`,
    });
  }
  return createFileSource(resolve(options.baseDir, location));
}

function createFileSource(path: string): IcsSource {
  let cached: { version: string; text: string } | undefined;
  return {
    label: path,
    async text() {
      const version = await fileVersion(path);
      if (cached?.version !== version) cached = { version, text: await readFile(path, 'utf8') };
      return cached.text;
    },
  };
}

async function fileVersion(path: string): Promise<string> {
  try {
    const { mtimeMs, size } = await stat(path);
    return `${mtimeMs}:${size}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new CoworkersError('TOOL_FAILED', `The calendar file ${path} does not exist.`, {
      hint: 'Fix calendar.ics in connectors.yaml (a path relative to that file), or create the file.',
    });
  }
}

function createFeedSource(options: IcsSourceOptions & { url: string }): IcsSource {
  const { url, refreshMs, now, logger } = options;
  const label = options.secretName ? `the calendar feed in ${options.secretName}` : url;
  let cached: { text: string; at: number } | undefined;
  let downloading: Promise<string> | undefined;

  async function download(): Promise<string> {
    try {
      const text = await get(url, label);
      cached = { text, at: now() };
      return text;
    } catch (error) {
      if (!cached) throw error;
      logger.warn({ err: error, calendar: label }, 'the calendar feed could not be downloaded; using the last copy');
      return cached.text;
    }
  }

  return {
    label,
    text() {
      if (cached && now() - cached.at < refreshMs) return Promise.resolve(cached.text);
      downloading ??= download().finally(() => (downloading = undefined));
      return downloading;
    },
  };
}

async function get(url: string, label: string): Promise<string> {
  // Errors name the label, not the URL: a private feed's URL is its password.
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), headers: { accept: 'text/calendar, */*' } });
  } catch (error) {
    throw new Error(`${label} could not be reached (${(error as Error).name})`);
  }
  if (response.ok) return response.text();
  await response.body?.cancel();
  const away = response.status === 408 || response.status === 429 || response.status >= 500;
  if (away) throw new Error(`${label} answered HTTP ${response.status}`);
  throw new CoworkersError('TOOL_FAILED', `${label} answered HTTP ${response.status}; the calendar could not be read.`, {
    hint: 'Check the feed URL in connectors.yaml (or its variable): it may be mistyped, revoked or private.',
  });
}
