// The app package as Teams reads it: one id for the app and its bot, the scopes the gateway
// serves, and the two icons at the sizes Teams requires.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = import.meta.dirname;
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

/** Width, height and colour type from a PNG's IHDR. */
function pngHeader(file: string) {
  const bytes = readFileSync(join(dir, file));
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), alpha: bytes[25] === 6 };
}

describe('the Teams app manifest', () => {
  it('names one id for the app and its bot, to be replaced by the bot registration\'s client id', () => {
    expect(manifest.manifestVersion).toBe('1.19');
    expect(manifest.id).toBe(manifest.bots[0].botId);
    expect(manifest.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lets the bot work in chats, channels and group chats, and say what it takes', () => {
    expect(manifest.bots).toHaveLength(1);
    expect(manifest.bots[0].scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(manifest.bots[0].isNotificationOnly).toBe(false);
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
  });

  it('brings a 192x192 colour icon and a 32x32 transparent outline', () => {
    expect(pngHeader(manifest.icons.color)).toMatchObject({ width: 192, height: 192 });
    expect(pngHeader(manifest.icons.outline)).toEqual({ width: 32, height: 32, alpha: true });
  });
});
