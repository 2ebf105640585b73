// Small machines for the statechart tests: one with every kind of state and transition XState
// has, one whose names need escaping in XML and Mermaid.
import { and, fromPromise, not, or, setup, stateIn } from 'xstate';

export const doorMachine = setup({
  guards: { ready: () => true, jammed: () => false },
  delays: { patience: 5_000 },
  actors: { unlatch: fromPromise(async () => 'unlatched') },
}).createMachine({
  id: 'door',
  initial: 'closed',
  on: {
    RESET: '.closed',
    PING: { actions: [] },
  },
  states: {
    closed: { on: { OPEN: { target: 'opening', guard: and(['ready', not('jammed')]) } } },
    opening: {
      invoke: { src: 'unlatch', onDone: 'open', onError: 'closed' },
      after: { 1_000: 'closed', patience: { target: 'broken' } },
    },
    open: {
      type: 'parallel',
      on: { WAKE: { target: ['.light.on', '.lock.locked'] } },
      onDone: 'closed',
      states: {
        light: {
          initial: 'off',
          states: {
            off: { on: { TOGGLE: 'on' } },
            on: { on: { TOGGLE: 'off' } },
            previous: { type: 'history', history: 'deep' },
          },
        },
        lock: {
          initial: 'unlocked',
          states: {
            unlocked: { on: { LOCK: { target: 'locked', guard: stateIn({ open: { light: 'on' } }) } } },
            locked: { always: { target: 'done', guard: or(['ready', 'jammed']) } },
            done: { type: 'final' },
          },
        },
      },
    },
    broken: { type: 'final' },
  },
});

export const awkwardMachine = setup({}).createMachine({
  id: 'awk',
  initial: 'a<b>&"c"',
  states: {
    'a<b>&"c"': { on: { 'say "hi" & <bye>; #1': 'end' } },
    end: { on: { 'it\'s {done}': 'a<b>&"c"' } },
  },
});
