// Environment variable names read by bot/config.ts and set by the CDK construct. One list, two users.
export const ENV = {
  slackBotToken: 'SLACK_BOT_TOKEN',
  slackSigningSecret: 'SLACK_SIGNING_SECRET',
  slackAppToken: 'SLACK_APP_TOKEN',
  slackApiUrl: 'SLACK_API_URL',
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
} as const;

/** Keys of the JSON document stored in the Slack secret. */
export const SLACK_SECRET_KEYS = { botToken: 'botToken', signingSecret: 'signingSecret' } as const;
