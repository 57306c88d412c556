// A card's life as the bot draws it: two published sign-ins (the root one and an IAM user's) taken through
// the real decode and classify path, their responses built by the real `decide` and timers from
// `initialResponse`, each state composed by `composeCard` over `renderSignInCard`. The README links one
// card per state from here (test/core/card-states.test.ts keeps those links current), so nothing is drawn
// by hand. Fixed times: the same cards, the same links, on every run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifySignIn } from '../../bot/core/classify';
import { decodeBytes } from '../../bot/core/decode-input';
import { type IdentityMap, parseIdentityMap, subjectOf } from '../../bot/core/identity-map';
import type { SlackMessage, SlackModal } from '../../bot/core/render/blocks';
import { BLOCK_KIT_BUILDER, blockKitBuilderUrl } from '../../bot/core/render/preview-link';
import { auditLine, composeCard, renderAskDm, renderDenyModal } from '../../bot/core/render/response-card';
import { renderSignInCard } from '../../bot/core/render/sign-in-card';
import {
  type ActorFacts,
  type AlertFacts,
  alertFacts,
  DEFAULT_POLICY,
  decide,
  dueWork,
  initialAsk,
  initialResponse,
  type ResponderAction,
} from '../../bot/core/response';
import type { ClassifiedSignIn } from '../../bot/core/sign-in';
import { type AlertResponse, BOT_ACTOR } from '../../bot/ports';
import { fixturePath } from './fixtures';

export const ROOT_FIXTURE = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
export const IAM_USER_FIXTURE = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';

/** The people of the story: two responders, the root user's owner and anaya (an IAM user). */
export const PEOPLE = { alice: 'U0ALICE', bob: 'U0BOB', owner: 'U0OWNER', anaya: 'U0ANAYA' } as const;
const IDENTITY_MAP: IdentityMap = parseIdentityMap({
  iamUsers: { anaya: PEOPLE.anaya },
  root: { '111122223333': PEOPLE.owner },
});
/** A note typed into the "No" modal: it must reach the card and thread as text, never as a mention. */
export const DENIAL_NOTE = 'I was asleep. <!channel> someone has my password';

/** Both sign-ins happened at 16:24:34; the cards went out half a minute later. */
const POSTED = Date.parse('2022-11-10T16:25:00Z');
const MINUTE = 60_000;

export const STATE_KEYS = [
  'posted',
  'asked',
  'confirmed',
  'denied',
  'escalated',
  'acknowledged',
  'resolved',
] as const;
export type StateKey = (typeof STATE_KEYS)[number];

export interface CardState {
  readonly key: StateKey;
  readonly signIn: ClassifiedSignIn;
  readonly alertId: string;
  readonly facts: AlertFacts;
  readonly response: AlertResponse;
  readonly card: SlackMessage;
  /** The card's thread so far: the audit line of each event that has one (the page's line is the worker's). */
  readonly thread: readonly string[];
}

export interface CardStates {
  readonly cards: readonly CardState[];
  /** The "was this you?" DM anaya gets, before she answers. */
  readonly dm: SlackMessage;
  /** The modal behind "No, it wasn't me". */
  readonly modal: SlackModal;
}

const signInOf = (rel: string): ClassifiedSignIn => {
  const [item] = decodeBytes(readFileSync(fixturePath(rel)));
  if (item?.kind !== 'signin') throw new Error(`${rel} did not decode to a sign-in`);
  return { ...item.signIn, severity: classifySignIn(item.signIn) };
};

const responder = (actor: string): ActorFacts => ({ actor, isResponder: true, isSubject: false });
const subject = (actor: string): ActorFacts => ({ actor, isResponder: false, isSubject: true });
const bot: ActorFacts = { actor: BOT_ACTOR, isResponder: true, isSubject: false };

/** One alert's life: every change goes through `decide`; a refusal means the story is wrong, so it throws. */
class Life {
  readonly alertId: string;
  readonly facts: AlertFacts;
  private readonly base: SlackMessage;
  private response: AlertResponse;
  private updatedAt = POSTED;
  private readonly lines: string[] = [];

  constructor(readonly signIn: ClassifiedSignIn) {
    this.alertId = `signin:${signIn.eventId}`;
    this.facts = alertFacts({ kind: 'signin', severity: signIn.severity });
    this.base = renderSignInCard(signIn, { accountName: null });
    // As Responders.initialFor posts it: who it is about, and the ask requested (SIGNINS_AUTO_ASK=success).
    const match = subjectOf(signIn, IDENTITY_MAP);
    if (match.kind !== 'mapped' || match.target.kind !== 'user')
      throw new Error(`${this.alertId} is not mapped to a Slack user`);
    const at = new Date(POSTED);
    this.response = {
      ...initialResponse(at, { user: match.target.user }),
      ask: initialAsk(at, { ask: true }),
    };
  }

  act(minutes: number, action: ResponderAction, who: ActorFacts): this {
    const now = new Date(POSTED + minutes * MINUTE);
    const d = decide(this.response, action, who, this.facts, now);
    if (d.kind !== 'changed') throw new Error(`${action.kind} at +${minutes} min: ${JSON.stringify(d)}`);
    this.response = d.next;
    this.updatedAt = now.getTime();
    const line = d.event ? auditLine(d.event, d.next) : null;
    if (line) this.lines.push(line);
    // The card is redrawn after every change it shows, and the redraw is recorded (as Responders does).
    if (d.next.drawnVersion !== d.next.version)
      this.act(minutes, { kind: 'drawn', version: d.next.version }, bot);
    return this;
  }

