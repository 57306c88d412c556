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
   * Makes a silence after the guardrails and announces it in its channel. The alarms it covers are switched
   * off by the sweeper's next run (within a minute): CloudWatch's calls do not fit in Slack's 3 s, and one
   * place that switches alarms cannot race with another.
   */
  async create(
    draft: SilenceDraft,
    author: string,
    channel: string | null,
    isResponder: boolean,
    deadline?: number,
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
    const announced = await this.announce(silence, 'created', deadline);
    return { ok: true, silence, announced };
  }

  async list(): Promise<Silence[]> {
    // Those that ended in the last day are shown too: "it ended an hour ago" answers a common question.
    return this.deps.store.listSilences(new Date(this.now.getTime() - 86_400_000));
  }

  /** Ends a silence now. Only responders may; the end is announced; the sweeper switches its alarms back on. */
  async cancel(id: string, by: string, isResponder: boolean, deadline?: number): Promise<SilenceResult> {
    if (!isResponder) return { ok: false, problems: ['Only responders may end a silence.'] };
    for (let attempt = 0; attempt < 3; attempt++) {
      const silence = await this.deps.store.getSilence(id);
      if (!silence)
        return { ok: false, problems: [`There is no silence ${id}: \`/signins silences\` lists them.`] };
      if (silenceState(silence, this.now) === 'expired')
        return { ok: false, problems: [`Silence ${id} has already ended.`] };
      const cancelled = { by, at: this.now.toISOString() };
      // The end is announced here, once: the sweeper's end announcement is claimed in the same write.
      if (!(await this.deps.store.updateSilence(id, { cancelled, endAnnouncedAt: cancelled.at }, silence)))
        continue;
      const done = (await this.deps.store.getSilence(id)) ?? { ...silence, cancelled };
      const announced = await this.announce(done, 'cancelled', deadline);
      return { ok: true, silence: done, announced };
    }
    return { ok: false, problems: [`Silence ${id} kept changing while it was being ended: try again.`] };
  }

  /**
   * The sweeper's part: the four alarms' actions brought in line with the silences (off while an active
   * silence covers them, on otherwise), and each end announced once. One failure never stops the rest.
   */
  async sweep(): Promise<{ switched: number; announced: number; errors: number }> {
    const result = { switched: 0, announced: 0, errors: 0 };
    const now = this.now;
    const silences = await this.deps.store.listSilences(new Date(now.getTime() - 86_400_000));
    try {
      result.switched = await this.reconcileAlarms(silences, now);
    } catch (err) {
      result.errors += 1;
      this.deps.logger.error('alarm actions not switched', { error: (err as Error).message });
    }
    for (const silence of silences) {
      if (silenceState(silence, now) !== 'expired' || silence.endAnnouncedAt) continue;
      try {
        // Re-read: reconciling the alarms may have changed it (a stale copy would lose the claim).
        const latest = (await this.deps.store.getSilence(silence.id)) ?? silence;
        if (!latest.endAnnouncedAt && (await this.announceEnd(latest))) result.announced += 1;
      } catch (err) {
        result.errors += 1;
        this.deps.logger.error('silence end not announced', {
          id: silence.id,
          error: (err as Error).message,
        });
      }
    }
    return result;
  }

  /**
   * Off while an active silence covers an alarm, on again once none does. Reads the alarms' state each run
   * (one DescribeAlarms), so that a switch that failed, or raced with an unsilence, is put right a minute later.
   * Only alarms some recent silence names are touched: an alarm someone switched off by hand is theirs
   * (`signins doctor` reports it).
   */
  private async reconcileAlarms(silences: readonly Silence[], now: Date): Promise<number> {
    const actions = this.deps.alarmActions;
    if (!actions) return 0;
    const named = [...new Set(silences.flatMap((s) => s.alarms))];
    if (named.length === 0) return 0;
    const wanted = new Set(
      silences.filter((s) => silenceState(s, now) === 'active').flatMap((s) => s.alarms),
    );
    const off = new Set(await actions.disabled(named));
    const toDisable = named.filter((a) => wanted.has(a) && !off.has(a));
    const toEnable = named.filter((a) => !wanted.has(a) && off.has(a));
    if (toDisable.length > 0) await actions.disable(toDisable);
    if (toEnable.length > 0) await actions.enable(toEnable);
    if (toDisable.length + toEnable.length > 0)
      this.deps.logger.info('alarm actions switched', { off: toDisable, on: toEnable });
    for (const silence of silences) {
      const state = silenceState(silence, now);
      const change: Partial<Silence> =
        state === 'active' &&
        !silence.alarmsDisabledAt &&
        silence.alarms.some((a) => toDisable.includes(a) || off.has(a))
          ? { alarmsDisabledAt: now.toISOString() }
          : state === 'expired' && silence.alarmsDisabledAt && !silence.alarmsEnabledAt
            ? { alarmsEnabledAt: now.toISOString() }
            : {};
      if (Object.keys(change).length > 0) await this.deps.store.updateSilence(silence.id, change, silence);
    }
    return toDisable.length + toEnable.length;
  }

  /** Claims the end's announcement first (one sweeper wins), then posts it. */
  private async announceEnd(silence: Silence): Promise<boolean> {
    const claimed = await this.deps.store.updateSilence(
      silence.id,
      { endAnnouncedAt: this.now.toISOString() },
      silence,
    );
    if (!claimed) return false;
    return this.announce(silence, silence.cancelled ? 'cancelled' : 'ended');
  }

  /** Tells the channel; false when it could not (the silence stands either way). */
  private async announce(
    silence: Silence,
    event: 'created' | 'ended' | 'cancelled',
    deadline?: number,
  ): Promise<boolean> {
    if (!silence.channel) return false;
    const budget =
      deadline === undefined ? ANNOUNCE_BUDGET_MS : Math.min(ANNOUNCE_BUDGET_MS, deadline - Date.now());
    if (budget < 200) return false;
    const text = silenceAnnouncement(silence, event, this.now);
    try {
      await this.deps.notifier.post(
        silence.channel,
        announcementMessage(text),
        { alertId: `silence:${silence.id}:${event}` },
        budget,
      );
      return true;
    } catch (err) {
      this.deps.logger.warn('silence announcement not posted', {
        id: silence.id,
        event,
        error: (err as Error).message,
      });
      return false;
    }
  }
}
