// The listeners of the responder loop, one per Slack surface: buttons on cards and DMs (block_actions), the
// "No, it wasn't me" modal (view_submission). /signins and the Silence button are command-listeners.ts's.
// Each answers inside Slack's 3 s: the conditional write, the redraw and the reply happen here, anything
// slower goes to the job queue (bot/pipeline/responders.ts). A refusal is told only to the person who clicked.
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { View } from '@slack/web-api';
import { mrkdwnToPlain } from '../core/render/card-text';
import { ACTION_IDS, DENY_MODAL, DENY_NOTE, renderDenyModal } from '../core/render/response-card';
import type { ButtonAction as ResponderButton, Responders } from '../pipeline/responders';
import type { Logger, Notifier } from '../ports';

/**
 * Time from the request's arrival (a cold start included, see function-url-gate.ts) by which a listener must be
 * done: Slack waits 3 s, and the answer still has to travel back.
 */
export const LISTENER_BUDGET_MS = 2500;

/** The request's deadline: from its arrival when the receiver knows it (Lambda), else from now. */
export const deadlineOf = (context: Record<string, unknown>): number =>
  (typeof context.receivedAt === 'number' && Number.isFinite(context.receivedAt)
    ? context.receivedAt
    : Date.now()) + LISTENER_BUDGET_MS;

export interface ResponderWiring {
  readonly responders: Responders;
  /** For the ephemeral replies (chat.postEphemeral), with the same bounded client policy as posts. */
  readonly notifier: Notifier;
  readonly logger: Logger;
  /** Told of each listener's work (local HTTP mode answers first and works after): stopping waits for it. */
  readonly track?: (work: Promise<unknown>) => void;
}

/** A listener whose work the wiring can wait for. */
export const tracked =
  <A>(wiring: { readonly track?: (work: Promise<unknown>) => void }, listener: (args: A) => Promise<void>) =>
  async (args: A): Promise<void> => {
    const work = listener(args);
    wiring.track?.(work);
    await work;
  };

const BUTTONS: Record<string, ResponderButton> = {
  [ACTION_IDS.acknowledge]: 'acknowledge',
  [ACTION_IDS.escalate]: 'escalate',
  [ACTION_IDS.ask]: 'ask',
};

const channelOf = (body: BlockAction): string | undefined => body.channel?.id ?? body.container?.channel_id;

/** Says something to the person who clicked, in the channel they clicked in; a failure is only logged. */
export const replyTo = async (
  wiring: ResponderWiring,
  channel: string | undefined,
  user: string,
  text: string,
  budgetMs: number,
): Promise<void> => {
  if (!channel) {
    wiring.logger.warn('no channel to reply in', { user, text });
    return;
  }
  try {
    await wiring.notifier.postEphemeral(channel, user, text, budgetMs);
  } catch (err) {
    wiring.logger.warn('ephemeral reply not posted', { user, error: (err as Error).message });
  }
};

export const registerResponderListeners = (app: App, wiring: ResponderWiring): void => {
  app.action<BlockAction<ButtonAction>>(
    // The Silence button opens its own modal (command-listeners.ts).
    { type: 'block_actions', action_id: /^signins_(?!silence$)/ },
    tracked<SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs>(
      wiring,
      async ({ ack, body, action, client, context }) => {
        await ack();
        const started = Date.now();
        const deadline = deadlineOf(context);
        const user = body.user.id;
        const channel = channelOf(body);
        const request = {
          alertId: action.value ?? '',
          user,
          channel,
          requestKey: `${user}:${action.action_id}:${action.action_ts}`,
          deadline,
        };
        let reply: string | null;
        const button = BUTTONS[action.action_id];
        if (button) reply = await wiring.responders.button(button, request);
        else if (action.action_id === ACTION_IDS.yes) reply = await wiring.responders.answer('yes', request);
        else if (action.action_id === ACTION_IDS.no) {
          reply = await wiring.responders.mayAnswer(request.alertId, user);
          // The modal must open within 3 s of the click (the trigger id expires).
          if (!reply)
            await client.views.open({
              trigger_id: body.trigger_id,
              view: renderDenyModal(request.alertId) as View,
            });
        } else reply = `Unknown action ${action.action_id}: nothing was changed.`;
        if (reply) await replyTo(wiring, channel, user, reply, deadline - Date.now());
        wiring.logger.info('slack action', {
          action: action.action_id,
          user,
          ms: Date.now() - started,
          refused: reply !== null,
        });
      },
    ),
  );

  app.view(
    DENY_MODAL,
    tracked<SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs>(
      wiring,
      async ({ ack, body, view, context }) => {
        const started = Date.now();
        const user = body.user.id;
        const note = view.state.values[DENY_NOTE.block]?.[DENY_NOTE.action]?.value ?? undefined;
        let reply: string | null;
        try {
          reply = await wiring.responders.answer('no', {
            alertId: view.private_metadata,
            user,
            channel: undefined,
            requestKey: `${user}:view:${view.id}`,
            deadline: deadlineOf(context),
            ...(note ? { note } : {}),
          });
        } catch (err) {
          // The modal stays open and says so; the error handler logs it.
          await ack({
            response_action: 'errors',
            errors: {
              [DENY_NOTE.block]:
                'Something went wrong and nothing was reported yet. Submit again in a moment.',
            },
          });
          throw err;
        }
        // A refusal shows in the modal itself, under the note.
        // Modal errors are plain text: Slack's date tokens and mentions are shown readable.
        if (reply)
          await ack({
            response_action: 'errors',
            errors: { [DENY_NOTE.block]: mrkdwnToPlain(reply).slice(0, 300) },
          });
        else await ack();
        wiring.logger.info('slack view', {
          view: DENY_MODAL,
          user,
          ms: Date.now() - started,
          refused: reply !== null,
        });
      },
    ),
  );
};
