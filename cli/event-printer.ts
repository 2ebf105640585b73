// Prints what coworkers say and do to the terminal of `coworkers up`: the embedded mode's
// stand-in for a chat gateway, so a task sent with `coworkers send` gets a visible answer.
import type { Bus, Subscription } from '../messaging/index.ts';
import { subjects, type CoworkerEvent } from '../protocol/index.ts';

function describeEvent(event: CoworkerEvent): string | null {
  switch (event.type) {
    case 'message':
      return `${event.coworkerId} → ${event.to.kind === 'manager' ? `manager ${event.to.id}` : event.to.id}: ${event.text}`;
    case 'state.changed':
      return `${event.coworkerId} is ${event.status.state.status} (${event.status.state.shift}), backlog ${event.status.backlog}${event.status.waitingFor ? `, waiting for ${event.status.waitingFor}` : ''}`;
    case 'approval.requested': {
      const { approval } = event;
      return `${event.coworkerId} asks ${approval.approvers.join(', ')} to approve ${approval.id} (${approval.reason}): ${approval.summary}\n          coworkers approve ${approval.id} --as ${approval.approvers[0]}   |   coworkers reject ${approval.id} --as ${approval.approvers[0]} --reason "..."`;
    }
    case 'approval.decided':
      return `${event.coworkerId}: approval ${event.approvalId} ${event.outcome} by ${event.by}${event.reason ? ` (${event.reason})` : ''}`;
    case 'decision.refused':
      return `${event.coworkerId} refused a decision by ${event.by} on ${event.approvalId}: ${event.reason}`;
    default:
      return null;
  }
}

export function printEvents(bus: Bus, write: (line: string) => void): Promise<Subscription> {
  return bus.subscribe(subjects.allEvents, (message) => {
    const line = describeEvent(message.data as CoworkerEvent);
    if (line) write(`${new Date().toTimeString().slice(0, 8)}  ${line}`);
  });
}
