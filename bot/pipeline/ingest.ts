// The events worker's pipeline, shared by the Lambda handler and `signins replay`/`start`: store every
// sign-in, classify, route, render, and write each card as a pending alert — all before the first Slack
// call, so that a worker killed at any point leaves every alert due for the sweeper. Then deliver the
// batch's alerts, most severe first, within the time left. Idempotent on the CloudTrail eventID (or the
// SNS MessageId): a record delivered twice gives one alert.

import { findSignInAlarm } from '../../shared/alarms';
import { SEVERITIES } from '../../shared/severity';
import { alarmLookback, signInsBehindAlarm } from '../core/alarm-match';
import { assertNever } from '../core/assert-never';
import { baselineWords, raiseSeverity, travelOf } from '../core/baseline';
import type { BaselineFacts } from '../core/baseline-types';
import {
  BRUTE_FORCE_FAILURES,
  type BurstExemption,
  type BurstRun,
  bruteForceWords,
  burstExemption,
  burstKey,
  burstRuns,
  burstSeverity,
  DEFAULT_BURST_WINDOW_MS,
  type FailureChain,
  failuresLeadingTo,
  isBruteForce,
  listed,
  MAX_BURST_SPAN_MS,
} from '../core/burst';
import { classifyAlarm, classifySignIn, classifyTrailChange } from '../core/classify';
import type { DecodedItem, DeliveryPath } from '../core/decode-input';
import { type GeoData, placeOf } from '../core/geo';
import { userKey } from '../core/query';
import { renderAlarmCard } from '../core/render/alarm-card';
import type { SlackMessage } from '../core/render/blocks';
import { renderSignInCard } from '../core/render/sign-in-card';
import { renderTrailChangeCard } from '../core/render/trail-change-card';
import { accountName, type RouteDecision, type Routing, routeFor } from '../core/routing';
import type { AlarmNotification, ClassifiedSignIn, Severity } from '../core/sign-in';
import { type AlertDecision, decide, silenceState } from '../core/silence';
import type { Silence } from '../core/silence-types';
import { type TrailChange, trailChangeAlertId } from '../core/trail-change';
import type {
  ActivityStore,
  AlertKind,
  BurstJoinRequest,
  NewAlert,
  SignInKey,
  SignInStore,
  SilenceStore,
} from '../ports';
import { type DeliveryDeps, type DeliveryOutcome, deliverAlert } from './delivery';
import { asDeliveryError } from './delivery-error';

export interface IngestDeps extends DeliveryDeps {
  readonly store: SignInStore & ActivityStore & SilenceStore;
  readonly routing: Routing;
  readonly defaultChannel: string;
  /** The bundled geo data; null when it could not be loaded (cards then show the address without a country). */
  readonly geo: GeoData | null;
  /** The storm window (SIGNINS_BURST_WINDOW_MINUTES; 0: every sign-in its own card). @default 10 minutes */
  readonly settings?: { readonly burstWindowMs?: number };
}

export interface IngestOptions {
  /** Epoch ms after which no Slack call may still run; the rest stays pending for the sweeper. */
  readonly deadline?: number;
  /**
   * Epoch ms after which nothing more is written (the function's own end, less a margin): records not stored
   * by then fail the invocation, so that Lambda retries them.
   */
  readonly storeDeadline?: number;
  /** The path that brought the batch (the worker reads it from the event; the CLI says `file`): the card names it. */
  readonly via?: DeliveryPath;
}

export interface IngestResult {
  signIns: number;
  alarms: number;
  /** Trail and log-pipeline changes (tamper events). */
  changes: number;
  posted: number;
  /** Already posted, found in Slack after a lost answer, or being posted by another delivery. */
  duplicates: number;
  /** Stored, below the posting threshold. */
  storedOnly: number;
  /** Stored and counted, not posted: an active silence covers them. */
  silenced: number;
  /** Stored and counted on a storm's card (bot/core/burst.ts) instead of a card of their own. */
  grouped: number;
  /** Stored as pending: the sweeper posts them (Slack busy, slow or out of time). */
  deferred: number;
  /** Given up (Slack refuses them): escalated to the escalation topic. */
  abandoned: number;
  skipped: number;
  rejected: { position: string; message: string }[];
  /** Delivery problems: each alert is kept and owned by the sweeper from here. */
  failed: { alertId: string; error: string }[];
  /** What could not be kept at all (the store failed): the only reason for the worker to fail. */
  notStored: { id: string; error: string }[];
}

