// Who the coworkers are, as the chat gateways (Slack, Teams) need them: found by id or name in a message,
// with their channels, manager and approvers. Read from the store (where every runtime registers
// its definitions), so a gateway in its own process knows them too. The roster comes from the
// light summaries; a full definition is read only for the coworker a message is about. Both are
// kept for a few seconds, so a busy channel does not read the store on every message.
import type { CoworkerSummary, Store } from '../../persistence/index.ts';
import { approversOf, personId, type CoworkerDefinition } from '../../protocol/index.ts';

const FRESH_MS = 10_000;

export interface Directory {
  /** The coworker a message names first ("ava, pull the numbers" or "Ava pull …"), and the rest of the text. */
  find(text: string): Promise<{ coworker: CoworkerDefinition; rest: string } | null>;
  byId(id: string): Promise<CoworkerDefinition | undefined>;
  /** Every coworker, in brief: for rosters in replies. */
  roster(): Promise<CoworkerSummary[]>;
  /** Reads the coworker (and the roster) from the store again next time: it was just assigned a new team or manager. */
  forget(id: string): void;
}

/** A value read at most once per FRESH_MS. */
function fresh<T>(read: () => Promise<T>, now: () => number): () => Promise<T> {
  let kept: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (!kept || now() - kept.at > FRESH_MS) kept = { at: now(), value: read() };
    const value = kept.value;
    value.catch(() => (kept = null)); // a failed read is not kept
    return value;
  };
}

export function createDirectory(store: Store, now: () => number = Date.now): Directory {
  let roster = fresh(() => store.listCoworkers(), now);
  const definitions = new Map<string, () => Promise<CoworkerDefinition | undefined>>();
  async function byId(id: string): Promise<CoworkerDefinition | undefined> {
    if (!definitions.has(id)) definitions.set(id, fresh(async () => (await store.getCoworker(id))?.definition, now));
    return definitions.get(id)!();
  }
  return {
    roster: () => roster(),
    byId,
    forget(id) {
      definitions.delete(id);
      roster = fresh(() => store.listCoworkers(), now);
    },
    async find(text) {
      const match = /^\s*([\p{L}\p{N}_-]+)[\s,:]*(.*)$/su.exec(text);
      if (!match) return null;
      const word = match[1]!.toLowerCase();
      const summary = (await roster()).find((candidate) => candidate.id === word || candidate.name.toLowerCase() === word);
      const coworker = summary && (await byId(summary.id));
      return coworker ? { coworker, rest: match[2]!.trim() } : null;
    },
  };
}

/** People a coworker takes work and answers from in a direct message: its manager and approvers. */
export function mayDirect(coworker: CoworkerDefinition, user: string): boolean {
  return user === personId(coworker.manager) || approversOf(coworker).includes(user);
}
