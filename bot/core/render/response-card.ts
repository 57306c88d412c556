// A card with what people did about it: the header says what happened and its state, a status section
// says who acknowledged, escalated, was asked and answered (with Slack's live "12 minutes ago"), and only the
// buttons that make sense for the state are shown. Also the "was this you?" DM, the "No" modal and the
// audit lines of the card's thread. Record values stay plain_text or escaped; mentions are ids we checked.
import type { AlertResponse, AuditEvent, BurstState } from '../../ports';
import { type AlertFacts, mention, STATE_LABEL, slackWhen } from '../response';
import type { ClassifiedSignIn, Severity } from '../sign-in';
import type { Block, Button, SlackMessage, SlackModal, TextObject } from './blocks';
import { LIMITS, mrkdwn, plain } from './blocks';
import { accountText, field, timeField } from './card-parts';
import { clip } from './clip';
import { clipEscaped, clipPlain, safe } from './mrkdwn';
import { sanitizeRecord } from './record-text';
import { withBurst } from './sign-in-card';
import { describeUserAgent } from './user-agent';

export const ACTION_IDS = {
  acknowledge: 'signins_acknowledge',
  escalate: 'signins_escalate',
  ask: 'signins_ask',
  yes: 'signins_yes',
  no: 'signins_no',
  silence: 'signins_silence',
} as const;
export const DENY_MODAL = 'signins_deny';
export const DENY_NOTE = { block: 'note', action: 'note' } as const;
const RESPONSE_BLOCK = 'signins_response';
const ACTIONS_BLOCK = 'signins_actions';

/** "12 minutes ago", drawn by Slack for each reader and kept current. */
const ago = (iso: string): string => `<!date^${Math.floor(Date.parse(iso) / 1000)}^{ago}|${iso}>`;

const button = (id: string, label: string, alertId: string, style?: 'primary' | 'danger'): Button => ({
  type: 'button',
  action_id: id,
  text: plain(label),
  value: alertId,
  ...(style ? { style } : {}),
});

/** What the card says about the response, line by line (mrkdwn we wrote; notes escaped). */
export const statusLines = (r: AlertResponse, facts: AlertFacts): string[] => {
  const lines: string[] = [];
  if (r.denied)
    lines.push(
      `🟥 *${mention(r.denied.by)} says this wasn't them* ${slackWhen(r.denied.at)}` +
        (r.denied.note ? `: “${safe(r.denied.note, 500)}”` : ''),
    );
  if (r.escalated)
    lines.push(
      `📣 *Escalated* by ${mention(r.escalated.by)} ${slackWhen(r.escalated.at)}: ${r.escalated.reason}` +
        (r.page?.status === 'sent' ? ' · paged' : r.page ? ' · paging…' : ''),
    );
  if (r.acknowledged)
    lines.push(`✅ *Acknowledged* by ${mention(r.acknowledged.by)} ${slackWhen(r.acknowledged.at)}`);
  if (r.confirmed)
    lines.push(
      `👍 *Confirmed* by ${mention(r.confirmed.by)} ${slackWhen(r.confirmed.at)}: it was them` +
        (r.state === 'confirmed' ? ' · a responder must still acknowledge it' : ''),
    );
  const ask = r.ask;
  if (ask?.status === 'requested') lines.push('🙋 Asking the person who signed in whether it was them…');
  if (ask?.status === 'asked' && ask.user && ask.askedAt)
    lines.push(`🙋 Asked ${mention(ask.user)} ${ago(ask.askedAt)}: no answer yet`);
  if (ask?.status === 'not-asked')
    lines.push(
      `🤷 Nobody was asked whether it was them: ${safe(ask.reason ?? 'no Slack user is known for this principal', 500)}`,
    );
  if (facts.needsAck && !r.acknowledged && !r.resolved && !r.escalated)
    lines.push(`⏱ Needs a responder's acknowledgement (posted ${ago(r.postedAt)})`);
  if (r.resolved) lines.push(`☑️ *Resolved* ${slackWhen(r.resolved.at)}`);
  return lines;
};