export const emptyIngestResult = (): IngestResult => ({
  signIns: 0,
  alarms: 0,
  changes: 0,
  posted: 0,
  duplicates: 0,
  storedOnly: 0,
  silenced: 0,
  grouped: 0,
  deferred: 0,
  abandoned: 0,
  skipped: 0,
  rejected: [],
  failed: [],
  notStored: [],
});

/** Adds one result into a running total (the CLI sums over files). */
export const addIngestResults = (total: IngestResult, r: IngestResult): IngestResult => ({
  signIns: total.signIns + r.signIns,
  alarms: total.alarms + r.alarms,
  changes: total.changes + r.changes,
  posted: total.posted + r.posted,
  duplicates: total.duplicates + r.duplicates,
  storedOnly: total.storedOnly + r.storedOnly,
  silenced: total.silenced + r.silenced,
  grouped: total.grouped + r.grouped,
  deferred: total.deferred + r.deferred,
  abandoned: total.abandoned + r.abandoned,
  skipped: total.skipped + r.skipped,
  rejected: [...total.rejected, ...r.rejected],
  failed: [...total.failed, ...r.failed],
  notStored: [...total.notStored, ...r.notStored],
});

export const describeError = (err: unknown): string => asDeliveryError(err).message;

interface Subject {
  readonly alertId: string;
  readonly kind: AlertKind;
  readonly subjectId: string;
  readonly severity: Severity;
  readonly accountId: string | null;
  readonly position: string;
  /** The sign-in itself, for the silences' decision. */
  readonly signIn?: ClassifiedSignIn;
  readonly isNew?: boolean;
  /** Why a sign-in keeps its own card inside a storm, or null when it may be counted on one. */
  readonly burst?: BurstExemption | null;
  /** Failures before it that routing kept out of Slack: counted on the storm card it opens. */
  readonly leadUp?: BurstJoinRequest['leadUp'];
  /** The alarm, for the silences that switch its actions off. */
  readonly alarmName?: string;
  /** Rendered once everything is stored: an alarm card names the sign-ins stored in phase one. */
  readonly render: (silences: readonly Silence[]) => Promise<SlackMessage>;
}

const signInSubject = (
  signIn: ClassifiedSignIn,
  position: string,
  deps: IngestDeps,
  baseline: BaselineFacts | undefined,
  /** New to the store (not a redelivery): only then is a held-back sign-in counted again. */
  isNew: boolean,
  /** What raised its severity (first-seen country, impossible travel), in the card's words. */
  raisedBecause: readonly string[],
  /** The path that brought it: a card is drawn by its first delivery only, so it names the first. */
  via: DeliveryPath | undefined,
): Subject => ({
  alertId: `signin:${signIn.eventId}`,
  kind: 'signin',
  subjectId: signIn.eventId,
  severity: signIn.severity,
  accountId: signIn.accountId,
  position,
  signIn,
  isNew,
  burst: burstExemption(signIn),
  render: async () =>
    renderSignInCard(signIn, {
      accountName: accountName(deps.routing, signIn.accountId),
      baseline: baselineWords(baseline, deps.clock.now()),
      raisedBecause,
      deliveredBy: via,
    }),
});

/** The sign-ins an alarm counted, found by a query that filters before its limit. */
const signInsBehind = async (alarm: AlarmNotification, deps: IngestDeps): Promise<ClassifiedSignIn[]> => {
  const window = alarmLookback(alarm);
  const definition = findSignInAlarm(alarm.alarmName);
  if (!window || !definition || alarm.state !== 'ALARM') return [];
  const stored = await deps.store.listSignIns(
    {
      ...window,
      filter: {
        eventName: 'ConsoleLogin',
        outcome: definition.outcome,
        identityType: definition.scope === 'root' ? 'Root' : '!Root',
      },
      limit: 500,
    },
    deps.clock.now(),
  );
  return signInsBehindAlarm(alarm, stored);
};

