// The bot's parts for local runs (`signins start` / `replay`): the embedded store (or a real table when
// SIGNINS_TABLE is set), and Slack when a token is configured.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoSignInStore } from '../adapters/dynamodb-store';
import { startEmbeddedDynamo } from '../adapters/embedded-dynamodb';
import { MemorySignInStore } from '../adapters/memory-store';
import type { BotStore } from '../ports';
import type { Config } from './config';

export interface LocalStore {
  readonly store: BotStore;
  readonly description: string;
  close(): Promise<void>;
}

/**
 * `persist: false` (dry runs) keeps an embedded store in memory, whatever is configured: nothing is posted,
 * so nothing is remembered, and a real table is never marked with fake posts.
 */
export const openLocalStore = async (config: Config, persist: boolean): Promise<LocalStore> => {
  const options = { retentionDays: config.retentionDays };
  // A dry run never touches a real table: its fake posts would mark real alerts as posted.
  if (config.tableName && persist) {
    const client = new DynamoDBClient({});
    return {
      store: new DynamoSignInStore(client, { ...options, tableName: config.tableName }),
      description: `DynamoDB table ${config.tableName}`,
      close: async () => client.destroy(),
    };
  }
  const embedded = await startEmbeddedDynamo(persist ? { dataDir: config.dataDir } : {});
  return {
    store: new DynamoSignInStore(embedded.client, { ...options, tableName: embedded.tableName }),
    description: persist ? `embedded store in ${config.dataDir}` : 'embedded in-memory store',
    close: () => embedded.close(),
  };
};

/**
 * `replay --dry-run`'s store: in memory, holding only what the replay's decisions need (bot/adapters/memory-store.ts),
 * so that a file of any size replays in flat memory. `start` keeps the embedded store: it answers /signins.
 */
export const openReplayDryRunStore = (config: Config): LocalStore => ({
  store: new MemorySignInStore({ retentionDays: config.retentionDays }),
  description: "the dry run's memory store",
  close: async () => {},
});
