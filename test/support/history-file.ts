import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const { History } = temporal.api.history.v1;

/**
 * A workflow history as committed JSON (`test/histories/`): the proto message as a plain object, with
 * enums by name, 64-bit integers as strings and bytes in base64, so a reviewer can read it.
 */
export function historyToFile(history: History): string {
  return `${JSON.stringify(History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String }), null, 1)}\n`;
}

/** The history a {@link historyToFile} text holds. */
export function historyFromFile(text: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(text) as Record<string, unknown>);
}