const alarmSubject = (alarm: AlarmNotification, position: string, deps: IngestDeps): Subject => {
  const severity = classifyAlarm(alarm);
  return {
    alertId: `alarm:${alarm.notificationId}`,
    kind: 'alarm',
    subjectId: alarm.notificationId,
    severity,
    accountId: alarm.accountId,
    position,
    alarmName: alarm.alarmName,
    render: async (silences) => {
      // A silence that switched this alarm's actions off: the card says mail and SMS are quiet, and until when.
      const quieting = silences.find((s) => s.alarms.includes(alarm.alarmName));
      return renderAlarmCard(alarm, {
        severity,
        accountName: accountName(deps.routing, alarm.accountId),
        signIns: await signInsBehind(alarm, deps),
        actionsSilenced: quieting ? { silenceId: quieting.id, until: quieting.endsAt } : null,
      });
    },
  };
};

/** A trail or log pipeline being switched off: a critical card through the same path as sign-ins. */
const changeSubject = (change: TrailChange, position: string, deps: IngestDeps): Subject => {
  const severity = classifyTrailChange(change);
  return {
    alertId: trailChangeAlertId(change),
    kind: 'change',
    subjectId: change.eventId,
    severity,
    accountId: change.accountId,
    position,
    render: async () =>
      renderTrailChangeCard(change, { severity, accountName: accountName(deps.routing, change.accountId) }),
  };
};

/** Phase one, part one: every sign-in stored, the rest collected. One failure never stops the others. */
/** Past the deadline nothing more is written: a store that does not answer must not hold the worker. */
const outOfTime = (deps: IngestDeps, options: IngestOptions): boolean =>
  options.storeDeadline !== undefined && deps.clock.now().getTime() >= options.storeDeadline;

const storeItems = async (
  items: readonly DecodedItem[],
  deps: IngestDeps,
  options: IngestOptions,
  result: IngestResult,
) => {
  const classified: { signIn: ClassifiedSignIn; position: string }[] = [];
  const others: Subject[] = [];
  for (const item of items) {
    switch (item.kind) {
      case 'rejected':
        result.rejected.push({ position: item.position, message: item.message });
        deps.logger.warn('input rejected', { position: item.position, reason: item.message });
        break;
      case 'skipped':
        result.skipped += 1;
        break;
      case 'signin': {
        result.signIns += 1;
        classified.push({
          signIn: {
            ...item.signIn,
            severity: classifySignIn(item.signIn),
            place: placeOf(item.signIn.sourceIp, deps.geo),
          },
          position: item.position,
        });
        break;
      }
      case 'alarm':
        result.alarms += 1;
        others.push(alarmSubject(item.alarm, item.position, deps));
        break;
      case 'trail-change':
        result.changes += 1;
        others.push(changeSubject(item.change, item.position, deps));
        break;
      default:
        assertNever(item);
    }
  }
  const { baselines, added } = await recordSignIns(
    classified.map((c) => c.signIn),
    deps,
    options,
    result,
  );
  // A first-seen country or IP on a risky sign-in, and impossible travel, raise it (bot/core/baseline.ts).
  const raisedSignIns: RaisedSignIn[] = classified.map(({ signIn, position }) => {
    const facts = baselines.get(signIn.eventId);
    const raised = raiseSeverity(signIn.severity, signIn, facts, travelOf(signIn, facts));
    return { signIn: { ...signIn, severity: raised.severity }, position, facts, why: raised.why };
  });
  const signIns = (await raiseHiddenBruteForce(raisedSignIns, deps, options)).map((r) => ({
    ...signInSubject(
      r.signIn,
      r.position,
      deps,
      r.facts,
      added?.has(r.signIn.eventId) ?? true,
      r.why,
      options.via,
    ),
    ...(r.leadUp ? { leadUp: r.leadUp } : {}),
  }));
  return [...signIns, ...others];
};

