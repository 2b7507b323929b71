import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { firstProblem, VALIDATOR_OPTIONS } from '../common/validation';
import { BatchMessageDto } from './dto/create-message-batch.dto';

/** Why one message of a batch was not accepted, as a single request's error answer would say it. */
export interface BatchEntryError {
  code: string;
  message: string;
  field: string;
}

/** One entry of a batch after its checks: a message to accept, or its error. */
export type CheckedEntry = { index: number; dto: BatchMessageDto } | { index: number; status: number; error: BatchEntryError };

/** The path of entry `index` in the request body, e.g. `messages[3]`. */
export function entryPath(index: number): string {
  return `messages[${index}]`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks each entry of a batch as the validation pipe checks the body of `POST /v1/messages` (the same DTO
 * and rules), and its size against the single-message limit. Errors name the field under the entry's path
 * (`messages[3].payload`); entries are never refused for another's fault.
 */
export async function checkBatchEntries(entries: unknown[], maxMessageBytes: number): Promise<CheckedEntry[]> {
  return Promise.all(
    entries.map(async (entry, index): Promise<CheckedEntry> => {
      const path = entryPath(index);
      if (!isPlainObject(entry)) {
        return { index, status: 400, error: { code: 'invalid_field', message: `${path} must be a JSON object`, field: path } };
      }
      const bytes = Buffer.byteLength(JSON.stringify(entry));
      if (bytes > maxMessageBytes) {
        return {
          index,
          status: 413,
          error: { code: 'payload_too_large', message: `${path} is ${bytes} bytes of JSON, over the ${maxMessageBytes} one message may be`, field: path },
        };
      }
      const dto = plainToInstance(BatchMessageDto, entry);
      const problem = firstProblem(await validate(dto, VALIDATOR_OPTIONS), path);
      if (problem) return { index, status: 400, error: { code: 'invalid_field', message: problem.message, field: problem.field } };
      return { index, dto };
    }),
  );
}
