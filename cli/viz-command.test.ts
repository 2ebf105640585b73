import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../definitions/index.ts';
import { createSqliteStore, type Store } from '../persistence/index.ts';
import type { CoworkerStatus } from '../protocol/index.ts';
import { vizCommand, type VizFormat } from './viz-command.ts';

const AVA = fileURLToPath(new URL('../examples/ava.yaml', import.meta.url));
const BLOCKED_ON_DUTY: CoworkerStatus = { state: { status: 'blocked', shift: 'onDuty' }, since: 1_700_000_000_000, backlog: 1 };

/** The state ids whose group in the SVG carries the `active` class. */
function activeInSvg(svg: string): string[] {
  return [...svg.matchAll(/<g class="([^"]*)" data-state-id="([^"]*)">/g)].filter((match) => match[1]!.split(' ').includes('active')).map((match) => match[2]!);
}

describe('vizCommand', () => {
  let store: Store;

  beforeEach(async () => {
    store = createSqliteStore({ path: ':memory:' });
    const { definitions, problems } = await loadDefinitions(AVA);
    expect(problems).toEqual([]);
    await store.registerCoworkers(definitions.map(({ definition }) => definition));
  });

  afterEach(async () => {
    await store.close();
  });

  describe('for a coworker that is blocked and on duty', () => {
    beforeEach(async () => {
      await store.saveSnapshot('ava', 0, {}, BLOCKED_ON_DUTY);
    });

    it('marks its states in the SVG', async () => {
      const svg = await vizCommand({ coworkerId: 'ava', format: 'svg', store });
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(activeInSvg(svg)).toEqual(['coworker.status.blocked', 'coworker.shift.onDuty']);
    });

    it('marks its states in the Mermaid text', async () => {
      const mermaid = await vizCommand({ coworkerId: 'ava', format: 'mermaid', store });
      expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
      expect(mermaid.split('\n').filter((line) => /^\s*class \S+ active$/.test(line))).toEqual(['  class coworker_status_blocked active', '  class coworker_shift_onDuty active']);
    });

    it('marks its states in the JSON', async () => {
      const json = JSON.parse(await vizCommand({ coworkerId: 'ava', format: 'json', store }));
      expect(json.coworkerId).toBe('ava');
      expect(json.active).toEqual(['coworker.status.blocked', 'coworker.shift.onDuty']);
      expect(json.states.filter((state: { active: boolean }) => state.active).map((state: { id: string }) => state.id)).toEqual(json.active);
      expect(json.transitions).toContainEqual(expect.objectContaining({ source: 'coworker.status.blocked', target: 'coworker.status.working', event: 'block.resolve' }));
    });
  });

  it('marks nothing for a coworker that never ran', async () => {
    expect(activeInSvg(await vizCommand({ coworkerId: 'ava', format: 'svg', store }))).toEqual([]);
    expect(JSON.parse(await vizCommand({ coworkerId: 'ava', format: 'json', store })).active).toEqual([]);
  });

  it('names the known coworkers when the id is unknown', async () => {
    await expect(vizCommand({ coworkerId: 'bob', format: 'svg', store })).rejects.toMatchObject({
      code: 'COWORKER_NOT_FOUND',
      message: 'There is no coworker "bob".',
      hint: 'Known coworkers: ava.',
    });
  });

  it('names the three formats when the format is unknown', async () => {
    const error = await vizCommand({ coworkerId: 'ava', format: 'png' as VizFormat, store }).catch((rejection: unknown) => rejection);
    expect(error).toMatchObject({ code: 'COMMAND_INVALID' });
    expect((error as Error).message).toMatch(/"png".*mermaid, svg or json/);
  });
});
