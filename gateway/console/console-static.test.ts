// The page's files: served from console/ and @xstate/store's dist/, with the security headers,
// and nothing outside those folders, however the path is written.
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, rawGet, startConsoleFixture, type ConsoleFixture } from './console-test-kit.ts';

const CONSOLE_DIR = new URL('../../console/', import.meta.url);
let fixture: ConsoleFixture;
beforeAll(async () => {
  fixture = await startConsoleFixture();
});
afterAll(() => fixture.close());

describe('static files', () => {
  it('serves / as console/index.html without a session', async () => {
    const response = await api(fixture.server, '/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toBe(readFileSync(new URL('index.html', CONSOLE_DIR), 'utf8'));
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'; img-src 'self' data:; style-src 'self' 'unsafe-inline'$/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves the page\'s scripts, nested ones too, as JavaScript', async () => {
    const scripts = readdirSync(CONSOLE_DIR, { recursive: true, encoding: 'utf8' }).filter((file) => extname(file) === '.js');
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const response = await api(fixture.server, `/assets/${script}`);
      expect({ script, status: response.status, type: response.headers.get('content-type') }).toEqual({ script, status: 200, type: 'text/javascript; charset=utf-8' });
      expect(await response.text()).toBe(readFileSync(new URL(script, CONSOLE_DIR), 'utf8'));
    }
  });

  it('serves @xstate/store from its dist folder', async () => {
    const response = await api(fixture.server, '/vendor/xstate-store/xstate-store.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toContain('createStore');
  });

  it('answers 404 for missing files and types it does not serve', async () => {
    for (const path of ['/assets/missing.js', '/assets/views', '/vendor/xstate-store/xstate-store.d.ts', '/favicon.ico']) {
      expect({ path, status: (await api(fixture.server, path)).status }).toEqual({ path, status: 404 });
    }
  });

  it('refuses paths out of the folders, plain or encoded', async () => {
    // cli/bin.js is a .js file outside both folders: only the folder check keeps it out.
    const outside = [
      '/assets/../cli/bin.js',
      '/assets/%2e%2e/cli/bin.js',
      '/assets/..%2fcli%2fbin.js',
      '/assets/%2e%2e%2fcli%2fbin.js',
      '/assets/views/..%2f..%2fcli%2fbin.js',
      '/assets/..%5ccli%5cbin.js',
      '/assets/%2fwork%2fmain%2fcli%2fbin.js',
      `/assets/${encodeURIComponent(new URL('../../cli/bin.js', import.meta.url).pathname)}`,
      '/vendor/xstate-store/..%2f..%2f..%2f..%2fcli%2fbin.js',
      '/assets/app.js%00.js',
    ];
    for (const path of outside) {
      const { status, body } = await rawGet(fixture.server, path);
      expect({ path, status }).toEqual({ path, status: 404 });
      expect(body).not.toContain('strips types natively');
    }
  });
});
