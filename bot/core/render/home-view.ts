// The App Home tab: alerts still waiting on people (each with a way to its channel), the silences in force or
// coming, and the last 24 hours at a glance. Within a view's 100 blocks whatever the lists hold.
import type { ResponseState } from '../../ports';
import type { ActivitySummary } from '../query';
import { STATE_LABEL } from '../response';
import { silenceState } from '../silence';
import type { Silence } from '../silence-types';
import type { Block, HomeView } from './blocks';
import { LIMITS, mrkdwn, plain } from './blocks';
import { mrkdwnToPlain } from './card-text';
import { clipEscaped } from './mrkdwn';
import { activityGlance, formatCount, mrkdwnValue, slackTime } from './query-answer';
import { silenceSummary } from './silence-views';

export interface HomeAlert {
  readonly alertId: string;
  /** What the card says happened: plain words, or the bot's own mrkdwn (the card's fallback text). */
  readonly headline: string;
  readonly state: ResponseState;
  readonly channel: string;
  readonly ts: string;
  readonly postedAt: string;
}

export interface HomeInput {
  readonly openAlerts: readonly HomeAlert[];
  /** Active and pending silences (expired ones are left out by the caller, and here too). */
  readonly silences: readonly Silence[];
  /** The last 24 hours; null when it could not be read. */
  readonly summary: ActivitySummary | null;
  readonly now: Date;
  readonly accountNames?: Readonly<Record<string, string>>;
}

const LISTED = 20;
// Conversation ids (public, private, DM): only these go into a link we build.
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,20}$/;

const STATE_MARK: Record<ResponseState, string> = {
  open: '🔔',
  acknowledged: '✅',
  escalated: '📣',
  confirmed: '👍',
  denied: '🟥',
  resolved: '☑️',
};

const alertLine = (a: HomeAlert): string => {
  const where = CHANNEL_ID.test(a.channel)
    ? ` · <https://slack.com/app_redirect?channel=${a.channel}|open its channel>`
    : '';
  // The fallback text is mrkdwn we wrote: read back as words, then escaped once (never twice).
  const headline = mrkdwnValue(mrkdwnToPlain(a.headline), 200);
  return `${STATE_MARK[a.state] ?? '🔔'} ${headline}\n${STATE_LABEL[a.state] ?? a.state} · posted ${slackTime(a.postedAt)}${where}`;
};

const heading = (text: string): Block => ({ type: 'section', text: mrkdwn(`*${text}*`) });

/** Up to LISTED sections, then "and N more" as context. */
const listed = (lines: readonly string[]): Block[] => {
  const blocks: Block[] = lines
    .slice(0, LISTED)
    .map((line) => ({ type: 'section', text: mrkdwn(clipEscaped(line, LIMITS.sectionText)) }));
  if (lines.length > LISTED)
    blocks.push({ type: 'context', elements: [mrkdwn(`and ${formatCount(lines.length - LISTED)} more`)] });
  return blocks;
};

export const renderHome = (input: HomeInput): HomeView => {
  const { now } = input;
  const current = input.silences.filter((s) => silenceState(s, now) !== 'expired');
  const blocks: Block[] = [
    { type: 'header', text: plain('AWS console sign-ins') },
    { type: 'context', elements: [mrkdwn(`Updated ${slackTime(now.toISOString())}`)] },
    heading(`Alerts waiting on people (${formatCount(input.openAlerts.length)})`),
    ...(input.openAlerts.length === 0
      ? [{ type: 'context', elements: [mrkdwn('None: every posted alert has been dealt with.')] } as Block]
      : listed(input.openAlerts.map(alertLine))),
    { type: 'divider' },
    heading(`Silences (${formatCount(current.length)})`),
    ...(current.length === 0
      ? [
          {
            type: 'context',
            elements: [mrkdwn('No silence is active or coming: every sign-in alert is posted.')],
          } as Block,
        ]
      : listed(current.map((s) => silenceSummary(s, now)))),
    { type: 'divider' },
    heading('Last 24 hours'),
    ...(input.summary
      ? activityGlance(input.summary, { title: 'last 24h', now, accountNames: input.accountNames }).map(
          (text): Block => ({ type: 'section', text: mrkdwn(text) }),
        )
      : [
          { type: 'context', elements: [mrkdwn('⚠️ The last 24 hours could not be read just now.')] } as Block,
        ]),
  ];
  return { type: 'home', blocks: blocks.slice(0, LIMITS.viewBlocks) };
};
