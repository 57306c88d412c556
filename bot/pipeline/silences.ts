// Silences as a service: made from Slack (`/signins silence …`, the card's Silence button) or the terminal,
// listed, ended early, and swept: the sweeper switches the covered CloudWatch alarms' actions off when a
// silence starts and on again when it ends, and announces the end in the channel. The decisions themselves
// (state, guardrails, which alarms) are the pure core's (bot/core/silence.ts).
import type { IdentityMap } from '../../shared/identity-map';
import { userKeysOf } from '../core/identity-map';
import type { SlackMessage } from '../core/render/blocks';
import { silenceAnnouncement } from '../core/render/silence-views';
import { alarmsCovered, checkSilence, silenceId, silenceState } from '../core/silence';
import type { Silence, SilenceDraft } from '../core/silence-types';
import type { AlarmActions, Clock, Logger, Notifier, SilenceStore } from '../ports';

export interface SilenceDeps {
  readonly store: SilenceStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly identityMap: IdentityMap;
  readonly maxSilenceMs: number;
  /** The four sign-in alarms' actions; null where there are none (local runs). */
  readonly alarmActions: AlarmActions | null;
  /** The deployed name of each of the four sign-in alarms (by its base name, e.g. signin-console-failure-iam). */
  readonly alarmName: (baseName: string) => string;
  /** Where announcements go when the silence names no channel (the CLI). */
  readonly defaultChannel: string | null;
}

export type SilenceResult =
  | { readonly ok: true; readonly silence: Silence; readonly announced: boolean }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Slack answers in about a second; announcements are not worth more. */
const ANNOUNCE_BUDGET_MS = 2_000;

const announcementMessage = (text: string): SlackMessage => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});

export class Silences {
  constructor(private readonly deps: SilenceDeps) {}

  private get now(): Date {
    return this.deps.clock.now();
  }

  /**
   * Makes a silence after the guardrails, announces it in its channel, and switches off the alarms it covers
   * when it starts now. `isResponder` is the caller's check (Slack: the responders list or the channel).
   */
  async create(
    draft: SilenceDraft,
    author: string,
    channel: string | null,
    isResponder: boolean,
  ): Promise<SilenceResult> {
    const now = this.now;
    const check = checkSilence(draft, {
      author,
      authorUserKeys: author.startsWith('cli:') ? [] : userKeysOf(this.deps.identityMap, author),
      isResponder,
      maxMs: this.deps.maxSilenceMs,
      now,
    });
    if (!check.ok) return { ok: false, problems: check.problems };
    const nowIso = now.toISOString();
    let silence: Silence | null = null;
    for (let attempt = 0; attempt < 5 && silence === null; attempt++) {
      const candidate: Silence = {
        id: silenceId(Math.random),
        matchers: draft.matchers,
        startsAt: draft.startsAt ?? nowIso,
        endsAt: draft.endsAt,
        author,
        reason: draft.reason.trim(),
        createdAt: nowIso,
        updatedAt: nowIso,
        channel: channel ?? this.deps.defaultChannel,
        held: 0,
        alarms: alarmsCovered(draft.matchers).map(this.deps.alarmName),
      };
      if (await this.deps.store.createSilence(candidate)) silence = candidate;
    }
    if (!silence) throw new Error('could not find a free silence id after 5 tries');
    const started = await this.switchAlarms(silence);
    const announced = await this.announce(started, 'created');
    return { ok: true, silence: started, announced };
  }

  async list(): Promise<Silence[]> {
    // Those that ended in the last day are shown too: "it ended an hour ago" answers a common question.
    return this.deps.store.listSilences(new Date(this.now.getTime() - 86_400_000));
  }

  /** Silences in force now (for the worker's decision). */
  async active(): Promise<Silence[]> {
    const now = this.now;
    return (await this.deps.store.listSilences(now)).filter((s) => silenceState(s, now) === 'active');
  }