/** Block Kit draws at most this many elements in one actions block (and refuses more). */
export const MAX_BUTTONS = 5;

const buttons = (alertId: string, r: AlertResponse, facts: AlertFacts): Button[] => {
  if (r.resolved) return [];
  const out: Button[] = [];
  if (!r.acknowledged) out.push(button(ACTION_IDS.acknowledge, 'Acknowledge', alertId, 'primary'));
  if (!r.escalated) out.push(button(ACTION_IDS.escalate, 'Escalate', alertId, 'danger'));
  if (facts.askable && (!r.ask || r.ask.status === 'not-asked'))
    out.push(button(ACTION_IDS.ask, 'Ask them', alertId));
  // Only sign-in cards have someone to ask, and only sign-ins can be silenced (askable says "a sign-in").
  if (facts.askable) out.push(button(ACTION_IDS.silence, 'Silence', alertId));
  return out.slice(0, MAX_BUTTONS);
};

const STATE_MARK: Record<AlertResponse['state'], string> = {
  open: '',
  acknowledged: '✅ ',
  escalated: '📣 ',
  confirmed: '👍 ',
  denied: '🟥 ',
  resolved: '☑️ ',
};

/** A storm's card (bot/core/burst.ts): the alert's severity and the group's counters. */
export interface Storm {
  readonly severity: Severity;
  readonly burst: BurstState;
}

/** The storm of an alert that counts one, for composeCard. */
export const stormOf = (alert: {
  readonly severity: Severity;
  readonly burst?: BurstState;
}): Storm | undefined => (alert.burst ? { severity: alert.severity, burst: alert.burst } : undefined);

/**
 * The card as it stands: the base card (as rendered when the alert was made, with its storm's counters) with
 * the state in its header, the status section and the buttons for the state; the buttons act on the alert,
 * which for a storm is the whole group. Without a response yet, it is the card as first posted.
 */
export const composeCard = (
  original: SlackMessage,
  alertId: string,
  facts: AlertFacts,
  response: AlertResponse,
  storm?: Storm,
): SlackMessage => {
  const base = storm ? withBurst(original, storm.severity, storm.burst) : original;
  const blocks: Block[] = base.blocks
    .filter((b) => b.block_id !== RESPONSE_BLOCK && b.block_id !== ACTIONS_BLOCK)
    .map((b) =>
      b.type === 'header'
        ? {
            ...b,
            text: plain(
              clip(
                `${STATE_MARK[response.state]}${b.text.text} · ${STATE_LABEL[response.state]}`,
                LIMITS.headerText,
              ),
            ),
          }
        : b,
    );
  const lines = statusLines(response, facts);
  if (lines.length > 0)
    blocks.push({
      type: 'section',
      block_id: RESPONSE_BLOCK,
      text: mrkdwn(clipEscaped(lines.join('\n'), LIMITS.sectionText)),
    });
  const actions = buttons(alertId, response, facts);
  if (actions.length > 0) blocks.push({ type: 'actions', block_id: ACTIONS_BLOCK, elements: actions });
  const state = response.state === 'open' ? '' : ` [${STATE_LABEL[response.state]}]`;
  return { text: clipEscaped(`${base.text}${state}`, LIMITS.fallbackText), blocks };
};

