// What people see of silences: `/signins silences` (each silence's state, matchers, time, author, reason and
// what it held back), the channel's announcements when one starts or ends, and the Silence modal behind a
// card's button (presets, a custom end, matchers prefilled from the card, a required reason) read back from
// Bolt's `view.state.values`. Plain functions: no Slack calls. Reasons and matchers are escaped.
import * as z from 'zod';
import { describeMatchers, silenceState } from '../silence';
import type { Silence, SilenceState } from '../silence-types';
import type { Block, Option, SlackMessage, SlackModal } from './blocks';
import { LIMITS, mrkdwn, plain } from './blocks';
import { mrkdwnToPlain } from './card-text';
import { clip } from './clip';
import { clipEscaped, clipPlain, safe } from './mrkdwn';
import { formatCount, mrkdwnValue, slackTime } from './query-answer';

export const SILENCE_MODAL = 'signins_silence_modal';
/** Block ids of the modal's inputs; each input's action id is its block id. */
export const SILENCE_MODAL_BLOCKS = {
  preset: 'silence_preset',
  customEnd: 'silence_end',
  matchers: 'silence_matchers',
  reason: 'silence_reason',
} as const;

export const SILENCE_PRESETS = ['1h', '4h', '24h', 'custom'] as const;
export type SilencePreset = (typeof SILENCE_PRESETS)[number];

/** The modal as submitted: the caller parses the matchers and turns the preset into an end. */
export interface SilenceForm {
  readonly preset: SilencePreset;
  /** ISO time picked for a custom end; null when none was picked. */
  readonly customEnd: string | null;
  readonly matchers: string;
  readonly reason: string;
}

// Slack user ids (U…, W… on Enterprise Grid): only these become a mention.
const SLACK_USER = /^[UW][A-Z0-9]{2,20}$/;

/** `<@U123>` for a Slack user; a terminal author ("cli:bob") or anything else as escaped text. */
export const authorText = (author: string): string => {
  if (SLACK_USER.test(author)) return `<@${author}>`;
  if (author.startsWith('cli:')) return `${mrkdwnValue(author.slice(4), 60)} (terminal)`;
  return mrkdwnValue(author, 60);
};

const idText = (id: string): string => `\`${safe(id, 40).replace(/`/g, 'ˋ')}\``;
const matchersText = (s: Silence): string => mrkdwnValue(describeMatchers(s.matchers), 600);
const signIns = (n: number): string => `${formatCount(n)} sign-in${n === 1 ? '' : 's'}`;

const STATE_WORDS: Record<SilenceState, string> = {
  pending: '⏳ *Pending*',
  active: '🔕 *Active*',
  expired: '✔️ *Ended*',
};

/** One silence as the list and the App Home show it: what, when, who, why, and what it held back. */
export const silenceSummary = (s: Silence, now: Date): string => {
  const state = silenceState(s, now);
  const ended = s.cancelled
    ? `ended early by ${authorText(s.cancelled.by)} ${slackTime(s.cancelled.at)}`
    : `until ${slackTime(s.endsAt)}`;
  const alarms =
    s.alarms.length > 0 && state !== 'expired'
      ? `\nAlarm actions (mail, SMS) off: ${s.alarms.map((a) => mrkdwnValue(a, 100)).join(', ')}`
      : '';
  return (
    `${STATE_WORDS[state]} ${idText(s.id)} · ${matchersText(s)}\n` +
    `from ${slackTime(s.startsAt)} ${ended} · by ${authorText(s.author)}\n` +
    `“${mrkdwnValue(s.reason, 500)}” · held back ${signIns(s.held)}${alarms}`
  );
};

const ORDER: Record<SilenceState, number> = { active: 0, pending: 1, expired: 2 };
const LISTED = 25;

const HOW_TO =
  'Make one with `/signins silence user alice ip 203.0.113.0/24 for 4h because pen test`, or the *Silence* button on a sign-in card.';

/** `/signins silences`: active first, then pending, then ended; newest first within each. */
export const renderSilenceList = (silences: readonly Silence[], now: Date): SlackMessage => {
  if (silences.length === 0)
    return {
      text: 'No silences: every sign-in alert is posted.',
      blocks: [{ type: 'section', text: mrkdwn(`No silences: every sign-in alert is posted.\n${HOW_TO}`) }],
    };
  const sorted = [...silences].sort(
    (a, b) =>
      ORDER[silenceState(a, now)] - ORDER[silenceState(b, now)] ||
      Date.parse(b.startsAt) - Date.parse(a.startsAt),
  );
  const shown = sorted.slice(0, LISTED);
  const active = sorted.filter((s) => silenceState(s, now) === 'active').length;
  const blocks: Block[] = [
    { type: 'header', text: plain('Silences') },
    ...shown.map(
      (s): Block => ({
        type: 'section',
        text: mrkdwn(clipEscaped(silenceSummary(s, now), LIMITS.sectionText)),
      }),
    ),
  ];
  const more = sorted.length - shown.length;
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        `${more > 0 ? `and ${formatCount(more)} more · ` : ''}Held-back sign-ins are stored and counted, not posted. ` +
          '`/signins unsilence &lt;id&gt;` ends one early.',
      ),
    ],
  });
  return { text: `${formatCount(silences.length)} silences, ${formatCount(active)} active`, blocks };
};

