// A node:test reporter that writes only the run's final counts, as JSON, so that
// scripts/run-tests.mjs can add up its passes into one summary line.
export default async function* summaryReporter(source) {
  const counts = {};
  for await (const event of source) {
    if (event.type !== 'test:diagnostic' || event.data.nesting !== 0) continue;
    const m = /^(tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(event.data.message);
    if (m) counts[m[1]] = Number(m[2]);
  }
  yield JSON.stringify(counts);
}
