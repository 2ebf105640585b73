// How coworkers speak in Teams: one bot for every coworker, so each message starts with the
// coworker's name. Posts go to a conversation (a channel thread's id carries its `;messageid=`),
// or to a person's one-to-one chat with the bot, opened once and remembered.
import type { App } from '@microsoft/teams.apps';
import type { CoworkerDefinition } from '../../protocol/index.ts';
import type { AdaptiveCard } from './teams-cards.ts';

export interface TeamsPosted {
  conversationId: string;
  activityId: string;
}

export interface Mention {
  entraId: string;
  name: string;
}

export interface TeamsVoice {
  /** Text as the coworker, in a conversation; with a mention, the person is notified. */
  say(coworker: CoworkerDefinition, conversationId: string, text: string, mention?: Mention): Promise<TeamsPosted>;
  /** A card, in a conversation. */
  show(conversationId: string, card: AdaptiveCard): Promise<TeamsPosted>;
  /** Replaces a posted card (after a decision). */
  replace(posted: TeamsPosted, card: AdaptiveCard): Promise<void>;
  /** The one-to-one chat of the bot with this Teams user (Entra object id). */
  chatWith(entraId: string): Promise<string>;
}

const CARD = 'application/vnd.microsoft.card.adaptive';

export function createTeamsVoice(app: App, options: { clientId: string; tenantId: string }): TeamsVoice {
  const chats = new Map<string, Promise<string>>();
  const cardActivity = (card: AdaptiveCard) => ({ type: 'message' as const, attachments: [{ contentType: CARD, content: card }] });
  return {
    async say(coworker, conversationId, text, mention) {
      const tag = mention ? `<at>${mention.name}</at> ` : '';
      const sent = await app.send(conversationId, {
        type: 'message',
        textFormat: 'markdown',
        text: `**${coworker.name}**: ${tag}${text}`,
        ...(mention && { entities: [{ type: 'mention', text: `<at>${mention.name}</at>`, mentioned: { id: mention.entraId, name: mention.name, role: 'user' as const } }] }),
      });
      return { conversationId, activityId: sent.id };
    },
    async show(conversationId, card) {
      const sent = await app.send(conversationId, cardActivity(card));
      return { conversationId, activityId: sent.id };
    },
    async replace(posted, card) {
      await app.api.conversations.activities(posted.conversationId).update(posted.activityId, cardActivity(card));
    },
    chatWith(entraId) {
      if (!chats.has(entraId)) {
        const opened = app.api.conversations
          .create({ isGroup: false, bot: { id: options.clientId }, members: [{ id: entraId }], tenantId: options.tenantId, channelData: { tenant: { id: options.tenantId } } } as never)
          .then((conversation: { id: string }) => conversation.id);
        opened.catch(() => chats.delete(entraId)); // a failed attempt is not kept
        chats.set(entraId, opened);
      }
      return chats.get(entraId)!;
    },
  };
}