  /** Ends a silence now. Only responders may; the end is announced and its alarms switched back on. */
  async cancel(id: string, by: string, isResponder: boolean): Promise<SilenceResult> {
    if (!isResponder) return { ok: false, problems: ['Only responders may end a silence.'] };
    for (let attempt = 0; attempt < 3; attempt++) {
      const silence = await this.deps.store.getSilence(id);
      if (!silence)
        return { ok: false, problems: [`There is no silence ${id}: \`/signins silences\` lists them.`] };
      if (silenceState(silence, this.now) === 'expired')
        return { ok: false, problems: [`Silence ${id} has already ended.`] };
      const nowIso = this.now.toISOString();
      const cancelled: Silence = { ...silence, cancelled: { by, at: nowIso }, updatedAt: nowIso };
      if (!(await this.deps.store.updateSilence(id, { cancelled: cancelled.cancelled }, silence))) continue;
      const done = await this.switchAlarms(cancelled);
      const announced = await this.announce(done, 'cancelled');
      return { ok: true, silence: done, announced };
    }
    return { ok: false, problems: [`Silence ${id} kept changing while it was being ended: try again.`] };
  }

  /**
   * The sweeper's part: alarms switched off for silences that started, back on for those that ended, and each
   * end announced once. One silence's failure never stops the others.
   */
  async sweep(): Promise<{ switched: number; announced: number; errors: number }> {
    const result = { switched: 0, announced: 0, errors: 0 };
    const silences = await this.deps.store.listSilences(new Date(this.now.getTime() - 86_400_000));
    for (const silence of silences) {
      try {
        const before = silence.updatedAt;
        const switched = await this.switchAlarms(silence);
        if (switched.updatedAt !== before) result.switched += 1;
        const state = silenceState(switched, this.now);
        if (state === 'expired' && !switched.endAnnouncedAt) {
          if (await this.announce(switched, switched.cancelled ? 'cancelled' : 'ended'))
            result.announced += 1;
        }
      } catch (err) {
        result.errors += 1;
        this.deps.logger.error('silence sweep failed', { id: silence.id, error: (err as Error).message });
      }
    }
    return result;
  }

  /**
   * Brings the alarms a silence covers in line with its state: off while active, on once it has ended
   * (unless another active silence still covers them). Records what it did on the silence.
   */
  private async switchAlarms(silence: Silence): Promise<Silence> {
    const actions = this.deps.alarmActions;
    if (!actions || silence.alarms.length === 0) return silence;
    const now = this.now;
    const state = silenceState(silence, now);
    if (state === 'active' && !silence.alarmsDisabledAt) {
      await actions.disable(silence.alarms);
      return this.record(silence, { alarmsDisabledAt: now.toISOString() });
    }
    if (state === 'expired' && silence.alarmsDisabledAt && !silence.alarmsEnabledAt) {
      const stillCovered = new Set(
        (await this.active()).filter((s) => s.id !== silence.id).flatMap((s) => s.alarms),
      );
      const toEnable = silence.alarms.filter((a) => !stillCovered.has(a));
      if (toEnable.length > 0) await actions.enable(toEnable);
      return this.record(silence, { alarmsEnabledAt: now.toISOString() });
    }
    return silence;
  }

  private async record(silence: Silence, change: Partial<Silence>): Promise<Silence> {
    const updatedAt = this.now.toISOString();
    const next = { ...silence, ...change, updatedAt };
    if (!(await this.deps.store.updateSilence(silence.id, change, silence)))
      // Someone else changed it meanwhile (another sweeper run): theirs is the record.
      return (await this.deps.store.getSilence(silence.id)) ?? next;
    return next;
  }

  /** Tells the channel; false when it could not (the silence stands either way). */
  private async announce(silence: Silence, event: 'created' | 'ended' | 'cancelled'): Promise<boolean> {
    if (!silence.channel) return false;
    const text = silenceAnnouncement(silence, event, this.now);
    try {
      await this.deps.notifier.post(
        silence.channel,
        announcementMessage(text),
        { alertId: `silence:${silence.id}:${event}` },
        ANNOUNCE_BUDGET_MS,
      );
    } catch (err) {
      this.deps.logger.warn('silence announcement not posted', {
        id: silence.id,
        event,
        error: (err as Error).message,
      });
      // An end that could not be told is told by the next sweep (endAnnouncedAt stays unset).
      return false;
    }
    if (event !== 'created') await this.record(silence, { endAnnouncedAt: this.now.toISOString() });
    return true;
  }
}
