// Prints what coworkers say and do to the terminal of `coworkers up`: the embedded mode's
// stand-in for a chat gateway, so a task sent with `coworkers send` gets a visible answer.
import type { Bus, Subscription } from '../messaging/index.ts';
import { subjects, type CoworkerEvent } from '../protocol/index.ts';

function describe(event: CoworkerEvent): string | null {
  switch (event.type) {
    case 'message':
      return `${event.coworkerId} → ${event.to.kind === 'manager' ? `manager ${event.to.id}` : event.to.id}: ${event.text}`;
    case 'state.changed':
      return `${event.coworkerId} is ${event.status.state.status} (${event.status.state.shift}), backlog ${event.status.backlog}${event.status.waitingFor ? `, waiting for ${event.status.waitingFor}` : ''}`;
    case 'approval.requested':
      return `${event.coworkerId} asks ${event.approvers.join(', ')} to approve ${event.approvalId}: ${event.summary}`;
    case 'decision.refused':
      return `${event.coworkerId} refused a decision by ${event.by} on ${event.approvalId}: ${event.reason}`;
  }
}

export function printEvents(bus: Bus, write: (line: string) => void): Promise<Subscription> {
  return bus.subscribe(subjects.allEvents, (message) => {
    const line = describe(message.data as CoworkerEvent);
    if (line) write(`${new Date().toTimeString().slice(0, 8)}  ${line}`);
  });
}
