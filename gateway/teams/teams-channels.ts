// Teams channels by name, as definitions write them ("teams:Marketing/Ad performance"): an
// activity carries only the team's and the channel's ids, so their names are asked of the Bot
// Connector once and kept for ten minutes (a renamed channel is seen within that).
import type { App } from '@microsoft/teams.apps';

const FRESH_MS = 10 * 60_000;

/** The General channel has the team's id and no name of its own. */
const GENERAL = 'General';

export function createChannelNames(app: App, now: () => number = Date.now) {
  type Names = { team: string; channels: Map<string, string> };
  const kept = new Map<string, { at: number; names: Promise<Names | null> }>();
  const read = async (teamId: string): Promise<Names | null> => {
    const [team, channels] = await Promise.all([app.api.teams.getById(teamId), app.api.teams.getConversations(teamId)]);
    return { team: team.name ?? teamId, channels: new Map(channels.flatMap((channel) => (channel.id ? [[channel.id, channel.name ?? GENERAL] as const] : []))) };
  };
  /** "teams:<team>/<channel>" for a channel, or undefined when the Bot Connector does not say. */
  return async (teamId: string, channelId: string): Promise<string | undefined> => {
    let entry = kept.get(teamId);
    if (!entry || now() - entry.at > FRESH_MS) {
      entry = { at: now(), names: read(teamId).catch(() => null) };
      kept.set(teamId, entry);
    }
    const names = await entry.names;
    if (!names) kept.delete(teamId); // a failed read is not kept
    const channel = names?.channels.get(channelId) ?? (channelId === teamId ? GENERAL : undefined);
    return names && channel ? `teams:${names.team}/${channel}` : undefined;
  };
}

/** Channel names compare without regard to case. */
export function sameChannel(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
