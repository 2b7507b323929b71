import { resolveGoBinary, type GoProgram } from '../dev/go-binary';

/**
 * The Temporal server the CLI's dev server embeds (CLI v1.5.1 -> server v1.29.1), here as its own
 * program: every service, real persistence. Its module has no `replace` directives, so it go-installs.
 */
export const TEMPORAL_SERVER: GoProgram = {
  name: 'temporal-server',
  module: 'go.temporal.io/server/cmd/server@v1.29.1',
  title: 'the Temporal server',
};

/** Temporal's own schema tool (`temporal-sql-tool`), same version, schema files embedded. */
export const TEMPORAL_SQL_TOOL: GoProgram = {
  name: 'temporal-sql-tool',
  module: 'go.temporal.io/server/cmd/tools/sql@v1.29.1',
  title: "Temporal's SQL schema tool",
};

/** The Web UI server at the version the CLI v1.5.1 embeds, assets included. */
export const TEMPORAL_UI_SERVER: GoProgram = {
  name: 'temporal-ui-server',
  module: 'github.com/temporalio/ui-server/v2/cmd/server@v2.42.1',
  title: 'the Temporal Web UI server',
};

/** Paths of the three cluster programs. */
export interface ClusterPrograms {
  server: string;
  sqlTool: string;
  uiServer: string;
}

/** A cluster program is neither cached nor buildable (no Go). */
export class ClusterProgramUnavailableError extends Error {
  constructor(readonly program: GoProgram) {
    super(
      `${program.title} is not built and Go is not on PATH. Install Go 1.25+ (https://go.dev/dl) and run again: ` +
        `it builds ${program.module} into .hookway/bin.`,
    );
    this.name = 'ClusterProgramUnavailableError';
  }
}

/**
 * The cached cluster programs, each built now when absent. One after the other: the server and the SQL
 * tool share most packages, so the second build mostly reuses the first from Go's build cache.
 */
export async function resolveClusterPrograms(report: (line: string) => void): Promise<ClusterPrograms> {
  const resolve = async (program: GoProgram): Promise<string> => {
    const found = await resolveGoBinary(program, report);
    if (!found) throw new ClusterProgramUnavailableError(program);
    return found;
  };
  return {
    server: await resolve(TEMPORAL_SERVER),
    sqlTool: await resolve(TEMPORAL_SQL_TOOL),
    uiServer: await resolve(TEMPORAL_UI_SERVER),
  };
}
