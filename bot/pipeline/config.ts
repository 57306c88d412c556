// Settings, parsed once from the environment with clear errors. Nothing else in bot/ reads process.env.
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { SIGNIN_ALARMS } from '../../shared/alarms';
import { AWS_REGION_ENV, ENV, HEALTH_ENV, MAX_SILENCE_DAYS, REGION_CODE } from '../../shared/env-keys';
import { BOT_METRIC_NAMESPACE, DEFAULT_METRICS_SERVICE } from '../../shared/metrics';
import type { Routing } from '../../shared/routing';
import { DEFAULT_ROUTING, describeRoutingError, routingSchema } from '../../shared/routing';
import { DEFAULT_BURST_WINDOW_MS } from '../core/burst';
import type { IdentityMap } from '../core/identity-map';
import { DEFAULT_POLICY, type ResponsePolicy } from '../core/response';
import { loadIdentityMap } from './identity-map-config';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface Config {
  readonly slackBotToken: string | undefined;
  readonly slackSigningSecret: string | undefined;
  readonly slackAppToken: string | undefined;
  readonly slackApiUrl: string | undefined;
  /** Per-call timeout of the Slack Web API client: an answer later than this is treated as lost. */
  readonly slackTimeoutMs: number;
  readonly channel: string;
  readonly dataDir: string;
  /** True when SIGNINS_DATA_DIR was set: the store is then kept even in a dry run. */
  readonly dataDirSet: boolean;
  readonly port: number;
  readonly routing: Routing;
  readonly tableName: string | undefined;
  readonly secretArn: string | undefined;
  readonly escalationTopicArn: string | undefined;
  readonly retentionDays: number;
  readonly logLevel: LogLevel;
  /** CloudWatch namespace and `service` dimension of the bot's metrics (Powertools' own variables). */
  readonly metricsNamespace: string;
  readonly metricsService: string;
  /** What the health checks and `signins redrive` look at (set by the stack; flags override them locally). */
  readonly installation: InstallationNames;
  readonly responders: ResponderSettings;
  /** The events worker (the ingress hands it slow work); unset locally, where work runs in process. */
  readonly workerFunction: string | undefined;
  /** Regions CloudTrail event history is read in for windows older than the store, in order, each once. */
  readonly historyRegions: readonly string[];
  /** The longest a silence may last, in days. */
  readonly maxSilenceDays: number;
  /**
   * The deployed names of the four sign-in alarms, in SIGNIN_ALARMS' order: `<alarmNamePrefix>-<name>` as the
   * stack names them (infra/names.ts), or the names themselves. Only these may a silence switch off.
   */
  readonly signInAlarms: readonly string[];
  /** Where the geo data is (SIGNINS_GEO_DIR); null: built from the installed packages (local runs, tests). */
  readonly geoDir: string | null;
}

export const AUTO_ASK = ['success', 'all', 'off'] as const;
export type AutoAsk = (typeof AUTO_ASK)[number];

