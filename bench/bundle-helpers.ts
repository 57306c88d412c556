// Bundles a Lambda entry the way infra bundles it: the esbuild options CDK's NodejsFunction derives from
// BUNDLING (its local bundling runs this same esbuild), with the metafile kept to say what got in and why.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLING } from '../infra/bot-functions';

export const REPO = path.join(__dirname, '..');

export interface Bundle {
  readonly file: string;
  readonly bytes: number;
  readonly mapBytes: number;
  readonly metafile: Metafile;
}

/** `entry` is absolute or relative to the repository; packages resolve from the repository's node_modules. */
export const bundleLikeInfra = async (entry: string, outdir: string): Promise<Bundle> => {
  const file = path.join(outdir, 'index.js');
  const { metafile } = await build({
    entryPoints: [path.resolve(REPO, entry)],
    bundle: true,
    platform: 'node',
    target: BUNDLING.target,
    format: 'cjs',
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent ?? true,
    mainFields: BUNDLING.mainFields,
    external: [...(BUNDLING.externalModules ?? [])],
    // An entry written outside the repository (the bare Bolt app) finds the same packages.
    nodePaths: [path.join(REPO, 'node_modules')],
    outfile: file,
    metafile: true,
    logLevel: 'error',
  });
  return { file, bytes: statSync(file).size, mapBytes: statSync(`${file}.map`).size, metafile };
};

/** The package an input path belongs to ("@slack/bolt", "express"; the innermost when nested), or null for ours. */
export const packageOf = (input: string): string | null => {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return null;
  const m = /^((?:@[^/]+\/)?[^/]+)/.exec(input.slice(at + 'node_modules/'.length));
  return m ? (m[1] as string) : null;
};

/**
 * The shortest import chain from the bundle's entry to the first file of `pkg`, as input paths (the entry
 * first), or null when the package is not in the bundle.
 */
export const importChain = (metafile: Metafile, pkg: string): string[] | null => {
  const inputs = metafile.inputs;
  const entry = Object.values(metafile.outputs).find((o) => o.entryPoint)?.entryPoint;
  if (!entry || !inputs[entry]) return null;
  const previous = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  while (queue.length > 0) {
    const at = queue.shift() as string;
    if (packageOf(at) === pkg) {
      const chain: string[] = [];
      for (let p: string | null = at; p !== null; p = previous.get(p) ?? null) chain.unshift(p);
      return chain;
    }
    for (const next of inputs[at]?.imports ?? []) {
      if (next.external || previous.has(next.path) || !inputs[next.path]) continue;
      previous.set(next.path, at);
      queue.push(next.path);
    }
  }
  return null;
};

/** Bytes each package adds to the bundle's output, largest first. */
export const bytesByPackage = (metafile: Metafile): [string, number][] => {
  const sizes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = packageOf(input) ?? '(signins)';
      sizes.set(pkg, (sizes.get(pkg) ?? 0) + bytesInOutput);
    }
  return [...sizes].sort((a, b) => b[1] - a[1]);
};
