// Drafts in the project's store: written by `email.draft` for a person to review, listed by
// `email.listDrafts`. Nothing leaves the company, which is why drafting needs no approval.
import { sha256 } from '../../protocol/index.ts';
import type { Documents } from '../../persistence/index.ts';
import type { OutgoingEmail } from './email-sender.ts';

const COLLECTION = 'email-drafts';

export interface EmailDraft extends OutgoingEmail {
  draftId: string;
  coworkerId: string;
  createdAt: string;
}

export interface EmailDrafts {
  save(mail: OutgoingEmail, context: { coworkerId: string; idempotencyKey: string }): Promise<EmailDraft>;
  /** The coworker's drafts, newest first. */
  list(coworkerId: string, limit: number): Promise<EmailDraft[]>;
}

export function createEmailDrafts(documents: Documents, now: () => number): EmailDrafts {
  return {
    async save(mail, { coworkerId, idempotencyKey }) {
      // The id comes from the key, so a call repeated after a restart finds its draft instead of making another.
      const draftId = `draft-${sha256(`email.draft:${idempotencyKey}`).slice(0, 16)}`;
      const draft: EmailDraft = { draftId, coworkerId, createdAt: new Date(now()).toISOString(), ...mail };
      if (await documents.insert(COLLECTION, draftId, draft)) return draft;
      return (await documents.get<EmailDraft>(COLLECTION, draftId))!;
    },
    async list(coworkerId, limit) {
      const drafts = await documents.list<EmailDraft>(COLLECTION);
      return drafts
        .filter((draft) => draft.coworkerId === coworkerId)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit);
    },
  };
}
