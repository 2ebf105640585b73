// The sample connectors the example coworkers use, so the offline demo runs its jobs end to end
// with no accounts or API keys. Every result carries SAMPLE_SOURCE; real connectors replace these.
import { createAdsSample, type AdsSample } from './ads.sample.ts';
import { createCalendarSample, type CalendarSample } from './calendar.sample.ts';
import { createCrmSample, type CrmSample } from './crm.sample.ts';
import { createEmailSample, type EmailSample } from './email.sample.ts';
import { createSheetsSample, type SheetsSample } from './sheets.sample.ts';
import { createSlackSample, type SlackSample } from './slack.sample.ts';

export type SampleConnector = AdsSample | CalendarSample | CrmSample | EmailSample | SheetsSample | SlackSample;
export type SampleConnectorName = SampleConnector['name'];

/** Every sample connector, each with fresh in-memory state. */
export function createSampleConnectors(): SampleConnector[] {
  return [createAdsSample(), createCalendarSample(), createCrmSample(), createEmailSample(), createSheetsSample(), createSlackSample()];
}

/** One connector of a sample set, typed by its name, to read what it recorded (posts, sent mail, rows, deals). */
export function findSample<Name extends SampleConnectorName>(connectors: readonly SampleConnector[], name: Name): Extract<SampleConnector, { name: Name }> {
  const found = connectors.find((connector): connector is Extract<SampleConnector, { name: Name }> => connector.name === name);
  if (!found) throw new Error(`No "${name}" sample connector in this set; make the set with createSampleConnectors().`);
  return found;
}
