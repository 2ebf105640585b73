// The `calendar` connector's public face: its factory for connectors.yaml, and the example
// calendar the examples write to a file.
import type { ConnectorFactory } from '../connector-deps.ts';
import { createCalendarConnector } from './calendar.connector.ts';
import { calendarSettings } from './calendar.settings.ts';

export const calendarFactory: ConnectorFactory<typeof calendarSettings> = {
  name: 'calendar',
  settings: calendarSettings,
  create: async (settings, deps) => createCalendarConnector({ settings, deps }),
};

export { calendarSettings, type CalendarSettings } from './calendar.settings.ts';
export { EXAMPLE_INTERNAL_DOMAIN, exampleCalendarIcs, type ExampleCalendarOptions } from './example-calendar.ts';
