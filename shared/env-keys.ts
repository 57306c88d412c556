// Environment variable names read by bot/pipeline/config.ts and set by the CDK construct. One list, two users.
export const ENV = {
  slackBotToken: 'SLACK_BOT_TOKEN',
  slackSigningSecret: 'SLACK_SIGNING_SECRET',
  slackAppToken: 'SLACK_APP_TOKEN',
  slackApiUrl: 'SLACK_API_URL',
  /** Milliseconds before a Slack Web API call counts as lost (default 5000). */
  slackTimeoutMs: 'SIGNINS_SLACK_TIMEOUT_MS',
  channel: 'SIGNINS_CHANNEL',
  dataDir: 'SIGNINS_DATA_DIR',
  port: 'PORT',
  /** JSON routing rules: which severities post, and where (see README "Routing"). */
  routing: 'SIGNINS_ROUTING',
  /** DynamoDB table name; when unset locally the embedded dynalite store is used. */
  table: 'SIGNINS_TABLE',
  /** Secrets Manager secret (JSON: {"botToken","signingSecret"}) read at run time on Lambda. */
  secretArn: 'SIGNINS_SECRET_ARN',
  /** SNS topic for escalations (responder workflow). */
  escalationTopicArn: 'SIGNINS_ESCALATION_TOPIC_ARN',
  /** info (default), warn, error or silent. */
  logLevel: 'SIGNINS_LOG_LEVEL',
  /** Days a stored sign-in is kept for queries. */
  retentionDays: 'SIGNINS_RETENTION_DAYS',
  /** Who may acknowledge and escalate: comma-separated Slack user ids (U…, W…) and user group ids (S…). */
  responders: 'SIGNINS_RESPONDERS',
  /** The Slack user (U…/W…) or user group (S…) mentioned in the thread on escalation. */
  oncall: 'SIGNINS_ONCALL',
  /** AWS principal → Slack user map: a JSON file path, or inline JSON (see README "Was this you?"). */
  identityMap: 'SIGNINS_IDENTITY_MAP',
  /** Which posted sign-ins ask their subject "was this you?" at once: success (default), all, off. */
  autoAsk: 'SIGNINS_AUTO_ASK',
  /** Minutes a "was this you?" DM may stay unanswered before the alert escalates (default 30). */
  askTimeoutMinutes: 'SIGNINS_ASK_TIMEOUT_MINUTES',
  /** Minutes a critical alert may stay unacknowledged before it escalates (default 15). */
  ackTimeoutMinutes: 'SIGNINS_ACK_TIMEOUT_MINUTES',
  /**
   * Minutes within which sign-ins of one principal from one address with one outcome share one card with a
   * counter (default 10; 0: every sign-in its own card).
   */
  burstWindowMinutes: 'SIGNINS_BURST_WINDOW_MINUTES',
  /** Name of the events worker function: the ingress hands it the slow part of a click (async invoke). */
  workerFunction: 'SIGNINS_WORKER_FUNCTION',
  /**
   * Regions `/signins` looks back in with CloudTrail event history, comma-separated (default: us-east-1, where
   * root and global-endpoint sign-ins are recorded, and the function's own region).
   */
  historyRegions: 'SIGNINS_HISTORY_REGIONS',
  /** The longest a silence may last, in days (default 7, 1–90). */
  maxSilenceDays: 'SIGNINS_MAX_SILENCE_DAYS',
  /**
   * Directory of the geo data (asn.bin, country.mmdb): /opt/geo on Lambda (the stack's layer). Unset locally: the
   * data is built once from the installed packages (shared/geo-data-build.ts).
   */
  geoDir: 'SIGNINS_GEO_DIR',
} as const;

/** Set by Lambda (and read by the AWS SDK): the function's own region. */
export const AWS_REGION_ENV = 'AWS_REGION';

/** Bounds of SIGNINS_MAX_SILENCE_DAYS (and the `maxSilenceDays` context key): checked by the bot and at synth. */
export const MAX_SILENCE_DAYS = { default: 7, min: 1, max: 90 } as const;

/** An AWS region code (us-east-1, us-gov-west-1, ap-southeast-5), as SIGNINS_HISTORY_REGIONS lists them. */
export const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Keys of the JSON document stored in the Slack secret. */
export const SLACK_SECRET_KEYS = { botToken: 'botToken', signingSecret: 'signingSecret' } as const;

/** Settings the pipeline-health checks need (set by the construct; `signins doctor` takes flags). */
export const HEALTH_ENV = {
  /** Log group the trail delivers to. */
  logGroup: 'SIGNINS_LOG_GROUP',
  /** Name or ARN of the trail the stack created (unset with an existing log group). */
  trail: 'SIGNINS_TRAIL',
  /** Prefix of the alarm names (`alarmNamePrefix`), empty for none. */
  alarmNamePrefix: 'SIGNINS_ALARM_PREFIX',
  /** Name of the subscription filter that feeds the worker. */
  subscriptionFilter: 'SIGNINS_SUBSCRIPTION_FILTER',
  /** URL of the events worker's failure queue (for `signins redrive`). */
  failureQueueUrl: 'SIGNINS_FAILURE_QUEUE_URL',
  /** Powertools' service name: the `service` dimension of the bot's metrics. */
  metricsService: 'POWERTOOLS_SERVICE_NAME',
} as const;
