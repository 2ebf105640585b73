import { describe, expect, it } from 'vitest';
import type { CoworkerSummary } from '../persistence/index.ts';
import { formatCoworkerTable } from './format.ts';

const summary = (id: string, status: CoworkerSummary['status']): CoworkerSummary => ({ id, name: id, role: 'Tester', team: 'qa', manager: { name: 'Mia', id: 'UMIA' }, status, updatedAt: 0 });

describe('the coworker table', () => {
  it('shows a coworker whose snapshot cannot be restored as needing attention, with the error and what to do', () => {
    const attention = { error: 'the stored snapshot has schema version 3; this release reads up to 1', schemaVersion: 3, hint: 'run the release that wrote it' };
    const text = formatCoworkerTable([
      summary('ada', { state: { status: 'idle', shift: 'onDuty' }, since: 0, backlog: 0 }),
      summary('bo', { state: { status: 'blocked', shift: 'onDuty' }, since: 0, backlog: 2, attention }),
    ]);
    expect(text).toContain('idle (onDuty)');
    expect(text).toMatch(/bo\s+bo\s+qa\s+Mia \(UMIA\)\s+NEEDS ATTENTION \(snapshot v3\)\s+2/);
    expect(text).toContain('bo needs attention: the stored snapshot has schema version 3; this release reads up to 1\n  run the release that wrote it');
  });
});
