// Summarizes V8 .cpuprofile files (from `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`):
// self time by package, by file and by function. `node dist/src/profile-summary.js <file> [topN]`.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `@endure/<pkg> <file>` for workspace code, `<pkg> <file>` for dependencies, else the url. */
export function whereOf(url: string): string {
  if (!url) return '(native/vm)';
  const own = /packages\/([^/]+)\/dist\/(.*)$/.exec(url);
  if (own) return `@endure/${own[1]} ${own[2]}`;
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (dep) return `${dep[1]} ${dep[2]}`;
  return url.replace(/^file:\/\//, '');
}

export function summarize(p: Profile): { totalMs: number; byPackage: Map<string, number>; byFile: Map<string, number>; byFunction: Map<string, number> } {
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const byPackage = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const us = p.timeDeltas[i] ?? 0;
    total += us;
    const cf = nodes.get(id)!.callFrame;
    const where = whereOf(cf.url);
    add(byFile, where, us);
    add(byPackage, where.startsWith('node:') ? 'node internals' : where.split(' ')[0]!, us);
    add(byFunction, `${cf.functionName || '(anonymous)'}  ${where}:${cf.lineNumber + 1}`, us);
  });
  return { totalMs: total / 1000, byPackage, byFile, byFunction };
}

function print(title: string, m: Map<string, number>, totalMs: number, top: number): void {
  process.stdout.write(`\n== ${title} (of ${totalMs.toFixed(0)} ms sampled) ==\n`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / 1000 / totalMs).toFixed(1).padStart(5)}%  ${k}\n`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [file, topText] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node profile-summary.js <file.cpuprofile> [topN]\n');
    process.exit(2);
  }
  const s = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const top = Number(topText ?? 25);
  print('self time by package', s.byPackage, s.totalMs, 12);
  print('self time by file', s.byFile, s.totalMs, top);
  print('self time by function', s.byFunction, s.totalMs, top);
}