interface RaisedSignIn {
  readonly signIn: ClassifiedSignIn;
  readonly position: string;
  readonly facts: BaselineFacts | undefined;
  readonly why: readonly string[];
  readonly leadUp?: BurstJoinRequest['leadUp'];
}

/** Sign-ins read from each index when looking for a hidden failure's storm (newest first). */
const BRUTE_FORCE_LOOKBACK_LIMIT = 200;

/**
 * Failures that routing keeps out of Slack (post: [high, critical] hides a medium failure), which a storm card
 * therefore never counts: when one is the tenth of a brute force (bot/core/burst.ts `failuresLeadingTo`, over the
 * principal's stored sign-ins), it is raised to high and says why, so that the attack is posted as a storm card
 * (the failures after it join that card). A store that cannot be read leaves them as they were.
 */
const raiseHiddenBruteForce = async (
  signIns: readonly RaisedSignIn[],
  deps: IngestDeps,
  options: IngestOptions,
): Promise<readonly RaisedSignIn[]> => {
  const windowMs = burstWindowMs(deps);
  const hidden = (s: ClassifiedSignIn) =>
    windowMs > 0 &&
    burstExemption(s) === null &&
    !routeFor(deps.routing, deps.defaultChannel, s.severity, s.accountId).post &&
    routeFor(
      deps.routing,
      deps.defaultChannel,
      burstSeverity(s.severity, { failures: BRUTE_FORCE_FAILURES }),
      s.accountId,
    ).post;
  const hiddenFailures = signIns.map((r) => r.signIn).filter((s) => s.sourceIp !== null && hidden(s));
  if (hiddenFailures.length === 0 || outOfTime(deps, options)) return signIns;
  // Both indexes: the address's newest sign-ins can be other people's (an office NAT, credential stuffing), the
  // person's can be from other addresses (a distributed attack); either alone could hide the other. Each address
  // and each person is read once per batch, all at once (a password spray is one address and many people), and
  // only before the batch's first hidden failure of theirs: the batch itself is already known, and a big batch
  // read from its newest end would fill the limit with itself.
  const earliest = new Map<string, number>();
  const note = (key: SignInKey, at: number) => {
    const id = JSON.stringify(key);
    earliest.set(id, Math.min(earliest.get(id) ?? at, at));
  };
  for (const s of hiddenFailures) {
    const at = Date.parse(s.time as string);
    note({ ip: s.sourceIp as string }, at);
    note({ user: userKey(s) }, at);
  }
  let stored: readonly ClassifiedSignIn[] = [];
  try {
    const reads = [...earliest].map(([key, at]) =>
      beforeStoreDeadline(
        deps.store.listSignInsOf(
          JSON.parse(key) as SignInKey,
          new Date(at - MAX_BURST_SPAN_MS),
          new Date(at + 1),
          BRUTE_FORCE_LOOKBACK_LIMIT,
          deps.clock.now(),
        ),
        deps,
        options,
      ),
    );
    stored = (await Promise.all(reads)).flat();
  } catch (err) {
    deps.logger.warn('earlier failures not read; a brute force hidden by routing may not be raised', {
      error: describeError(err),
    });
  }
  // The batch's own failures count even when the store lost them.
  const known = [...stored, ...signIns.map((r) => r.signIn)];
  const raised = new Map<string, FailureChain>();
  for (const s of hiddenFailures) {
    const chain = failuresLeadingTo(s, known, windowMs);
    if (isBruteForce(chain)) raised.set(s.eventId, chain);
  }
  return signIns.map((r) => {
    const chain = raised.get(r.signIn.eventId);
    if (!chain) return r;
    return {
      ...r,
      signIn: { ...r.signIn, severity: burstSeverity(r.signIn.severity, chain) },
      why: [...r.why, bruteForceWords(chain)],
      // The chain's failures before this one were kept out of Slack: the card it opens counts them.
      leadUp: { failures: chain.failures - 1, first: chain.first },
    };
  });
};

