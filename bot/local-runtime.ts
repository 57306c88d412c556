// The bot's parts for local runs (`signins start` / `replay`): the embedded store (or a real table when
// SIGNINS_TABLE is set), and Slack when a token is configured.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoSignInStore } from './adapters/dynamodb-store';
import { startEmbeddedDynamo } from './adapters/embedded-dynamodb';
import type { Config } from './config';
import type { SignInStore } from './ports';

export interface LocalStore {
  readonly store: SignInStore;
  readonly description: string;
  close(): Promise<void>;
}

/** `persist: false` keeps the embedded store in memory (nothing is posted, so nothing to remember). */
export const openLocalStore = async (config: Config, persist: boolean): Promise<LocalStore> => {
  const options = { retentionDays: config.retentionDays };
  if (config.tableName) {
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
