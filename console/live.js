// The live feed: one EventSource on /api/events whose events become store events. After a
// dropped connection it asks the page to refetch what it may have missed.
import { store } from './store.js';

const RETRY_AFTER_CLOSE_MS = 5_000;

const storeEvents = {
  state: 'stateReceived',
  approval: 'approvalReceived',
  message: 'messageReceived',
  audit: 'auditReceived',
};

let source = null;
let retryTimer = null;

/**
 * Opens the stream. onReconnect runs after the stream came back from a drop (events in between
 * are lost); onClosed runs when the browser gave up on it (the server refused it, e.g. a 401);
 * onAssigned(coworkerId) when a coworker got a new team or manager (its card is read again).
 */
export function startLive({ onReconnect, onClosed, onAssigned }) {
  stopLive();
  let dropped = false;
  source = new EventSource('/api/events');
  store.trigger.liveChanged({ live: 'connecting' });

  source.onopen = () => {
    store.trigger.liveChanged({ live: 'open' });
    if (dropped) onReconnect();
    dropped = false;
  };
  source.onerror = () => {
    dropped = true;
    if (source.readyState !== EventSource.CLOSED) {
      store.trigger.liveChanged({ live: 'connecting' });
      return;
    }
    store.trigger.liveChanged({ live: 'closed' });
    onClosed();
    retryTimer = setTimeout(() => startLive({ onReconnect, onClosed, onAssigned }), RETRY_AFTER_CLOSE_MS);
  };
  for (const [name, type] of Object.entries(storeEvents)) {
    source.addEventListener(name, (message) => {
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        console.warn(`Ignored a "${name}" event whose data is not JSON:`, message.data);
        return;
      }
      store.send({ ...data, type });
      if (name === 'audit' && data.entry?.kind === 'assigned') onAssigned?.(data.coworkerId);
    });
  }
}

export function stopLive() {
  clearTimeout(retryTimer);
  source?.close();
  source = null;
  store.trigger.liveChanged({ live: 'closed' });
}
