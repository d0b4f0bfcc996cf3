import { allHandlersFinished, condition, defineSignal, defineUpdate, setHandler, sleep } from '@endure/workflow';

export const addToCart = defineUpdate<number, [string]>('addToCart');
export const finish = defineSignal('finish');

/** Items arrive by update (validated, handled asynchronously); it returns once all handlers finished. */
export async function updatableCart(): Promise<string[]> {
  const items: string[] = [];
  let done = false;
  setHandler(
    addToCart,
    async (item) => {
      await sleep(20); // the handler spans workflow tasks: accepted first, completed later
      items.push(item);
      return items.length;
    },
    {
      validator: (item) => {
        if (!item) throw new Error('item must not be empty');
      },
    },
  );
  setHandler(finish, () => void (done = true));
  await condition(() => done && allHandlersFinished());
  return items;
}
