// What every approval surface shows of a call, decided once: its consequential arguments first
// and whole (recipients, amounts, the records it changes), then for a mail-like call its subject
// and body, then every other argument. Each surface cuts only the last two, says so, and links
// to the console page that shows the whole call.
import { consequentialArgs, type ApprovalRequest } from '../../protocol/index.ts';

/** One argument as an approver reads it: its name and its whole value in words. */
export interface ApprovalFact {
  name: string;
  value: string;
}

export interface ApprovalShown {
  /** Never cut: a surface that cannot hold them says so and does not offer Approve. */
  consequential: ApprovalFact[];
  /** A mail-like call's subject and body (when not consequential themselves), read at a glance. */
  mail?: { subject?: string; body?: string };
  /** The arguments not shown above, exactly; empty when nothing is left. */
  rest: Record<string, unknown>;
}

const MAIL_PARTS = ['subject', 'body'] as const;

/**
 * What an approval shows. The consequential names are the request's own (from the tool's
 * declaration) plus the well-known ones, so an older request without them still shows every
 * recipient and amount.
 */
export function approvalShown(approval: Pick<ApprovalRequest, 'args' | 'consequential'>): ApprovalShown {
  const { args } = approval;
  const names = consequentialArgs(args, approval.consequential);
  const mailLike = args.to !== undefined && MAIL_PARTS.some((part) => args[part] !== undefined);
  const mailParts = mailLike ? MAIL_PARTS.filter((part) => args[part] !== undefined && !names.includes(part)) : [];
  const mail = Object.fromEntries(mailParts.map((part) => [part, readable(args[part])]));
  const shown = new Set<string>([...names, ...mailParts]);
  return {
    consequential: names.map((name) => ({ name: visible(name), value: visible(readable(args[name])) })),
    ...(mailParts.length > 0 && { mail }),
    rest: Object.fromEntries(Object.entries(args).filter(([name, value]) => !shown.has(name) && value !== undefined)),
  };
}

/** Where the console is when nobody said (COWORKERS_PUBLIC_URL): its default port on this machine. */
export const DEFAULT_CONSOLE_URL = 'http://localhost:3000';

/** The console page that shows one approval's whole call: what every cut in a chat links to. */
export function approvalUrl(consoleUrl: string, approvalId: string): string {
  return `${consoleUrl.replace(/\/+$/, '')}/#/approvals/${encodeURIComponent(approvalId)}`;
}

/**
 * Text with every character that could hide another made visible as `\u….`: control characters
 * but line breaks and tabs (a carriage return or an escape sequence can overwrite a terminal
 * line) and the bidirectional overrides that show an address backwards.
 */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value as text: a string as it is, a list one item after another, anything else as JSON. */
function readable(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  return JSON.stringify(value) ?? String(value);
}
