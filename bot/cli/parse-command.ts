// `signins parse [FILE|-]…`: one JSON line per sign-in or alarm notification; rejections on stderr.
import { parseArgs } from 'node:util';
import { assertNever } from '../core/assert-never';
import { classifySignIn, classifyTrailChange } from '../core/classify';
import { type GeoData, geoOf, placeOf } from '../core/geo';
import { loadConfig } from '../pipeline/config';
import type { Command, Io } from './command';
import { localGeoData } from './local-geo';
import { terminalProgress } from './progress';
import { rejectionLine, streamInputs, totalSize } from './read-inputs';
import { jsonSafe } from './terminal-text';

export type { Io } from './command';

/** Where the address is: the data's country and network, or null with what the address is instead. */
const whereFields = (sourceIp: string | null, geo: GeoData | null) => {
  const place = placeOf(sourceIp, geo);
  return { geo: geoOf(place), ...(place.kind === 'special' ? { geoLabel: place.label } : {}) };
};

export const runParse = async (paths: readonly string[], io: Io, geo: GeoData | null): Promise<number> => {
  const progress = terminalProgress(await totalSize(paths));
  const shown = progress ? progress.wrap(io) : io;
  let rejected = 0;
  const print = (value: unknown) => shown.out(jsonSafe(JSON.stringify(value)));
  try {
    for await (const batch of streamInputs(paths, { onRead: (n) => progress?.read(n) })) {
      for (const item of batch.items) {
        switch (item.kind) {
          case 'signin':
            print({
              kind: 'signin',
              ...item.signIn,
              severity: classifySignIn(item.signIn),
              ...whereFields(item.signIn.sourceIp, geo),
            });
            break;
          case 'alarm':
            print(item.alarm);
            break;
          case 'trail-change':
            print({ kind: 'trail-change', ...item.change, severity: classifyTrailChange(item.change) });
            break;
          case 'rejected':
            rejected += 1;
            shown.err(rejectionLine(batch.name, item.position, item.message));
            break;
          case 'skipped':
            break;
          default:
            assertNever(item);
        }
      }
      progress?.counted(batch.items.length);
      await shown.drained?.();
    }
  } finally {
    progress?.clear();
  }
  return rejected > 0 ? 2 : 0;
};

export const parseCommand: Command = {
  name: 'parse',
  summary: 'one JSON line per sign-in / alarm notification in files',
  help: `usage: signins parse [FILE|-]…

Prints one JSON line per sign-in (eventId, eventName, time, outcome, identityType, principal, sourceIp,
userAgent, mfa, severity, …, and "geo": {"country": "US", "asn": 15169, "network": "Google LLC"} from the
bundled data; "geo" is null for addresses that are not public, with "geoLabel" saying what they are, such as
"private address" or "AWS service") or per alarm notification (kind "alarm"). With no FILE, or "-", reads
standard input. Inputs are read as streams, in bounded memory whatever their size (.gz inflated as it is
read); a file from S3 comes through standard input. Rejected input: one line on stderr naming the file and
position, exit status 2. On a terminal, a long run shows records, rate and ETA on stderr.

  npx signins parse trail/*.json.gz | jq -r .principal
  aws s3 cp s3://my-trail-bucket/AWSLogs/…/file.json.gz - | npx signins parse -`,
  run: async (args, io) => {
    const { positionals } = parseArgs({ args: [...args], allowPositionals: true, options: {} });
    return runParse(positionals, io, localGeoData(loadConfig(), io));
  },
};