export interface ResponderSettings {
  /** Who may acknowledge and escalate; null: the members of the alert's channel. */
  readonly allowed: { readonly users: readonly string[]; readonly groups: readonly string[] } | null;
  /** Mentioned in the thread when an alert escalates: a user (U…/W…) or a user group (S…). */
  readonly oncall: string | null;
  readonly identityMap: IdentityMap;
  /** Which posted sign-ins of a mapped principal ask "was this you?" at once. */
  readonly autoAsk: AutoAsk;
  readonly policy: ResponsePolicy;
  /**
   * Sign-ins of one principal from one address with one outcome within this long of each other are one card
   * with a counter (bot/core/burst.ts); 0: each its own card. Here because posting and redrawing cards is what
   * the worker, the sweeper and the CLI share through these settings. @default 10 minutes
   */
  readonly burstWindowMs?: number;
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;

const parseResponders = (raw: string | undefined): ResponderSettings['allowed'] => {
  if (!raw) return null;
  const users: string[] = [];
  const groups: string[] = [];
  for (const id of raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    if (USER_ID.test(id)) users.push(id);
    else if (GROUP_ID.test(id)) groups.push(id);
    else
      throw new ConfigError(
        `${ENV.responders} must list Slack user ids (U…, W…) and user group ids (S…), comma-separated; "${id}" is neither (a name or @handle will not do: copy the id from the profile's ⋮ menu)`,
      );
  }
  return { users, groups };
};

const parseOncall = (raw: string | undefined): string | null => {
  if (!raw) return null;
  if (!USER_ID.test(raw) && !GROUP_ID.test(raw))
    throw new ConfigError(
      `${ENV.oncall} must be one Slack user id (U…, W…) or user group id (S…), got "${raw}"`,
    );
  return raw;
};

const parseAutoAsk = (raw: string | undefined): AutoAsk => {
  if (raw === undefined) return 'success';
  const v = AUTO_ASK.find((a) => a === raw.toLowerCase());
  if (!v) throw new ConfigError(`${ENV.autoAsk} must be one of ${AUTO_ASK.join(', ')}, got "${raw}"`);
  return v;
};

/** Minutes, 0 allowed (storms off), at most a day. */
const burstWindowSetting = (raw: string | undefined): number => {
  if (raw === undefined || raw.trim() === '') return DEFAULT_BURST_WINDOW_MS;
  if (!/^\d+$/.test(raw.trim()))
    throw new ConfigError(
      `${ENV.burstWindowMinutes} must be a whole number of minutes (0 turns storm cards off), got "${raw}"`,
    );
  const minutes = Number(raw.trim());
  if (minutes > 1440)
    throw new ConfigError(`${ENV.burstWindowMinutes} must be at most 1440 minutes (a day), got "${raw}"`);
  return minutes * 60_000;
};

const minutesSetting = (name: string, raw: string | undefined, fallbackMs: number): number => {
  const minutes = positiveInt(name, raw, fallbackMs / 60_000);
  if (minutes > 1440) throw new ConfigError(`${name} must be at most 1440 minutes (a day), got "${raw}"`);
  return minutes * 60_000;
};

// Where root and global-endpoint sign-ins are recorded (SIGNIN-FACTS.md §4, §9), whatever the stack's region.
const SIGNIN_HOME_REGION = 'us-east-1';

const parseHistoryRegions = (raw: string | undefined, ownRegion: string | undefined): string[] => {
  if (!raw) return [...new Set([SIGNIN_HOME_REGION, ...(ownRegion ? [ownRegion] : [])])];
  const regions = raw
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = regions.find((r) => !REGION_CODE.test(r));
  if (bad !== undefined || regions.length === 0)
    throw new ConfigError(
      `${ENV.historyRegions} must list AWS region codes, comma-separated (such as us-east-1,eu-west-1); "${bad ?? raw}" is not one`,
    );
  return [...new Set(regions)];
};

const parseMaxSilenceDays = (raw: string | undefined): number => {
  if (raw === undefined) return MAX_SILENCE_DAYS.default;
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || days < MAX_SILENCE_DAYS.min || days > MAX_SILENCE_DAYS.max)
    throw new ConfigError(
      `${ENV.maxSilenceDays} must be a whole number of days from ${MAX_SILENCE_DAYS.min} to ${MAX_SILENCE_DAYS.max}, got "${raw}"`,
    );
  return days;
};

export interface InstallationNames {
  readonly trail: string | undefined;
  readonly logGroup: string | undefined;
  readonly subscriptionFilter: string | undefined;
  readonly alarmNamePrefix: string | undefined;
  readonly failureQueueUrl: string | undefined;
}

