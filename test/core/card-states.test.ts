// A card in each state of its life (test/helpers/card-states.ts, drawn by the real code): only the buttons that
// make sense, a header that names the state, Block Kit's limits, a hostile denial note kept inert, and the
// README's Block Kit Builder links and quoted page still what the code draws now (so the README cannot drift).
import { readFileSync } from 'node:fs';
import { type Block, LIMITS, type SlackMessage, type TextObject } from '../../bot/core/render/blocks';
import { ACTION_IDS } from '../../bot/core/render/response-card';
import { pageEscalation } from '../../bot/pipeline/escalation-message';
import type { AlertRecord } from '../../bot/ports';
import {
  type CardState,
  cardStates,
  DENIAL_NOTE,
  PEOPLE,
  README,
  README_LINKS_END,
  README_LINKS_START,
  readmeLinkDefinitions,
  STATE_KEYS,
  type StateKey,
} from '../helpers/card-states';
import { cardTexts } from '../helpers/card-texts';

const states = cardStates();
const byKey = (key: StateKey): CardState => {
  const found = states.cards.find((s) => s.key === key);
  if (!found) throw new Error(`no ${key} card`);
  return found;
};

const buttonsOf = (m: { readonly blocks: readonly Block[] }): string[] =>
  m.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.action_id) : []));
const headerOf = (m: SlackMessage): string => {
  const h = m.blocks[0];
  return h?.type === 'header' ? h.text.text : '';
};
/** The status section's lines (what people did), in the order the card shows them. */
const statusOf = (m: SlackMessage): string[] => {
  const b = m.blocks.find((x) => x.block_id === 'signins_response');
  return b?.type === 'section' && b.text ? b.text.text.split('\n') : [];
};

const { acknowledge, escalate, silence } = ACTION_IDS;

describe('a card in each state of its life', () => {
  it('has a card for every state, in the order of the story', () => {
    expect(states.cards.map((s) => s.key)).toEqual([...STATE_KEYS]);
  });

  it.each<[StateKey, string, string[], string]>([
    [
      'posted',
      'Open',
      [acknowledge, escalate, silence],
      '🙋 Asking the person who signed in whether it was them…',
    ],
    ['asked', 'Open', [acknowledge, escalate, silence], `🙋 Asked <@${PEOPLE.owner}>`],
    [
      'confirmed',
      'Confirmed, awaiting acknowledgement',
      [acknowledge, escalate, silence],
      `👍 *Confirmed* by <@${PEOPLE.owner}>`,
    ],
    ['denied', 'Denied', [acknowledge, silence], `🟥 *<@${PEOPLE.anaya}> says this wasn't them*`],
    ['escalated', 'Escalated', [acknowledge, silence], '📣 *Escalated* by signins'],
    ['acknowledged', 'Acknowledged', [escalate, silence], `✅ *Acknowledged* by <@${PEOPLE.alice}>`],
    ['resolved', 'Resolved', [], '📣 *Escalated* by signins'],
  ])('%s: the header says "%s", the buttons are only those that make sense', (key, label, buttons, first) => {
    const { card } = byKey(key);
    expect(headerOf(card).slice(-label.length - 3)).toBe(` · ${label}`);
    expect(buttonsOf(card)).toEqual(buttons);
    expect(statusOf(card)[0]?.slice(0, first.length)).toBe(first);
  });

  it('says a denial first: a red header, the denial on top, paged at once', () => {
    const { card, response } = byKey('denied');
    expect(headerOf(card).startsWith('🟥 ')).toBe(true);
    expect(card.text).toMatch(/ \[Denied\]$/);
    expect(statusOf(card)).toEqual([
      expect.stringContaining(`says this wasn't them`),
      expect.stringMatching(/^📣 \*Escalated\*.* · paged$/),
    ]);
    expect(response.page?.status).toBe('sent');
  });

  it('resolves a confirmed root sign-in only when a responder acknowledges it, and says so in the thread', () => {
    expect(byKey('confirmed').response.state).toBe('confirmed');
    const resolved = byKey('resolved');
    expect(statusOf(resolved.card).at(-1)).toMatch(/^☑️ \*Resolved\* /);
    expect(resolved.thread.at(-1)).toContain(`<@${PEOPLE.bob}> acknowledged this alert`);
    // The timeout that escalated it is the default acknowledgement timeout, drawn by the real timers.
    expect(byKey('escalated').response.escalated?.reason).toBe('not acknowledged in 15 min');
  });

  it('asks by DM with the sign-in’s facts and Yes / No; "No" opens a modal whose note is optional', () => {
    expect(headerOf(states.dm)).toBe('Was this you?');
    expect(buttonsOf(states.dm)).toEqual([ACTION_IDS.yes, ACTION_IDS.no]);
    const facts = cardTexts(states.dm).map((t) => t.text);
    for (const label of ['Time', 'Account', 'Source IP', 'Browser', 'Region', 'Signed in as'])
      expect(facts.some((t) => t.startsWith(`${label}\n`))).toBe(true);
    expect(facts.join('\n')).toContain('anaya');
    const input = states.modal.blocks.find((b) => b.type === 'input');
    expect(input).toMatchObject({ optional: true, element: { max_length: 1000 } });
  });
});

// Limits Block Kit enforces beyond LIMITS (https://api.slack.com/reference/block-kit/block-elements#button,
// https://api.slack.com/reference/surfaces/views): a card past one of them is refused with invalid_blocks.
const BUTTON_TEXT = 75;
const BUTTON_VALUE = 2000;
const ACTION_ID = 255;
const BUTTONS_PER_CARD = 5;
const MODAL_TITLE = 24;
const MODAL_BLOCKS = 100;

