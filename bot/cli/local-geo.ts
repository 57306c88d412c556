// The bundled geo data for a command on this machine. When it cannot be had, the command still runs (cards
// and answers without a country) and the user reads one line on stderr saying why and what to do.
import type { GeoData } from '../core/geo';
import type { Config } from '../pipeline/config';
import { geoDataFor } from '../pipeline/geo-source';
import type { Logger } from '../ports';
import type { Io } from './command';

const fieldText = (fields: Record<string, unknown> | undefined): string => {
  const detail = fields?.error ?? fields?.reason;
  return detail === undefined ? '' : `: ${String(detail)}`;
};

/** Warnings and errors as `signins: …` lines; nothing else (the CLI is not a log). */
const terminalLogger = (io: Io): Logger => ({
  info: () => {},
  warn: (message, fields) => io.err(`signins: ${message}${fieldText(fields)}`),
  error: (message, fields) => io.err(`signins: ${message}${fieldText(fields)}`),
});

export const localGeoData = (config: Config, io: Io): GeoData | null =>
  geoDataFor(config, terminalLogger(io));
