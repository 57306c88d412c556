// Lambda entry points, relative to the repository root, used by the CDK construct to bundle them.
export const HANDLERS = {
  eventsWorker: { entry: 'bot/handlers/events-worker.ts', exportName: 'handler' },
  slackIngress: { entry: 'bot/handlers/slack-ingress.ts', exportName: 'handler' },
  sweeper: { entry: 'bot/handlers/sweeper.ts', exportName: 'handler' },
} as const;
