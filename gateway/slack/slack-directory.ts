// Who the coworkers are, as the Slack gateway needs them: found by id or name in a message,
// with their channels, manager and approvers. Read from the store (where every runtime registers
// its definitions), so a gateway in its own process knows them too; refreshed now and then.
import type { Store } from '../../persistence/index.ts';
import { approversOf, type CoworkerDefinition } from '../../protocol/index.ts';

const REFRESH_MS = 10_000;

export interface Directory {
  /** The coworker a message names first ("ava, pull the numbers" or "Ava pull …"), and the rest of the text. */
  find(text: string): Promise<{ coworker: CoworkerDefinition; rest: string } | null>;
  byId(id: string): Promise<CoworkerDefinition | undefined>;
  all(): Promise<CoworkerDefinition[]>;
}

export function createDirectory(store: Store, now: () => number = Date.now): Directory {
  let cached: { at: number; coworkers: CoworkerDefinition[] } | null = null;
  async function all(): Promise<CoworkerDefinition[]> {
    if (!cached || now() - cached.at > REFRESH_MS) cached = { at: now(), coworkers: (await store.loadCoworkers()).map((record) => record.definition) };
    return cached.coworkers;
  }
  return {
    all,
    async byId(id) {
      return (await all()).find((coworker) => coworker.id === id);
    },
    async find(text) {
      const match = /^\s*([\p{L}\p{N}_-]+)[\s,:]*(.*)$/su.exec(text);
      if (!match) return null;
      const word = match[1]!.toLowerCase();
      const coworker = (await all()).find((candidate) => candidate.id === word || candidate.name.toLowerCase() === word);
      return coworker ? { coworker, rest: match[2]!.trim() } : null;
    },
  };
}

/** People a coworker takes work and answers from in a direct message: its manager and approvers. */
export function mayDirect(coworker: CoworkerDefinition, user: string): boolean {
  return user === coworker.manager.slack || approversOf(coworker).includes(user);
}
