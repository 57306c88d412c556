// Alert severities, most urgent first. Shared so that infra can validate routing without loading the bot.
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
