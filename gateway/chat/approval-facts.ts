// What every chat shows of an approval besides the exact arguments: for a mail-like call, the
// recipient, subject and body an approver reads at a glance.

export interface MailFacts {
  to: string;
  subject?: string;
  body?: string;
}

/** The mail in a call's arguments: a recipient and a subject or a body; undefined for any other call. */
export function mailOf(args: Record<string, unknown>): MailFacts | undefined {
  const { to, subject, body } = args;
  if (to === undefined || (subject === undefined && body === undefined)) return undefined;
  return { to: readable(to), ...(subject !== undefined && { subject: readable(subject) }), ...(body !== undefined && { body: readable(body) }) };
}

function readable(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(readable).join(', ');
  return JSON.stringify(value);
}
