import { SparkdbtError } from '../../src/errors.js';

/** The SparkdbtError `run` throws (any other outcome fails the test). */
export function thrown(run: () => unknown): SparkdbtError {
  try {
    run();
  } catch (error) {
    if (error instanceof SparkdbtError) return error;
    throw error;
  }
  throw new Error('expected a SparkdbtError');
}

/** The SparkdbtError `run`'s promise rejects with (any other outcome fails the test). */
export async function rejected(run: () => Promise<unknown>): Promise<SparkdbtError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof SparkdbtError) return error;
    throw error;
  }
  throw new Error('expected a SparkdbtError');
}
