// What `/signins …` answers, whatever carries it (the Lambda ingress, `signins start`): help, a query, a
// silence made, listed or ended. The listener only passes the words in and the answer back; a query older than
// the store goes to the worker (`answerFromHistoryJob`), which answers through the command's response_url.

import { assertNever } from '../core/assert-never';
import { normalizeIp } from '../core/ip-range';
import { type QueryFilters, type QueryWindow, resolveWindow, userKey } from '../core/query';
import {
  filtersText,
  matchersText,
  parseCommand,
  parseMatchers,
  USAGE,
  windowText,
} from '../core/query-grammar';
import type { Block } from '../core/render/blocks';
import { escapeMrkdwn } from '../core/render/mrkdwn';
import { renderQueryAnswer, slackTime } from '../core/render/query-answer';
import { renderSilenceList, SILENCE_MODAL_BLOCKS, type SilenceForm } from '../core/render/silence-views';
import { accountNames, type Routing } from '../core/routing';
import type { Matcher } from '../core/silence-types';
import type { Clock, Logger, LookupJob, Notifier, SignInStore } from '../ports';
import { answerFromHistory, geoProblem, type HistoryDeps, historyProblem, type Queries } from './queries';
import type { Silences } from './silences';

export interface CommandRequest {
  readonly text: string;
  readonly user: string;
  readonly channel: string;
  readonly responseUrl: string;
}

/** The body of a slash command's answer (Bolt's `ack`, or a POST to its response_url). */
export interface SlashAnswer {
  readonly response_type: 'ephemeral' | 'in_channel';
  readonly text: string;
  readonly blocks?: readonly Block[];
  readonly replace_original?: boolean;
}

export interface LookupQueue {
  enqueue(job: LookupJob): Promise<void>;
}

export interface SlashCommandDeps {
  readonly queries: Queries;
  readonly silences: Silences;
  readonly store: SignInStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly routing: Routing;
  /**
   * The alerts' channel: who may silence is decided there (not in whatever channel the command was typed in),
   * and silences made by command are announced there, where the people who would miss the alerts look.
   */
  readonly alertChannel: string;
  /** Whether `user` may act on alerts in `channel` (the responder rule, bot/pipeline/responders.ts). */
  readonly isResponder: (channel: string, user: string, deadline: number) => Promise<boolean>;
  /** Where a CloudTrail look-back goes; null where there is none (then the answer says so). */
  readonly lookups: LookupQueue | null;
}

const PRESET_MS: Record<'1h' | '4h' | '24h', number> = {
  '1h': 3_600_000,
  '4h': 4 * 3_600_000,
  '24h': 86_400_000,
};

const ephemeral = (text: string, blocks?: readonly Block[]): SlashAnswer => ({
  response_type: 'ephemeral',
  text,
  ...(blocks ? { blocks } : {}),
});

const usage = (problem?: string): SlashAnswer =>
  ephemeral(`${problem ? `${escapeMrkdwn(problem)}\n\n` : ''}\`\`\`${USAGE}\`\`\``);

const bullet = (problems: readonly string[]): string =>
  problems.map((p) => `• ${escapeMrkdwn(p)}`).join('\n');

/** The title of an answer: "last 24h · user alice · failed" (plain text; the renderer escapes it). */
export const queryTitle = (window: QueryWindow, filters: QueryFilters): string =>
  [windowText(window), filtersText(filters)].filter(Boolean).join(' · ');

export class SlashCommands {
  constructor(private readonly deps: SlashCommandDeps) {}

