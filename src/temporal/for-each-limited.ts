/**
 * Runs `work` over `items` with at most `limit` calls in flight, each lane taking the next item as soon as
 * its last call returns. A call that returns `false` stops the lanes from taking more items (those in
 * flight finish): the rest of a batch then waits for the next pass instead of each call waiting out the
 * same failure.
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<boolean | void>): Promise<void> {
  let next = 0;
  let stop = false;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (!stop && next < items.length) if ((await work(items[next++])) === false) stop = true;
  });
  await Promise.all(lanes);
}
