// The page's files: `/` is console/index.html, `/assets/<path>` a file under console/, and
// `/vendor/xstate-store/<file>` the browser build of @xstate/store. A path that leads outside
// its folder (`..`, encoded or not, or a link out) is answered like a missing file.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ServerResponse } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError, SECURITY_HEADERS } from './http.ts';

const CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));
const XSTATE_STORE_DIR = join(dirname(createRequire(import.meta.url).resolve('@xstate/store/package.json')), 'dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The file a static path names, or null when it names none (then the API routes are tried). */
export function staticFileOf(pathname: string): { root: string; relative: string } | null {
  if (pathname === '/') return { root: CONSOLE_DIR, relative: 'index.html' };
  if (pathname.startsWith('/assets/')) return { root: CONSOLE_DIR, relative: pathname.slice('/assets/'.length) };
  if (pathname.startsWith('/vendor/xstate-store/')) return { root: XSTATE_STORE_DIR, relative: pathname.slice('/vendor/xstate-store/'.length) };
  return null;
}

const notFound = (pathname: string) => new HttpError(404, 'NOT_FOUND', `No file ${pathname}.`);

/** Streams the file, or throws a 404 for a missing, unsupported or outside path. */
export async function sendStaticFile(response: ServerResponse, file: { root: string; relative: string }, pathname: string): Promise<void> {
  let relative: string;
  try {
    relative = decodeURIComponent(file.relative);
  } catch {
    throw notFound(pathname);
  }
  const contentType = CONTENT_TYPES[extname(relative).toLowerCase()];
  const path = resolve(file.root, relative);
  if (!contentType || relative.includes('\0') || !path.startsWith(file.root.endsWith(sep) ? file.root : file.root + sep)) throw notFound(pathname);
  // The real paths too, so a symbolic link cannot lead out of the folder.
  const [realRoot, realPath] = await Promise.all([realpath(file.root), realpath(path)]).catch(() => [null, null]);
  if (!realRoot || !realPath || !realPath.startsWith(realRoot + sep)) throw notFound(pathname);
  const found = await stat(realPath);
  if (!found.isFile()) throw notFound(pathname);
  response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': contentType, 'content-length': String(found.size) });
  createReadStream(realPath).on('error', () => response.destroy()).pipe(response);
}