  async answer(req: CommandRequest, deadline: number): Promise<{ answer: SlashAnswer; kind: string }> {
    const now = this.deps.clock.now();
    const command = parseCommand(req.text, now);
    switch (command.kind) {
      case 'help':
        return { kind: 'help', answer: usage() };
      case 'invalid':
        return { kind: 'invalid', answer: usage(command.problem) };
      case 'query':
        return {
          kind: 'query',
          answer: await this.query(req, command.window, command.filters, command.public),
        };
      case 'silences': {
        const list = await this.deps.silences.list();
        const message = renderSilenceList(list, now);
        return { kind: 'silences', answer: ephemeral(message.text, message.blocks) };
      }
      case 'unsilence': {
        const may = await this.deps.isResponder(this.deps.alertChannel, req.user, deadline);
        const result = await this.deps.silences.cancel(command.id, req.user, may, deadline);
        return {
          kind: 'unsilence',
          answer: ephemeral(
            result.ok
              ? `Silence ${escapeMrkdwn(result.silence.id)} has ended; matching sign-ins are posted again.`
              : bullet(result.problems),
          ),
        };
      }
      case 'silence': {
        const may = await this.deps.isResponder(this.deps.alertChannel, req.user, deadline);
        const start = command.startsAt ? Date.parse(command.startsAt) : now.getTime();
        const result = await this.deps.silences.create(
          {
            matchers: command.matchers,
            ...(command.startsAt ? { startsAt: command.startsAt } : {}),
            endsAt: new Date(start + command.durationMs).toISOString(),
            reason: command.reason,
          },
          req.user,
          this.deps.alertChannel,
          may,
          deadline,
        );
        if (!result.ok) return { kind: 'silence-refused', answer: ephemeral(bullet(result.problems)) };
        const where = result.announced ? ` and said so in <#${this.deps.alertChannel}>` : '';
        const alarms =
          result.silence.alarms.length > 0
            ? ` The actions (mail, SMS) of ${result.silence.alarms.map((a) => `\`${escapeMrkdwn(a)}\``).join(', ')} go off within a minute, and back on when it ends.`
            : '';
        return {
          kind: 'silence',
          answer: ephemeral(
            `Silence ${escapeMrkdwn(result.silence.id)} is set${where}.${alarms} \`/signins unsilence ${escapeMrkdwn(result.silence.id)}\` ends it early.`,
          ),
        };
      }
      default:
        return assertNever(command);
    }
  }

  private async query(
    req: CommandRequest,
    window: QueryWindow,
    filters: QueryFilters,
    inChannel: boolean,
  ): Promise<SlashAnswer> {
    const outcome = await this.deps.queries.answer({ window, filters });
    const now = this.deps.clock.now();
    const title = queryTitle(window, filters);
    if (outcome.kind === 'answer') {
      const message = renderQueryAnswer(outcome.summary, {
        title,
        now,
        accountNames: accountNames(this.deps.routing),
      });
      return {
        response_type: inChannel ? 'in_channel' : 'ephemeral',
        text: message.text,
        blocks: message.blocks,
      };
    }
    if (outcome.kind === 'unanswerable') return ephemeral(escapeMrkdwn(outcome.problem));
    const problem = historyProblem(outcome.window, now);
    if (problem) return ephemeral(escapeMrkdwn(problem));
    if (!this.deps.lookups)
      return ephemeral(
        `signins has no record of sign-ins that far back${outcome.coverage ? ` (its history begins ${slackTime(outcome.coverage.toISOString())})` : ''}, and cannot read CloudTrail from here. Ask for a shorter window.`,
      );
    await this.deps.lookups.enqueue({
      kind: 'lookup',
      text: req.text,
      user: req.user,
      channel: req.channel,
      responseUrl: req.responseUrl,
      requestedAt: now.toISOString(),
    });
    const days = Math.max(1, Math.round((now.getTime() - outcome.window.from.getTime()) / 86_400_000));
    return ephemeral(
      `Looking back ${days} day${days === 1 ? '' : 's'} in CloudTrail event history (older than what signins keeps)… the answer follows here in a minute or two.`,
    );
  }

  /** The Silence modal's matcher field, prefilled from the card: its user, its source IP, and root named or left out. */
  async matchersFor(alertId: string, deadline: number): Promise<string> {
    // The modal must open within 3 s of the click: past the deadline it opens empty rather than not at all.
    const left = deadline - Date.now() - 800;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(''), Math.max(0, left));
    });
    try {
      return await Promise.race([this.prefill(alertId), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async prefill(alertId: string): Promise<string> {
    const alert = alertId ? await this.deps.store.getAlert(alertId).catch(() => null) : null;
    if (alert?.kind !== 'signin') return '';
    const signIn = await this.deps.store.getSignIn(alert.subjectId).catch(() => null);
    if (!signIn) return '';
    const matchers: Matcher[] = [];
    if (signIn.identityType === 'Root') matchers.push({ field: 'identityType', value: 'Root' });
    else {
      matchers.push({ field: 'principal', value: userKey(signIn) });
      matchers.push({ field: 'identityType', value: '!Root' });
    }
    const ip = normalizeIp(signIn.sourceIp ?? '');
    if (ip) matchers.push({ field: 'sourceIp', value: ip });
    return matchersText(matchers);
  }

  /** The Silence modal submitted: a silence, or the problem shown under the field it concerns. */
  async silenceFromModal(
    form: SilenceForm,
    ctx: { user: string; channel: string | null; alertId: string | null; deadline: number },
  ): Promise<{ ok: true } | { ok: false; problem: string; block?: string }> {
    const parsed = parseMatchers(form.matchers);
    if ('problem' in parsed)
      return { ok: false, problem: parsed.problem, block: SILENCE_MODAL_BLOCKS.matchers };
    const now = this.deps.clock.now();
    let endsAt: string;
    if (form.preset === 'custom') {
      if (!form.customEnd)
        return {
          ok: false,
          problem: 'Pick when the silence ends, or choose 1 h, 4 h or 24 h.',
          block: SILENCE_MODAL_BLOCKS.customEnd,
        };
      endsAt = form.customEnd;
    } else endsAt = new Date(now.getTime() + PRESET_MS[form.preset]).toISOString();
    // The card's channel (the modal came from a card there), else the alerts' channel.
    const channel = ctx.channel ?? this.deps.alertChannel;
    const may = await this.deps.isResponder(channel, ctx.user, ctx.deadline);
    const result = await this.deps.silences.create(
      { matchers: parsed.matchers, endsAt, reason: form.reason },
      ctx.user,
      channel,
      may,
      ctx.deadline,
    );
    if (!result.ok)
      return { ok: false, problem: result.problems.join(' '), block: SILENCE_MODAL_BLOCKS.reason };
    // The card's thread says it too, for whoever looks at the card later.
    if (ctx.alertId) {
      const alert = await this.deps.store.getAlert(ctx.alertId).catch(() => null);
      if (alert?.ts)
        await this.deps.notifier
          .postInThread(
            { channel: alert.channel, ts: alert.ts },
            `🔕 <@${ctx.user}> silenced ${escapeMrkdwn(form.matchers)} until ${slackTime(result.silence.endsAt)} (${escapeMrkdwn(result.silence.id)}).`,
            Math.max(200, ctx.deadline - Date.now()),
          )
          .catch((err) =>
            this.deps.logger.warn('silence thread line not posted', { error: (err as Error).message }),
          );
    }
    return { ok: true };
  }
}

/** Posts an answer to a slash command's response_url. */
export type Respond = (responseUrl: string, answer: SlashAnswer) => Promise<void>;

/** Progress is told at most this often: a response_url takes 5 answers in 30 minutes. */
const PROGRESS_STEPS = 3;

/**
 * The worker's half of an old query: CloudTrail event history, region by region, with a progress answer now
 * and then ("page 12 of ~40") and the answer at the end — or a clear failure, never silence.
 */
export const answerFromHistoryJob = async (
  job: LookupJob,
  deps: HistoryDeps & { readonly clock: Clock; readonly routing: Routing; readonly respond: Respond },
): Promise<void> => {
  const now = deps.clock.now();
  const command = parseCommand(job.text, new Date(job.requestedAt));
  if (command.kind !== 'query') {
    deps.logger.warn('history job is not a query', { text: job.text });
    return;
  }
  const unanswerable = geoProblem(command.filters, deps.geo);
  if (unanswerable) {
    await deps
      .respond(job.responseUrl, {
        response_type: 'ephemeral',
        replace_original: true,
        text: escapeMrkdwn(unanswerable),
      })
      .catch((e: unknown) =>
        deps.logger.error('look-back refusal not told', { error: (e as Error).message }),
      );
    return;
  }
  const range = resolveWindow(command.window, new Date(job.requestedAt));
  let told = 0;
  let lastTold = 0;
  let summary: Awaited<ReturnType<typeof answerFromHistory>>;
  try {
    summary = await answerFromHistory(
      { window: command.window, filters: command.filters, range },
      deps.routing,
      deps,
      async (p) => {
        if (told >= PROGRESS_STEPS || p.estimatedPages === null) return;
        const share = p.page / p.estimatedPages;
        if (share - lastTold < 1 / (PROGRESS_STEPS + 1)) return;
        told += 1;
        lastTold = share;
        await deps
          .respond(job.responseUrl, {
            response_type: 'ephemeral',
            replace_original: true,
            text: `Looking back in CloudTrail (${escapeMrkdwn(p.region)}): page ${p.page} of ~${p.estimatedPages}, ${p.signIns} matching sign-ins so far…`,
          })
          .catch(() => undefined);
      },
    );
  } catch (err) {
    deps.logger.error('history look-back failed', { error: (err as Error).message });
    // Never thrown on: a retried job would read CloudTrail again and answer past response_url's 5 answers.
    await deps
      .respond(job.responseUrl, {
        response_type: 'ephemeral',
        replace_original: true,
        text: `The look-back in CloudTrail failed: ${escapeMrkdwn((err as Error).message).slice(0, 500)}. Try a shorter window, or again in a few minutes.`,
      })
      .catch((e: unknown) =>
        deps.logger.error('look-back failure not told', { error: (e as Error).message }),
      );
    return;
  }
  const message = renderQueryAnswer(summary, {
    title: queryTitle(command.window, command.filters),
    now,
    accountNames: accountNames(deps.routing),
  });
  // Outside the try: an answer that may have landed is never replaced by a failure.
  await deps
    .respond(job.responseUrl, {
      response_type: command.public ? 'in_channel' : 'ephemeral',
      replace_original: !command.public,
      text: message.text,
      blocks: message.blocks,
    })
    .catch((e: unknown) =>
      deps.logger.error('look-back answer not delivered', { error: (e as Error).message }),
    );
};
