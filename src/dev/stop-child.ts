import type { ChildProcess } from 'node:child_process';

/**
 * Asks a child server to stop with `signal` and resolves once it has exited; SIGKILLs it only if it is
 * still running after `graceMs`, so a server whose clean shutdown hangs cannot hold up Hookway's stop.
 */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