/**
 * Every sign-in of the batch stored in one go (rollups and baselines with them). A store that fails keeps
 * nothing for queries, but the cards still go out: the alert records below are small and written one by one.
 */
const recordSignIns = async (
  signIns: readonly ClassifiedSignIn[],
  deps: IngestDeps,
  options: IngestOptions,
  result: IngestResult,
): Promise<{ baselines: ReadonlyMap<string, BaselineFacts>; added: ReadonlySet<string> | null }> => {
  const none = { baselines: new Map<string, BaselineFacts>(), added: null };
  if (signIns.length === 0) return none;
  if (outOfTime(deps, options)) {
    for (const s of signIns)
      result.notStored.push({ id: `signin:${s.eventId}`, error: 'out of time before it could be stored' });
    return none;
  }
  try {
    return await beforeStoreDeadline(deps.store.recordSignIns(signIns, deps.clock.now()), deps, options);
  } catch (err) {
    if (signIns.length === 1 || err instanceof StoreDeadlineError) {
      for (const s of signIns)
        result.notStored.push({ id: `signin:${s.eventId}`, error: describeError(err) });
      deps.logger.error('sign-ins not stored', { count: signIns.length, error: describeError(err) });
      return none;
    }
    // One bad sign-in must not keep the others out of the store: each on its own, while time allows.
    deps.logger.warn('batch not stored; storing one by one', {
      count: signIns.length,
      error: describeError(err),
    });
    const baselines = new Map<string, BaselineFacts>();
    const added = new Set<string>();
    for (const s of signIns) {
      const one = await recordSignIns([s], deps, options, result);
      for (const [id, facts] of one.baselines) baselines.set(id, facts);
      for (const id of one.added ?? []) added.add(id);
    }
    return { baselines, added };
  }
};

class StoreDeadlineError extends Error {
  override readonly name = 'StoreDeadlineError';
}

/** A store that does not answer must not hold the worker past its store deadline (the call is abandoned). */
const beforeStoreDeadline = async <T>(
  work: Promise<T>,
  deps: IngestDeps,
  options: IngestOptions,
): Promise<T> => {
  if (options.storeDeadline === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreDeadlineError('the store did not answer before the worker had to stop')),
      Math.max(0, (options.storeDeadline as number) - deps.clock.now().getTime()),
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
};

/**
 * The silences in force, read once per batch. When they cannot be read every card goes out: a silence that
 * fails open costs noise, one that fails closed could hide an attack.
 */
const activeSilences = async (deps: IngestDeps, options: IngestOptions): Promise<Silence[]> => {
  const now = deps.clock.now();
  if (outOfTime(deps, options)) return [];
  try {
    const silences = await beforeStoreDeadline(deps.store.listSilences(now), deps, options);
    return silences.filter((s) => silenceState(s, now) === 'active');
  } catch (err) {
    deps.logger.error('silences not read; posting everything', { error: describeError(err) });
    return [];
  }
};

/** A sign-in that may be counted on a storm's card, with where its card would go. */
interface Groupable {
  readonly subject: Subject;
  readonly signIn: ClassifiedSignIn;
  readonly key: string;
  readonly channel: string;
}

interface Due {
  readonly alertId: string;
  readonly severity: Severity;
}

/** The storm window in force: the setting, or the default; 0 turns storms off. */
const burstWindowMs = (deps: IngestDeps): number => deps.settings?.burstWindowMs ?? DEFAULT_BURST_WINDOW_MS;

/**
 * Phase one, part two: each card written as a pending alert, due now. Returns the ids to deliver, and the
 * storm cards sign-ins were counted on (their counters are redrawn after delivery).
 */
