// The workflow the README's curl example starts.
export async function hello(name: string): Promise<string> {
  return `Hello, ${name}!`;
}