/** Every limit a block can break, as "what: length > limit" (empty when the block is within all of them). */
const overLimits = (b: Block): string[] => {
  const over = (what: string, n: number, max: number) => (n > max ? [`${what}: ${n} > ${max}`] : []);
  const texts = (what: string, list: readonly TextObject[], max: number) =>
    list.flatMap((t) => over(what, t.text.length, max));
  switch (b.type) {
    case 'header':
      return over('header', b.text.text.length, LIMITS.headerText);
    case 'section':
      return [
        ...texts('section text', b.text ? [b.text] : [], LIMITS.sectionText),
        ...over('fields', b.fields?.length ?? 0, LIMITS.fields),
        ...texts('field', b.fields ?? [], LIMITS.fieldText),
      ];
    case 'context':
      return [
        ...over('context elements', b.elements.length, LIMITS.contextElements),
        ...texts('context', b.elements, LIMITS.contextText),
      ];
    case 'actions':
      return [
        ...over('buttons', b.elements.length, BUTTONS_PER_CARD),
        ...b.elements.flatMap((e) => [
          ...over('button text', e.text.text.length, BUTTON_TEXT),
          ...over('button value', e.value.length, BUTTON_VALUE),
          ...over('action_id', e.action_id.length, ACTION_ID),
        ]),
      ];
    default:
      return [];
  }
};

/** Every <…> sequence in our mrkdwn: mentions of ids we chose and Slack date tokens, nothing from a record. */
const OURS =
  /^<(@U0[A-Z]+|!date\^\d+\^[^|<>]+\|[^<>]+|https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/[^|<>]+\|View in CloudTrail)>$/;

describe('card states within what Slack accepts', () => {
  const messages: [string, SlackMessage][] = [
    ...states.cards.map((s): [string, SlackMessage] => [s.key, s.card]),
    ['dm', states.dm],
  ];

  it.each(messages)('%s: within Block Kit’s limits', (_name, m) => {
    expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    expect(m.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    expect(m.blocks.flatMap(overLimits)).toEqual([]);
  });

  it('the modal is within the limits of a view', () => {
    const { modal } = states;
    expect(
      [modal.title, modal.submit, modal.close].filter((t) => t.text.length > MODAL_TITLE).map((t) => t.text),
    ).toEqual([]);
    expect(modal.blocks.length).toBeLessThanOrEqual(MODAL_BLOCKS);
    expect(modal.blocks.flatMap(overLimits)).toEqual([]);
  });

  it('shows a denial note with <!channel> as text on the card and in the thread, notifying nobody', () => {
    const denied = byKey('denied');
    const escaped = DENIAL_NOTE.replace('<', '&lt;').replace('>', '&gt;');
    expect(statusOf(denied.card)[0]).toContain(`“${escaped}”`);
    expect(denied.thread.at(-1)).toContain(`“${escaped}”`);
    const mrkdwn = [
      ...states.cards.flatMap((s) => [
        s.card.text,
        ...s.thread,
        ...cardTexts(s.card)
          .filter((t) => t.type === 'mrkdwn')
          .map((t) => t.text),
      ]),
    ];
    const sequences = mrkdwn.flatMap((t) => t.match(/<[^>]*>/g) ?? []);
    expect(sequences.length).toBeGreaterThan(0);
    expect(sequences.filter((s) => !OURS.test(s))).toEqual([]);
  });
});

describe('README "A card\'s life"', () => {
  const readme = readFileSync(README, 'utf8');

  it('links each state to the card the code draws now (Block Kit Builder)', () => {
    const expected = readmeLinkDefinitions(states);
    const inReadme = readme.split(README_LINKS_START)[1]?.split(README_LINKS_END)[0]?.trim() ?? '';
    // On a difference the message says how to refresh them, and holds the whole block to paste.
    expect(
      inReadme === expected
        ? 'up to date'
        : "README.md's card links are not the cards the code draws now. Run `npx tsx test/helpers/card-states.ts --write`, " +
            `or put these lines (without Jest's indent) between "${README_LINKS_START}" and "${README_LINKS_END}":\n\n${expected}\n`,
    ).toBe('up to date');
  });

  it('quotes the page mail and SMS get as pageEscalation writes it for the escalated card', () => {
    const { alertId, signIn, card, response } = byKey('escalated');
    const alert: AlertRecord = {
      alertId,
      kind: 'signin',
      subjectId: signIn.eventId,
      severity: signIn.severity,
      channel: 'C0SIGNINS',
      status: 'posted',
      message: card,
      attempts: 1,
      dueAt: response.postedAt,
      ts: '1668097500.000100',
      createdAt: response.postedAt,
      updatedAt: response.postedAt,
      response,
    };
    const page = pageEscalation(alert, response, {
      signIn,
      accountName: null,
      permalink: 'https://example.slack.com/archives/C0SIGNINS/p1668097500000100',
    });
    // Indented as the code block of step 5 is.
    const quoted = [`Subject: ${page.subject}`, '', ...page.message.split('\n')]
      .map((l) => (l ? `   ${l}` : ''))
      .join('\n');
    expect(readme).toContain(`   \`\`\`text\n${quoted}\n   \`\`\``);
  });

  it('uses every link it defines in the walkthrough', () => {
    const section = readme.split(/^## A card's life$/m)[1]?.split(/^## /m)[0] ?? '';
    const labels = [...readmeLinkDefinitions(states).matchAll(/^\[(card-[a-z]+)\]:/gm)].map((m) => m[1]);
    expect(labels).toHaveLength(STATE_KEYS.length + 2);
    expect(labels.filter((l) => !section.includes(`][${l}]`))).toEqual([]);
  });
});
