import { findOnPath, resolveGoBinary, type GoProgram } from './go-binary';

/** The official CLI; later tags carry `replace` directives and cannot be go-installed. */
export const TEMPORAL_CLI: GoProgram = {
  name: 'temporal',
  module: 'github.com/temporalio/cli/cmd/temporal@v1.5.1',
  title: 'the Temporal CLI',
};

/** No `temporal` binary could be found or made; the message says how to get one. */
export class TemporalBinaryUnavailableError extends Error {
  constructor(detail: string) {
    super(
      `${detail}\nHookway needs the Temporal CLI to run a local dev server. Either:\n` +
        `  - install Go (https://go.dev/dl) and run npm start again: it builds ${TEMPORAL_CLI.module} into .hookway/bin;\n` +
        `  - or put a 'temporal' binary on PATH (https://docs.temporal.io/cli#install);\n` +
        `  - or set TEMPORAL_ADDRESS to a Temporal server you already run.`,
    );
    this.name = 'TemporalBinaryUnavailableError';
  }
}

/**
 * The `temporal` binary to run: on PATH, cached in `.hookway/bin`, or built now with Go.
 * @returns undefined when none exists and Go is missing (the caller may then try the SDK's download).
 */
export async function resolveTemporalBinary(report: (line: string) => void): Promise<string | undefined> {
  return findOnPath(TEMPORAL_CLI.name) ?? resolveGoBinary(TEMPORAL_CLI, report);
}
