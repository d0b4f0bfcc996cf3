// The workflows the child-workflow tests run on one worker.
export * from './children.js';
export { cart } from './messages.js';
