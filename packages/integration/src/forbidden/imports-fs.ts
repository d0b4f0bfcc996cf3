// Fixture: a workflow module that imports a Node built-in (refused at bundle time).
import { readFileSync } from 'fs';
export async function readsFile(): Promise<string> {
  return readFileSync('/etc/hostname', 'utf8');
}
