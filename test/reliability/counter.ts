/** A number that only grows, and lets a fault wait for the moment it reaches a mark. */
export class Counter {
  private current = 0;
  private waiters: { mark: number; wake: () => void }[] = [];

  /** The count so far. */
  get value(): number {
    return this.current;
  }

  /** Adds one and wakes whoever waited for the new value. */
  increment(): void {
    this.current += 1;
    this.waiters = this.waiters.filter((waiter) => {
      if (this.current < waiter.mark) return true;
      waiter.wake();
      return false;
    });
  }

  /**
   * Resolves once the count reaches `mark`; rejects after `timeoutMs`, so a fault whose moment never comes
   * fails its scenario instead of hanging the suite.
   */
  reach(mark: number, timeoutMs: number, what: string): Promise<void> {
    if (this.current >= mark) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        mark,
        wake: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${what} stayed at ${this.current}, below ${mark}, for ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

