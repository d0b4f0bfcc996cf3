// Fixture: a helper with I/O, pulled into workflow code by a value import.
import { writeFileSync } from 'node:fs';
export function save(s: string): void {
  writeFileSync('/tmp/x', s);
}
