// The listeners for asking and quieting: `/signins` (queries, silences), the card's Silence button and its
// modal, and the App Home tab. Each answers inside Slack's 3 s; a query older than the store is handed to the
// worker, which answers through the command's response_url.
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { View } from '@slack/web-api';
import { mrkdwnToPlain } from '../core/render/card-text';
import { ACTION_IDS } from '../core/render/response-card';
import {
  readSilenceModal,
  SILENCE_MODAL,
  SILENCE_MODAL_BLOCKS,
  silenceModal,
} from '../core/render/silence-views';
import type { HomeTab } from '../pipeline/home-tab';
import type { SlashCommands } from '../pipeline/slash-commands';
import type { Logger } from '../ports';
import { deadlineOf, tracked } from './responder-listeners';

export interface CommandWiring {
  readonly commands: SlashCommands;
  readonly home: HomeTab;
  readonly logger: Logger;
  readonly track?: (work: Promise<unknown>) => void;
}

export const registerCommandListeners = (app: App, wiring: CommandWiring): void => {
  app.command(
    '/signins',
    tracked<SlackCommandMiddlewareArgs & AllMiddlewareArgs>(wiring, async ({ ack, command, context }) => {
      const started = Date.now();
      const { answer, kind } = await wiring.commands.answer(
        {
          text: command.text ?? '',
          user: command.user_id,
          channel: command.channel_id,
          responseUrl: command.response_url,
        },
        deadlineOf(context),
      );
      await ack(answer);
      wiring.logger.info('slack command', { ms: Date.now() - started, kind });
    }),
  );

  app.action<BlockAction<ButtonAction>>(
    ACTION_IDS.silence,
    tracked<SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs>(
      wiring,
      async ({ ack, body, action, client, context }) => {
        await ack();
        const channel = body.channel?.id ?? body.container?.channel_id ?? '';
        const matchers = await wiring.commands.matchersFor(action.value ?? '', deadlineOf(context));
        // The modal must open within 3 s of the click (the trigger id expires).
        await client.views.open({
          trigger_id: body.trigger_id,
          view: silenceModal({ alertId: action.value ?? '', channel, matchers }) as View,
        });
      },
    ),
  );

  app.view(
    SILENCE_MODAL,
    tracked<SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs>(
      wiring,
      async ({ ack, body, view, context }) => {
        const form = readSilenceModal(view.state.values);
        const meta = parseMeta(view.private_metadata);
        const result = await wiring.commands.silenceFromModal(form, {
          user: body.user.id,
          channel: meta.channel,
          alertId: meta.alertId,
          deadline: deadlineOf(context),
        });
        if (result.ok) await ack();
        else
          await ack({
            response_action: 'errors',
            errors: {
              [result.block ?? SILENCE_MODAL_BLOCKS.reason]: mrkdwnToPlain(result.problem).slice(0, 300),
            },
          });
      },
    ),
  );

  app.event(
    'app_home_opened',
    tracked<SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs>(
      wiring,
      async ({ event, client }) => {
        if (event.tab !== 'home') return;
        const view = await wiring.home.view(event.user);
        await client.views.publish({ user_id: event.user, view: view as View });
      },
    ),
  );
};

const parseMeta = (text: string): { alertId: string | null; channel: string | null } => {
  try {
    const v = JSON.parse(text) as { alertId?: unknown; channel?: unknown };
    return {
      alertId: typeof v.alertId === 'string' && v.alertId ? v.alertId : null,
      channel: typeof v.channel === 'string' && v.channel ? v.channel : null,
    };
  } catch {
    return { alertId: null, channel: null };
  }
};