/** The "was this you?" DM: the sign-in's facts, and Yes / No. */
export const renderAskDm = (
  signIn: ClassifiedSignIn,
  alertId: string,
  accountName: string | null,
  answered?: { readonly answer: 'yes' | 'no'; readonly at: string },
): SlackMessage => {
  const s = sanitizeRecord(signIn);
  const facts: TextObject[] = [
    timeField(s.time),
    field('Account', accountText(s.accountId, accountName)),
    field('Source IP', s.sourceIp ? clipPlain(s.sourceIp, 100) : 'not recorded'),
    field('Browser', clipPlain(describeUserAgent(s.userAgent) ?? 'unknown', 200)),
    field('Region', s.region ? clipPlain(s.region, 50) : 'not recorded'),
    field('Signed in as', clipPlain(s.principal, 300)),
  ];
  const blocks: Block[] = [
    { type: 'header', text: plain('Was this you?') },
    {
      type: 'section',
      text: plain(
        'Someone signed in to the AWS console as you. If it was you, say so and the security team will close the alert. If not, say so at once: they will be paged.',
      ),
    },
    { type: 'section', fields: facts },
  ];
  if (answered)
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(
          `You answered *${answered.answer === 'yes' ? 'yes, it was me' : "no, it wasn't me"}* ${slackWhen(answered.at)}. Thank you.`,
        ),
      ],
    });
  else
    blocks.push({
      type: 'actions',
      block_id: ACTIONS_BLOCK,
      elements: [
        button(ACTION_IDS.yes, 'Yes, it was me', alertId, 'primary'),
        button(ACTION_IDS.no, "No, it wasn't me", alertId, 'danger'),
      ],
    });
  const where = s.sourceIp ? ` from ${safe(s.sourceIp, 100)}` : '';
  return {
    text: clipEscaped(
      `Was this you? A console sign-in as ${safe(s.principal, 200)} to account ${safe(accountText(s.accountId, accountName), 150)}${where}`,
      LIMITS.fallbackText,
    ),
    blocks,
  };
};

/** The modal behind "No, it wasn't me": an optional note for the responders. */
export const renderDenyModal = (alertId: string): SlackModal => ({
  type: 'modal',
  callback_id: DENY_MODAL,
  private_metadata: alertId,
  title: plain('Not you?'),
  submit: plain('Report it'),
  close: plain('Cancel'),
  blocks: [
    {
      type: 'section',
      text: plain(
        'The security team is paged as soon as you submit. Anything you know helps (where you were, whether you shared a password or an MFA code).',
      ),
    },
    {
      type: 'input',
      block_id: DENY_NOTE.block,
      optional: true,
      label: plain('Note for the responders'),
      element: { type: 'plain_text_input', action_id: DENY_NOTE.action, multiline: true, max_length: 1000 },
    },
  ],
});

/** The thread's audit line for one event (null for the ones the card alone shows). */
export const auditLine = (event: AuditEvent, r: AlertResponse): string | null => {
  const who = mention(event.actor);
  switch (event.action) {
    case 'acknowledged':
      return `✅ ${who} acknowledged this alert.`;
    case 'resolved':
      return `☑️ ${who} acknowledged this alert${r.confirmed ? `, which ${mention(r.confirmed.by)} had confirmed` : ''}: it is resolved.`;
    case 'escalated':
      return `📣 ${who} escalated this alert: ${r.escalated?.reason ?? safe(event.note ?? '', 300)}.`;
    case 'ask-requested':
      return `🙋 ${who} asked the bot to ask the person who signed in.`;
    case 'asked':
      return r.ask?.user ? `🙋 Asked ${mention(r.ask.user)} whether this was them.` : null;
    case 'not-asked':
      return `🤷 Nobody was asked: ${safe(event.note ?? '', 500)}`;
    case 'confirmed':
      return `👍 ${who} confirmed this was them.${r.state === 'confirmed' ? ' A responder must still acknowledge it.' : ''}`;
    case 'denied':
      return `🟥 ${who} says this wasn't them${event.note ? `: “${safe(event.note, 1000)}”` : '.'}`;
    case 'paged':
      return null;
    case 'page-failed':
      return `⚠️ The page could not be sent (${safe(event.note ?? 'error', 200)}); retrying.`;
    case 'reminded':
    case 'posted':
      return null;
    default:
      return event.action satisfies never;
  }
};
