// The embedded store for `npm start` and tests: dynalite (DynamoDB on LevelDB) in this process, on
// 127.0.0.1, persisted under a data directory (or in memory). Same adapter code as production.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { createTableInput } from './dynamodb-table';

export interface EmbeddedDynamo {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly endpoint: string;
  close(): Promise<void>;
}

interface DynaliteServer {
  listen(port: number, host: string, cb: () => void): void;
  address(): AddressInfo;
  close(cb: (err?: Error) => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
}

/** dynalite makes a new table ACTIVE on a timer; a write before that is refused (ResourceNotFoundException). */
const untilActive = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  for (let waited = 0; waited < 5_000; waited += 20) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the embedded store's table ${tableName} did not become active`);
};

export const startEmbeddedDynamo = async (
  options: { dataDir?: string; tableName?: string } = {},
): Promise<EmbeddedDynamo> => {
  // Loaded lazily: dynalite is a local-only dependency and is not bundled into the Lambda functions.
  const dynalite = require('dynalite') as (opts: {
    path?: string;
    createTableMs: number;
    deleteTableMs: number;
    updateTableMs: number;
  }) => DynaliteServer;
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tableName = options.tableName ?? 'signins';
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  }
  await untilActive(client, tableName);
  return {
    client,
    tableName,
    endpoint,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
};
