// Shared helpers for integration tests: definitions on disk, unique names, polling.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ApprovalRequest } from '../protocol/index.ts';

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** A coworker definition that is on duty around the clock, so tests do not depend on the hour. */
export function definitionYaml(id: string, options: { team?: string; manager?: string } = {}): string {
  return `id: ${id}
name: ${id[0]!.toUpperCase()}${id.slice(1)}
role: Test coworker
team: ${options.team ?? 'testing'}
manager:
  name: Manager of ${id}
  slack: ${options.manager ?? 'UMANAGER1'}
  email: manager@example.com
timezone: UTC
workingHours:
  days: [mon, tue, wed, thu, fri, sat, sun]
  start: "00:00"
  end: "00:00"
`;
}

export function writeDefinitions(definitions: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'coworkers-defs-'));
  for (const [name, text] of Object.entries(definitions)) writeFileSync(join(dir, `${name}.yaml`), text);
  return dir;
}

export async function waitFor<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const result = await check();
      if (result) return result;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** An approval request as the agent runner would make it, for scripted runners. */
export function scriptedApproval(taskId: string, id: string, summary: string): ApprovalRequest {
  return { id, toolCallId: `call-${id}`, tool: 'email.send', args: { summary }, risk: 'customer-facing', reason: 'customer-facing tools ask first by default', summary, argsHash: `hash-${id}`, policyVersion: 'scripted', taskId };
}
