// The metrics the bot emits (CloudWatch embedded metric format, through Powertools Metrics) and that the
// bot-health alarms in infra/ watch. One list, two users.

export const BOT_METRIC_NAMESPACE = 'signins';

/** The `service` dimension Powertools adds to every metric; infra sets it per installation. */
export const DEFAULT_METRICS_SERVICE = 'signins';

export const BOT_METRICS = {
  /** Age in seconds of the oldest alert not yet in Slack (emitted by every sweep, 0 when none). */
  oldestPendingAlertAge: 'OldestPendingAlertAgeSeconds',
  /** Alerts the sweeper gave up on (published to the escalation topic). */
  abandonedAlerts: 'AbandonedAlerts',
  /** Slack answered with an error that no retry fixes (token refused, channel not found, …). */
  slackPermanentErrors: 'SlackPermanentErrors',
  /** Slack refused the bot token (invalid_auth, token_revoked, account_inactive, not_authed). */
  slackTokenRefused: 'SlackTokenRefused',
  /** A scheduled health check (`signins doctor`'s checks) found something broken. */
  healthCheckFailures: 'HealthCheckFailures',
  /** Cards posted. */
  alertsPosted: 'AlertsPosted',
  /**
   * Seconds from a sign-in's event time to the worker receiving it, one value per sign-in, by the path that
   * delivered it (README "Faster: the EventBridge path"). Two names, not a dimension: the Metrics port has none,
   * and each name is one line to graph side by side.
   */
  logsDeliveryDelay: 'DeliveryDelaySecondsLogs',
  eventBridgeDeliveryDelay: 'DeliveryDelaySecondsEventBridge',
} as const;
export type BotMetricName = (typeof BOT_METRICS)[keyof typeof BOT_METRICS];
