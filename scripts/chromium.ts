// The browser of the console's end-to-end tests and benchmark: Debian's Chromium, driven by
// playwright-core (which cannot download its own browser here). Installed with apt the first
// time when running as root; otherwise the error says what to install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Without the networking flags Chromium keeps calling Google's hosts, which a closed network refuses.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: install Debian's package (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  process.stderr.write("Installing Debian's chromium once for the browser tests (apt-get install chromium)...\n");
  const apt = (...args: string[]) => execFileSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    apt('install', '-y', '--no-install-recommends', 'chromium');
  } catch {
    // A fresh machine may have no package lists yet.
    apt('update');
    apt('install', '-y', '--no-install-recommends', 'chromium');
  }
  return CHROMIUM;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), args: FLAGS });
}
