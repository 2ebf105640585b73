// GET /api/audit: one coworker's audit trail, filtered by job, run, kind and time (epoch ms or
// ISO 8601), newest `limit` entries, oldest first; only of a coworker the person may see (403
// otherwise), and the console's own (coworker "console": sign-ins, sign-outs, refusals) for admins.
import { readAudit } from '../approval-commands.ts';
import { AUDIT_KINDS, type AuditKind, type AuditQuery } from '../../protocol/index.ts';
import { CONSOLE_AUDIT_ID } from '../../protocol/index.ts';
import { notAllowed } from './access.ts';
import { HttpError } from './http.ts';
import type { Route } from './route.ts';

const DEFAULT_LIMIT = 200;
/** The store's own cap; a kind filter reads this many and filters them. */
const MAX_LIMIT = 1_000;

function timeParam(url: URL, name: string): number | undefined {
  const text = url.searchParams.get(name);
  if (!text) return undefined;
  const at = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(at)) throw new HttpError(400, 'BAD_REQUEST', `"${name}" is neither epoch milliseconds nor an ISO time: ${text}`, { hint: 'e.g. 1767225600000 or 2026-01-01T00:00:00Z' });
  return at;
}

export const auditRoutes: Route[] = [
  {
    method: 'GET',
    path: /^\/api\/audit$/,
    access: 'filtered',
    async handle(deps, { url, user, access }) {
      const param = (name: string) => url.searchParams.get(name) || undefined;
      const coworkerId = param('coworker');
      if (!coworkerId) throw new HttpError(400, 'BAD_REQUEST', 'Say whose audit trail to read: ?coworker=<id>.');
      if (coworkerId === CONSOLE_AUDIT_ID ? !access.canReadConsoleAudit : !access.canSeeId(coworkerId)) {
        throw notAllowed(user, `read ${coworkerId === CONSOLE_AUDIT_ID ? "the console's" : `${coworkerId}'s`} audit trail`);
      }
      const kind = param('kind');
      if (kind && !(AUDIT_KINDS as readonly string[]).includes(kind)) {
        throw new HttpError(400, 'BAD_REQUEST', `Unknown audit kind "${kind}".`, { hint: `Kinds: ${AUDIT_KINDS.join(', ')}.` });
      }
      const limitText = param('limit');
      const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new HttpError(400, 'BAD_REQUEST', `"limit" must be a whole number from 1 to ${MAX_LIMIT}.`);
      const [runId, jobId, from, to] = [param('run'), param('job'), timeParam(url, 'since'), timeParam(url, 'until')];
      const query: AuditQuery = {
        coworkerId,
        ...(runId ? { runId } : {}),
        ...(jobId ? { jobId } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        limit: kind ? MAX_LIMIT : limit,
      };
      // The console's own trail belongs to no registered coworker: read it from the store directly.
      const entries = coworkerId === CONSOLE_AUDIT_ID ? await deps.store.queryAudit(query) : await readAudit(deps.store, query);
      return { status: 200, body: { entries: kind ? entries.filter((entry) => entry.kind === (kind as AuditKind)).slice(-limit) : entries } };
    },
  },
];
