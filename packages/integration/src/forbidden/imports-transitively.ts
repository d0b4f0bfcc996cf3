// Fixture: the forbidden import is one hop away.
import { save } from './io-helper.js';
export async function saves(): Promise<void> {
  save('x');
}
