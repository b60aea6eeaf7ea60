import fs from 'node:fs';
import type { S3Settings } from '../core/s3-settings.js';
import { connectS3, parseS3Url } from './s3-client.js';
import { describeS3Failure } from './s3-errors.js';

/**
 * Uploads a local file to `url` (`s3://bucket/key`) in one PUT, streamed from disk with its length;
 * resolves to a function that deletes the object again. A failure names the object and what to check.
 */
export async function uploadS3File(settings: S3Settings, url: string, file: string): Promise<() => Promise<void>> {
  const { bucket, key } = parseS3Url(url);
  // A streamed file in one PUT of known length: no aws-chunked trailer, which S3-compatible servers may not take.
  const s3 = await connectS3(settings, { plainUploads: true });
  try {
    const body = fs.createReadStream(file);
    await s3.client.send(new s3.sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: fs.statSync(file).size, ContentType: 'text/csv' }));
  } catch (error) {
    s3.client.destroy();
    throw describeS3Failure(error, { action: 'write', bucket, key, settings });
  }
  return async () => {
    try {
      await s3.client.send(new s3.sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } finally {
      s3.client.destroy();
    }
  };
}

/** Where a seed is staged under `seed_s3_prefix`: `<prefix>/<invocation id>/<seed name>.csv`. */
export function seedStagingUrl(prefix: string, invocationId: string, seed: string): string {
  return `${prefix.replace(/\/+$/, '')}/${invocationId}/${seed}.csv`;
}

/** Writes `text` to `url` (`s3://bucket/key`) in one PUT; a failure names the object and what to check. */
export async function uploadS3Text(settings: S3Settings, url: string, text: string, contentType = 'application/json'): Promise<void> {
  const { bucket, key } = parseS3Url(url);
  const s3 = await connectS3(settings, { plainUploads: true });
  try {
    const body = Buffer.from(text, 'utf8');
    await s3.client.send(new s3.sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ContentType: contentType }));
  } catch (error) {
    throw describeS3Failure(error, { action: 'write', bucket, key, settings });
  } finally {
    s3.client.destroy();
  }
}