const createAlerts = async (
  subjects: readonly Subject[],
  deps: IngestDeps,
  options: IngestOptions,
  result: IngestResult,
): Promise<{ due: Due[]; counted: Set<string> }> => {
  const due: Due[] = [];
  const seen = new Set<string>();
  const silences = subjects.some((s) => s.signIn || s.alarmName) ? await activeSilences(deps, options) : [];
  const held = new Map<string, ClassifiedSignIn[]>();
  const groupable: Groupable[] = [];
  const windowMs = burstWindowMs(deps);
  const create = async (s: Subject, alert: () => Promise<NewAlert>) => {
    if (outOfTime(deps, options)) {
      result.notStored.push({ id: s.alertId, error: 'out of time before it could be stored' });
      return;
    }
    try {
      await deps.store.createAlert(await alert(), deps.clock.now());
      due.push({ alertId: s.alertId, severity: s.severity });
    } catch (err) {
      result.notStored.push({ id: s.alertId, error: describeError(err) });
      deps.logger.error('alert not stored', {
        alertId: s.alertId,
        position: s.position,
        error: describeError(err),
      });
    }
  };
  const newAlert = async (s: Subject, channel: string): Promise<NewAlert> => ({
    alertId: s.alertId,
    kind: s.kind,
    subjectId: s.subjectId,
    severity: s.severity,
    channel,
    message: await s.render(silences),
  });
  for (const s of subjects) {
    // A silence holds back what happened while it was in force (event time), and only while it still is: a
    // late or replayed sign-in from before it started is posted.
    const route = s.signIn
      ? decide(s.signIn, silences, deps.routing, deps.defaultChannel, eventTime(s.signIn, deps.clock.now()))
      : routeFor(deps.routing, deps.defaultChannel, s.severity, s.accountId);
    if (!route.post) {
      const heldBy = silencedBy(route);
      if (heldBy && s.signIn) {
        result.silenced += 1;
        // Counted once: a redelivered sign-in (or one twice in a batch) was counted the first time.
        if (!s.isNew || seen.has(s.alertId)) continue;
        seen.add(s.alertId);
        held.set(heldBy.id, [...(held.get(heldBy.id) ?? []), s.signIn]);
      } else result.storedOnly += 1;
      continue;
    }
    if (seen.has(s.alertId)) {
      result.duplicates += 1;
      continue;
    }
    seen.add(s.alertId);
    if (s.signIn && s.burst === null && windowMs > 0) {
      groupable.push({
        subject: s,
        signIn: s.signIn,
        key: burstKey(s.signIn, route.channel),
        channel: route.channel,
      });
      continue;
    }
    await create(s, () => newAlert(s, route.channel));
  }
  await countHeld(held, deps);
  const counted = new Set<string>();
  for (const run of burstRuns(groupable, windowMs)) {
    const opener = run.members[0];
    if (!opener) continue;
    if (outOfTime(deps, options)) {
      for (const m of run.members)
        result.notStored.push({ id: m.subject.alertId, error: 'out of time before it could be stored' });
      continue;
    }
    try {
      const joined = await joinRun(run, await newAlert(opener.subject, opener.channel), windowMs, deps);
      // A redelivered first sign-in finds its own card: delivered (or found delivered) as any card is.
      if (joined.kind === 'opened' || joined.alertId === opener.subject.alertId) {
        due.push({ alertId: joined.alertId, severity: opener.subject.severity });
        result.grouped += run.members.length - 1;
        // Its card was posted by an earlier delivery and now counts more: the counter must be redrawn too.
        if (joined.kind !== 'opened' && run.members.length > 1) counted.add(joined.alertId);
      } else {
        counted.add(joined.alertId);
        result.grouped += run.members.length;
      }
    } catch (err) {
      // The storm could not be counted: each sign-in gets its own card, noise rather than a hidden attack.
      deps.logger.warn('storm not counted; posting its sign-ins one by one', {
        alertId: opener.subject.alertId,
        count: run.members.length,
        error: describeError(err),
      });
      for (const m of run.members) await create(m.subject, () => newAlert(m.subject, m.channel));
    }
  }
  // Most severe first: with little time left, the root card goes before the medium ones.
  return {
    due: due.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity)),
    counted,
  };
};

