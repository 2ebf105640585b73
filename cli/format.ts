import { approvalShown, visible, type PendingApproval } from '../gateway/index.ts';
import type { DeadLetterListing, MemberAnnouncement } from '../messaging/index.ts';
import type { CoworkerSummary } from '../persistence/index.ts';
import { ALL_SHARDS, shardOf, type AuditEntry } from '../protocol/index.ts';

/** A plain-text table of coworkers for the terminal. */
export function formatCoworkerTable(coworkers: CoworkerSummary[]): string {
  const rows = coworkers.map((c) => [
    c.id,
    c.name,
    c.team,
    `${c.manager.name} (${c.manager.id})`,
    stateCell(c.status),
    String(c.status?.backlog ?? 0),
  ]);
  const attention = coworkers.flatMap((c) => (c.status?.attention ? [`${c.id} needs attention: ${c.status.attention.error}\n  ${c.status.attention.hint}`] : []));
  return [table([['ID', 'NAME', 'TEAM', 'MANAGER', 'STATE', 'BACKLOG'], ...rows]), ...(attention.length > 0 ? ['', ...attention] : [])].join('\n');
}

function stateCell(status: CoworkerSummary['status']): string {
  if (!status) return 'not started';
  if (status.attention) return `NEEDS ATTENTION (snapshot v${status.attention.schemaVersion ?? '?'})`;
  return `${status.state.status} (${status.state.shift})`;
}

/** Columns padded to their widest cell. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

const clock = (at: number) => new Date(at).toISOString().replace('T', ' ').slice(0, 19);

/**
 * Pending approvals, with what each one would run and how to decide it: the consequential
 * arguments first (recipients, amounts, the records it changes), then the rest of the call, all
 * of it whole; characters that could hide text in a terminal are shown as escapes.
 */
export function formatApprovals(approvals: PendingApproval[]): string {
  if (approvals.length === 0) return 'No approvals are waiting.';
  return approvals
    .map((approval) => {
      const shown = approvalShown(approval);
      const mail = Object.entries(shown.mail ?? {}).map(([name, value]) => ({ name, value: visible(value.replaceAll('\r\n', '\n')) }));
      const rest = Object.keys(shown.rest).length === 0 ? [] : [{ name: shown.consequential.length || shown.mail ? 'other arguments' : 'arguments', value: visible(JSON.stringify(shown.rest, null, 2)) }];
      return [
        `${approval.id}  ${approval.coworkerId}${approval.jobId ? ` (job ${approval.jobId})` : ''}  ${approval.tool}  [${approval.risk}]`,
        ...labelled([{ name: 'why gated', value: approval.reason }, ...shown.consequential, ...mail, ...rest]),
        `  approvers: ${approval.approvers.join(', ')}   deadline: ${approval.deadline === null ? 'none' : `${clock(approval.deadline)} UTC`}`,
        `  decide:    coworkers approve ${approval.id} --as ${approval.approvers[0]}  |  coworkers reject ${approval.id} --as ${approval.approvers[0]} --reason "..."`,
      ].join('\n');
    })
    .join('\n\n');
}

/** "  name: value" lines, values aligned, a value's further lines indented under its first. */
function labelled(facts: Array<{ name: string; value: string }>): string[] {
  const width = Math.max(...facts.map(({ name }) => name.length)) + 1;
  return facts.map(({ name, value }) => `  ${`${name}:`.padEnd(width)} ${value.replaceAll('\n', `\n${' '.repeat(width + 3)}`)}`);
}

export function formatAudit(entries: AuditEntry[]): string {
  if (entries.length === 0) return 'No audit entries.';
  const oneLine = (text: string) => {
    const flat = text.replace(/\s+/g, ' ');
    return flat.length > 140 ? `${flat.slice(0, 140)}…` : flat;
  };
  return table([['TIME (UTC)', 'KIND', 'BY', 'RUN', 'SUMMARY'], ...entries.map((entry) => [clock(entry.at), entry.kind, entry.by, entry.runId ?? '', oneLine(entry.summary)])]);
}

/** Which runtime process hosts which shards, and how many coworkers each has; shards nobody hosts are named. */
export function formatRuntimes(members: MemberAnnouncement[], coworkerIds: string[]): string {
  if (members.length === 0) return 'No runtime process is running (none renewed its lease in the last 5 s).';
  const perShard = new Map<number, number>();
  for (const id of coworkerIds) perShard.set(shardOf(id), (perShard.get(shardOf(id)) ?? 0) + 1);
  const rows = members.map((member) => [member.member, String(member.shards.length), String(member.shards.reduce((sum, shard) => sum + (perShard.get(shard) ?? 0), 0)), member.shards.join(',')]);
  const hosted = new Set(members.flatMap((member) => member.shards));
  const unhosted = ALL_SHARDS.filter((shard) => !hosted.has(shard));
  const footer = unhosted.length === 0 ? `All ${ALL_SHARDS.length} shards are hosted.` : `Not hosted right now (being taken over): shards ${unhosted.join(', ')}.`;
  return `${table([['RUNTIME', 'SHARDS', 'COWORKERS', 'SHARD NUMBERS'], ...rows])}\n${footer}`;
}

/** Dead letters, oldest first: when, why, where, and the payload as it came (escapes for characters that could hide text). */
export function formatDeadLetters(listing: DeadLetterListing): string {
  if (listing.count === 0) return 'No dead letters: every command published was taken.';
  const reasons = Object.entries(listing.byReason).map(([reason, count]) => `${reason}: ${count}`).join(', ');
  const letters = listing.deadLetters.map((letter) =>
    [
      `${clock(letter.at)}  ${letter.reason}  ${visible(letter.subject)}`,
      `  why: ${visible(letter.detail)}`,
      `  payload${letter.truncated ? ' (first 64 KB)' : ''}: ${visible(typeof letter.payload === 'string' ? letter.payload : JSON.stringify(letter.payload))}`,
    ].join('\n'),
  );
  return [`${listing.count} dead letter${listing.count === 1 ? '' : 's'} (${reasons}), oldest first:`, ...letters].join('\n\n');
}
