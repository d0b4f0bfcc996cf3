import { Context } from '@endure/activity';

export async function greet(name: string): Promise<string> {
  return `Hello, ${name}!`;
}

export async function remind(user: string, day: number): Promise<string> {
  Context.current().heartbeat(day);
  return `reminded ${user} on day ${day}`;
}

// Activity types that have no function of their own run here (a dynamic activity).
export default async function (...args: unknown[]): Promise<string> {
  return `${Context.current().info.activityType}(${args.join(', ')})`;
}
