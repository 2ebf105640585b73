// The approvals inbox: GET /api/approvals (those of coworkers the person may see or approves for,
// each with canDecide for the signed-in user, and what
// the page shows of its call: `shown`, consequential arguments first) and
// POST /api/approvals/:id/decision, made by the user's Slack id, refused before sending when
// the user is not an approver (the coworker checks again); a decided approval is a 409.
import { z } from 'zod';
import { decideApproval, listApprovals } from '../approval-commands.ts';
import { approvalShown } from '../chat/approval-facts.ts';
import { HttpError, readJsonBody } from './http.ts';
import type { Route } from './route.ts';

const decisionSchema = z
  .strictObject({
    decision: z.enum(['approved', 'rejected', 'edited']),
    reason: z.string().max(2_000).optional(),
    args: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((body) => (body.decision === 'edited') === (body.args !== undefined), {
    message: 'an "edited" decision carries the new args, and only an edited one does',
    path: ['args'],
  });

export const approvalRoutes: Route[] = [
  {
    method: 'GET',
    path: /^\/api\/approvals$/,
    access: 'filtered',
    async handle(deps, { user, access }) {
      const approvals = (await listApprovals(deps.store)).filter((approval) => approval.approvers.includes(user.id) || access.canSeeId(approval.coworkerId));
      return {
        status: 200,
        body: { approvals: approvals.map((approval) => ({ ...approval, shown: approvalShown(approval), canDecide: approval.approvers.includes(user.id) })) },
      };
    },
  },
  {
    method: 'POST',
    path: /^\/api\/approvals\/([^/]+)\/decision$/,
    // Only its approvers decide (checked here, and again by the coworker).
    access: 'filtered',
    async handle(deps, { request, params: [approvalId], user }) {
      const body = await readJsonBody(request, decisionSchema);
      const pending = (await listApprovals(deps.store)).find((approval) => approval.id === approvalId);
      if (pending && !pending.approvers.includes(user.id)) {
        throw new HttpError(403, 'NOT_AN_APPROVER', `${user.name} (${user.id}) is not an approver of ${pending.coworkerId}'s approvals.`, {
          hint: `Its approvers: ${pending.approvers.join(', ')}.`,
        });
      }
      // Not pending (decided meanwhile, or unknown): decideApproval says so with APPROVAL_NOT_FOUND, a 409.
      const result = await decideApproval(deps, {
        approvalId: approvalId!,
        decision: body.decision,
        by: user.id,
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        ...(body.args !== undefined ? { args: body.args } : {}),
      });
      return { status: 200, body: result };
    },
  },
];