export const LOG_LEVELS = ['info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const logLevel = (raw: string | undefined): LogLevel => {
  if (raw === undefined) return 'info';
  const level = LOG_LEVELS.find((l) => l === raw.toLowerCase());
  if (!level) throw new ConfigError(`${ENV.logLevel} must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return level;
};

const DEFAULT_CHANNEL = '#aws-signins';

const parseRouting = (raw: string | undefined): Routing => {
  if (!raw || raw.trim() === '') return DEFAULT_ROUTING;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError(`${ENV.routing} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = routingSchema.safeParse(json);
  if (!parsed.success)
    throw new ConfigError(`${ENV.routing} is invalid ${describeRoutingError(parsed.error)}`);
  return parsed.data;
};

const positiveInt = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return n;
};

const optionalUrl = (name: string, raw: string | undefined): string | undefined => {
  if (!raw) return undefined;
  if (!z.url().safeParse(raw).success) throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  return raw.endsWith('/') ? raw : `${raw}/`;
};

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const get = (key: string): string | undefined => {
    const v = env[key];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  return {
    slackBotToken: get(ENV.slackBotToken),
    slackSigningSecret: get(ENV.slackSigningSecret),
    slackAppToken: get(ENV.slackAppToken),
    slackApiUrl: optionalUrl(ENV.slackApiUrl, get(ENV.slackApiUrl)),
    slackTimeoutMs: positiveInt(ENV.slackTimeoutMs, get(ENV.slackTimeoutMs), 5000),
    channel: get(ENV.channel) ?? DEFAULT_CHANNEL,
    dataDir: get(ENV.dataDir) ?? '.signins-data',
    dataDirSet: get(ENV.dataDir) !== undefined,
    port: positiveInt(ENV.port, get(ENV.port), 3000),
    routing: parseRouting(get(ENV.routing)),
    tableName: get(ENV.table),
    secretArn: get(ENV.secretArn),
    escalationTopicArn: get(ENV.escalationTopicArn),
    retentionDays: positiveInt(ENV.retentionDays, get(ENV.retentionDays), 90),
    logLevel: logLevel(get(ENV.logLevel)),
    metricsNamespace: get('POWERTOOLS_METRICS_NAMESPACE') ?? BOT_METRIC_NAMESPACE,
    metricsService: get(HEALTH_ENV.metricsService) ?? DEFAULT_METRICS_SERVICE,
    installation: {
      trail: get(HEALTH_ENV.trail),
      logGroup: get(HEALTH_ENV.logGroup),
      subscriptionFilter: get(HEALTH_ENV.subscriptionFilter),
      alarmNamePrefix: get(HEALTH_ENV.alarmNamePrefix),
      failureQueueUrl: get(HEALTH_ENV.failureQueueUrl),
    },
    responders: {
      allowed: parseResponders(get(ENV.responders)),
      oncall: parseOncall(get(ENV.oncall)),
      identityMap: loadIdentityMap(get(ENV.identityMap), (path) => readFileSync(path, 'utf8')),
      autoAsk: parseAutoAsk(get(ENV.autoAsk)),
      policy: {
        ...DEFAULT_POLICY,
        askTimeoutMs: minutesSetting(
          ENV.askTimeoutMinutes,
          get(ENV.askTimeoutMinutes),
          DEFAULT_POLICY.askTimeoutMs,
        ),
        ackTimeoutMs: minutesSetting(
          ENV.ackTimeoutMinutes,
          get(ENV.ackTimeoutMinutes),
          DEFAULT_POLICY.ackTimeoutMs,
        ),
      },
      burstWindowMs: burstWindowSetting(get(ENV.burstWindowMinutes)),
    },
    workerFunction: get(ENV.workerFunction),
    historyRegions: parseHistoryRegions(get(ENV.historyRegions), get(AWS_REGION_ENV)),
    maxSilenceDays: parseMaxSilenceDays(get(ENV.maxSilenceDays)),
    signInAlarms: SIGNIN_ALARMS.map((a) => {
      const prefix = get(HEALTH_ENV.alarmNamePrefix);
      return prefix ? `${prefix}-${a.name}` : a.name;
    }),
    geoDir: get(ENV.geoDir) ?? null,
  };
};