/** What the channel is told when a silence is made, ends, or is ended early (mrkdwn). */
export const silenceAnnouncement = (
  s: Silence,
  event: 'created' | 'ended' | 'cancelled',
  now: Date,
): string => {
  const what = matchersText(s);
  const again = 'Matching sign-ins are posted again.';
  switch (event) {
    case 'created': {
      const from = silenceState(s, now) === 'pending' ? `from ${slackTime(s.startsAt)} ` : '';
      const alarms =
        s.alarms.length > 0
          ? ` The alarm actions (mail, SMS) of ${s.alarms.map((a) => mrkdwnValue(a, 100)).join(', ')} are off while it lasts.`
          : '';
      return (
        `🔕 ${authorText(s.author)} silenced ${what} ${from}until ${slackTime(s.endsAt)} because ` +
        `${mrkdwnValue(s.reason, 500)} (${idText(s.id)}). Matching sign-ins are stored and counted, not posted.${alarms}`
      );
    }
    case 'ended':
      return `🔔 Silence ${idText(s.id)} (${what}) ended ${slackTime(s.endsAt)}: it held back ${signIns(s.held)}. ${again}`;
    case 'cancelled':
      return (
        `🔔 ${authorText(s.cancelled?.by ?? s.author)} ended silence ${idText(s.id)} (${what}) early: ` +
        `it held back ${signIns(s.held)}. ${again}`
      );
    default:
      return event satisfies never;
  }
};

const PRESET_LABEL: Record<SilencePreset, string> = {
  '1h': '1 hour',
  '4h': '4 hours',
  '24h': '24 hours',
  custom: 'Until the time below',
};
const presetOption = (p: SilencePreset): Option => ({ text: plain(PRESET_LABEL[p]), value: p });

export interface SilenceModalInput {
  /** The card the Silence button was on, if any. */
  readonly alertId?: string;
  /** Where the silence is announced. */
  readonly channel: string;
  /** Prefilled matchers, in `/signins silence` words (the card's user and source IP). */
  readonly matchers: string;
  /** Problems to show above the form when it is drawn again (mrkdwn or plain words). */
  readonly errors?: readonly string[];
}

const MATCHERS_MAX = 500;
const REASON_MAX = 500;

/** Problems from a submission refused as a whole (not under one field), in plain words above the form. */
const problemsBlock = (errors: readonly string[]): Block[] =>
  errors.length === 0
    ? []
    : [
        {
          type: 'section',
          text: plain(
            clip(errors.map((e) => `⚠️ ${clipPlain(mrkdwnToPlain(e), 500)}`).join('\n'), LIMITS.sectionText),
          ),
        },
      ];

/** The Silence modal (views.open). `private_metadata` is `{"alertId":…,"channel":…}`. */
export const silenceModal = (input: SilenceModalInput): SlackModal => {
  const b = SILENCE_MODAL_BLOCKS;
  const blocks: Block[] = [
    {
      type: 'section',
      text: plain(
        'Matching sign-ins are still stored and counted, but not posted until the silence ends. The channel is told when it starts and ends.',
      ),
    },
    ...problemsBlock(input.errors ?? []),
    {
      type: 'input',
      block_id: b.preset,
      label: plain('For how long'),
      element: {
        type: 'radio_buttons',
        action_id: b.preset,
        options: SILENCE_PRESETS.map(presetOption),
        initial_option: presetOption('1h'),
      },
    },
    {
      type: 'input',
      block_id: b.customEnd,
      optional: true,
      label: plain('Custom end'),
      hint: plain('Only with "Until the time below".'),
      element: { type: 'datetimepicker', action_id: b.customEnd },
    },
    {
      type: 'input',
      block_id: b.matchers,
      label: plain('What to silence'),
      hint: plain(
        'As in /signins silence, e.g. user alice ip 203.0.113.0/24. Root needs to be named to be silenced.',
      ),
      element: {
        type: 'plain_text_input',
        action_id: b.matchers,
        max_length: MATCHERS_MAX,
        ...(input.matchers ? { initial_value: clipPlain(input.matchers, MATCHERS_MAX) } : {}),
      },
    },
    {
      type: 'input',
      block_id: b.reason,
      label: plain('Why'),
      element: { type: 'plain_text_input', action_id: b.reason, multiline: true, max_length: REASON_MAX },
    },
  ];
  return {
    type: 'modal',
    callback_id: SILENCE_MODAL,
    private_metadata: JSON.stringify({ alertId: input.alertId ?? null, channel: input.channel }),
    title: plain('Silence sign-ins'),
    submit: plain('Silence'),
    close: plain('Cancel'),
    blocks,
  };
};

// Bolt's view.state.values: block id → action id → the element's state (only the fields read here).
const ElementState = z.looseObject({
  value: z.string().nullish(),
  selected_option: z.looseObject({ value: z.string() }).nullish(),
  selected_date_time: z.number().nullish(),
});
const StateValues = z.record(z.string(), z.record(z.string(), ElementState));
type ElementState = z.infer<typeof ElementState>;

const isPreset = (v: string | undefined): v is SilencePreset =>
  v !== undefined && (SILENCE_PRESETS as readonly string[]).includes(v);

const isoFromSeconds = (seconds: number | null | undefined): string | null => {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return null;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

/**
 * The submitted form. An unreadable or missing preset reads as `custom`, so that with no end picked the
 * caller asks again rather than silencing for a length nobody chose.
 */
export const readSilenceModal = (values: unknown): SilenceForm => {
  const parsed = StateValues.safeParse(values);
  const state = (block: string): ElementState | undefined =>
    parsed.success ? parsed.data[block]?.[block] : undefined;
  const b = SILENCE_MODAL_BLOCKS;
  const preset = state(b.preset)?.selected_option?.value;
  return {
    preset: isPreset(preset) ? preset : 'custom',
    customEnd: isoFromSeconds(state(b.customEnd)?.selected_date_time),
    matchers: (state(b.matchers)?.value ?? '').trim(),
    reason: (state(b.reason)?.value ?? '').trim(),
  };
};
