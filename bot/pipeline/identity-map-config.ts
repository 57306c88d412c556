// SIGNINS_IDENTITY_MAP → IdentityMap: inline JSON or a JSON file path, read once at start. Every mistake is
// one ConfigError line naming the setting and what to fix, so a bad map stops the bot instead of asking nobody.
import { ENV } from '../../shared/env-keys';
import type { IdentityMap } from '../core/identity-map';
import { EMPTY_IDENTITY_MAP, IdentityMapError, parseIdentityMap } from '../core/identity-map';
import { ConfigError } from './config';

const SETTING = ENV.identityMap;
const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

export const loadIdentityMap = (raw: string | undefined, readFile: (path: string) => string): IdentityMap => {
  const value = raw?.trim();
  if (!value) return EMPTY_IDENTITY_MAP;
  // A JSON document starts with { (or [, which the shape check then refuses); anything else is a path.
  const inline = value.startsWith('{') || value.startsWith('[');
  const source = inline ? 'inline JSON' : `file ${value}`;
  let text: string;
  try {
    text = inline ? value : readFile(value);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder' : oneLine(String(err));
    throw new ConfigError(
      `${SETTING} names the file ${value}, which cannot be read (${why}): give a readable JSON file or inline JSON`,
      { cause: err },
    );
  }
  let json: unknown;
  try {
    // Editors on Windows may save a byte-order mark that JSON.parse refuses.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ConfigError(`${SETTING} (${source}) is not valid JSON: ${oneLine((err as Error).message)}`, {
      cause: err,
    });
  }
  try {
    return parseIdentityMap(json);
  } catch (err) {
    if (!(err instanceof IdentityMapError)) throw err;
    throw new ConfigError(`${SETTING} (${source}): ${oneLine(err.message)}`, { cause: err });
  }
};