/** One run of a storm counted on its group's open card, or opening the group with its first sign-in's card. */
const joinRun = (run: BurstRun<Groupable>, alert: NewAlert, windowMs: number, deps: IngestDeps) => {
  // A redelivered sign-in was counted the first time it came.
  const fresh = run.members.filter((m) => m.subject.isNew !== false).map((m) => m.signIn);
  const leadUp = run.members[0]?.subject.leadUp;
  return deps.store.joinBurst(
    {
      key: run.key,
      alert,
      windowMs,
      ...(leadUp ? { leadUp } : {}),
      counters: {
        count: fresh.length,
        failures: fresh.filter((s) => s.outcome === 'failure').length,
        first: run.first,
        last: run.last,
        users: listed(run.members.map((m) => m.signIn.principal)),
        ips: listed(run.members.map((m) => m.signIn.sourceIp)),
      },
    },
    deps.clock.now(),
  );
};

const eventTime = (signIn: ClassifiedSignIn, now: Date): Date => {
  const t = signIn.time ? Date.parse(signIn.time) : Number.NaN;
  return Number.isFinite(t) && t <= now.getTime() ? new Date(t) : now;
};

const silencedBy = (decision: AlertDecision | RouteDecision): Silence | null =>
  !decision.post && 'why' in decision && decision.why === 'silenced' ? decision.silence : null;

/** Each silence's count of what it held back; a failure costs the count, never a sign-in. */
const countHeld = async (held: ReadonlyMap<string, ClassifiedSignIn[]>, deps: IngestDeps): Promise<void> => {
  for (const [silenceId, signIns] of held) {
    try {
      await deps.store.countSilenced(silenceId, signIns);
    } catch (err) {
      deps.logger.warn('silenced sign-ins not counted', { silenceId, error: describeError(err) });
    }
  }
};

const count = (outcome: DeliveryOutcome, result: IngestResult): void => {
  switch (outcome) {
    case 'posted':
      result.posted += 1;
      return;
    case 'found':
    case 'unavailable':
      result.duplicates += 1;
      return;
    case 'pending':
      result.deferred += 1;
      return;
    case 'failed':
      result.abandoned += 1;
      return;
    default:
      assertNever(outcome);
  }
};

export const ingest = async (
  items: readonly DecodedItem[],
  deps: IngestDeps,
  options: IngestOptions = {},
): Promise<IngestResult> => {
  const result = emptyIngestResult();
  const subjects = await storeItems(items, deps, options, result);
  const { due, counted } = await createAlerts(subjects, deps, options, result);
  // Phase two: deliver. From here on every alert is kept; what fails is the sweeper's.
  for (const { alertId } of due) {
    if (options.deadline !== undefined && deps.clock.now().getTime() >= options.deadline) {
      // Out of time: not even claimed, so it is due for the sweeper at once.
      result.deferred += 1;
      continue;
    }
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliverAlert(alertId, deps, options);
    } catch (err) {
      // The store failed mid-delivery: the alert is still pending (or its lease runs out) for the sweeper.
      result.deferred += 1;
      result.failed.push({ alertId, error: describeError(err) });
      deps.logger.error('alert delivery interrupted; left to the sweeper', {
        alertId,
        error: describeError(err),
      });
      continue;
    }
    count(outcome, result);
    if (outcome === 'pending' || outcome === 'failed') {
      const alert = await deps.store.getAlert(alertId).catch(() => null);
      result.failed.push({ alertId, error: alert?.lastError ?? outcome });
    }
  }
  // Storm cards that counted this batch: one redraw each at most, throttled; the sweeper's timer does the rest.
  for (const alertId of counted) {
    if (options.deadline !== undefined && deps.clock.now().getTime() >= options.deadline) break;
    try {
      await deps.responders?.counterChanged?.(alertId, options.deadline);
    } catch (err) {
      deps.logger.warn('storm counter not redrawn; the sweeper redraws it', {
        alertId,
        error: describeError(err),
      });
    }
  }
  return result;
};
