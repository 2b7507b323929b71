/** Input of the floor's one activity: small, like the ids a delivery carries. */
export interface FloorInput {
  n: number;
}

/**
 * The Temporal floor's activities: one that does nothing, so what remains is Temporal's own cost of a
 * workflow with one activity (two workflow tasks, one activity task, their history events).
 */
export function createFloorActivities() {
  return {
    /** Does nothing. */
    async noop(_input: FloorInput): Promise<void> {
      return undefined;
    },
  };
}