  /** The DM went out (the worker's ask job). */
  asked(minutes: number, user: string): this {
    return this.act(
      minutes,
      { kind: 'asked', user, dm: { channel: `D${user}`, ts: '1668097560.000100' } },
      bot,
    );
  }

  /** A page that was due is sent (the worker's page job: claimed, SNS accepted it). */
  paged(minutes: number): this {
    return this.act(minutes, { kind: 'page-claim' }, bot).act(minutes, { kind: 'page-sent' }, bot);
  }

  /** The sweeper at +`minutes`: whatever the real timers say is due (reminders, a timeout's escalation). */
  sweep(minutes: number): this {
    const now = new Date(POSTED + minutes * MINUTE);
    const work = dueWork(this.response, this.facts, DEFAULT_POLICY, now, new Date(this.updatedAt));
    if (work.length === 0) throw new Error(`nothing due at +${minutes} min`);
    for (const w of work) {
      // As the sweeper does: an escalation is paged in the same run.
      if (w.kind === 'escalate')
        this.act(minutes, { kind: 'escalate', reason: w.reason }, bot).paged(minutes);
      else if (w.kind === 'remind-ask' || w.kind === 'remind-ack') this.act(minutes, { kind: w.kind }, bot);
      else if (w.kind === 'page') this.paged(minutes);
      else throw new Error(`${w.kind} due at +${minutes} min: not part of this story`);
    }
    return this;
  }

  state(key: StateKey): CardState {
    return {
      key,
      signIn: this.signIn,
      alertId: this.alertId,
      facts: this.facts,
      response: this.response,
      card: composeCard(this.base, this.alertId, this.facts, this.response),
      thread: [...this.lines],
    };
  }
}

export const cardStates = (): CardStates => {
  const rootSignIn = signInOf(ROOT_FIXTURE);
  // Root: posted while its owner is being asked, asked, confirmed (a critical alert still needs a responder);
  // the reminder at half the acknowledgement timeout, the timeout escalates and pages; Bob's acknowledgement
  // then resolves it.
  const root = new Life(rootSignIn);
  const posted = root.state('posted');
  const asked = root.asked(1, PEOPLE.owner).state('asked');
  const confirmed = root.act(4, { kind: 'answer', answer: 'yes' }, subject(PEOPLE.owner)).state('confirmed');
  const escalated = root.sweep(8).sweep(15).state('escalated');
  const resolved = root.act(17, { kind: 'acknowledge' }, responder(PEOPLE.bob)).state('resolved');
  // The same root sign-in, acknowledged by Alice before its owner answers.
  const acknowledged = new Life(rootSignIn)
    .asked(1, PEOPLE.owner)
    .act(3, { kind: 'acknowledge' }, responder(PEOPLE.alice))
    .state('acknowledged');
  // anaya (an IAM user) says it was not her: the card turns red and the alert is paged at once.
  const anaya = new Life(signInOf(IAM_USER_FIXTURE));
  const denied = anaya
    .asked(1, PEOPLE.anaya)
    .act(6, { kind: 'answer', answer: 'no', note: DENIAL_NOTE }, subject(PEOPLE.anaya))
    .paged(6)
    .state('denied');

  return {
    cards: [posted, asked, confirmed, denied, escalated, acknowledged, resolved],
    dm: renderAskDm(anaya.signIn, anaya.alertId, null),
    modal: renderDenyModal(anaya.alertId),
  };
};

/** The builder draws a message from `{"blocks":[…]}` and a modal from the view itself (`"type":"modal"`). */
export const modalBuilderUrl = (modal: SlackModal): string =>
  `${BLOCK_KIT_BUILDER}${encodeURIComponent(JSON.stringify(modal))}`;

/** README.md's links sit between these two lines, as Markdown reference definitions its walkthrough uses. */
export const README_LINKS_START =
  '<!-- card-state links: written by `npx tsx test/helpers/card-states.ts --write` (test/core/card-states.test.ts checks them) -->';
export const README_LINKS_END = '<!-- end of card-state links -->';
export const README = join(__dirname, '..', '..', 'README.md');

/**
 * The README's reference-style link definitions, one per state, then the DM and the modal. In <…>: a card's
 * unbalanced parenthesis (which encodeURIComponent leaves as it is) cannot end the address early.
 */
export const readmeLinkDefinitions = (states: CardStates = cardStates()): string =>
  [
    ...states.cards.map((s) => `[card-${s.key}]: <${blockKitBuilderUrl(s.card)}>`),
    `[card-dm]: <${blockKitBuilderUrl(states.dm)}>`,
    `[card-modal]: <${modalBuilderUrl(states.modal)}>`,
  ].join('\n');

/** `npx tsx test/helpers/card-states.ts` prints the links; `--write` puts them in README.md between the markers. */
if (require.main === module) {
  const links = readmeLinkDefinitions();
  if (!process.argv.includes('--write')) process.stdout.write(`${links}\n`);
  else {
    const readme = readFileSync(README, 'utf8');
    const [before, rest] = readme.split(README_LINKS_START);
    const after = rest?.split(README_LINKS_END)[1];
    if (before === undefined || after === undefined)
      throw new Error('README.md has no card-state link markers');
    // Blank lines around the definitions: each marker is an HTML block of its own in any Markdown renderer.
    writeFileSync(README, `${before}${README_LINKS_START}\n\n${links}\n\n${README_LINKS_END}${after}`);
  }
}
