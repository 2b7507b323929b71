import { Connection } from '@temporalio/client';

/** True when `url` answers 200 within 3 s: an API's `/health`, a worker's `/metrics`, the Web UI. */
export async function answers200(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  await response.arrayBuffer();
  return response.status === 200;
}

/** True when a Temporal frontend at `address` answers `GetSystemInfo`. */
export async function temporalAnswers(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: '2 seconds' });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}
