import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { SparkdbtError } from '../errors.js';
import { describeS3Failure } from './s3-errors.js';
import type { S3Settings } from '../core/s3-settings.js';

/** The region when neither the copy model, the target nor the environment names one. */
export const DEFAULT_S3_REGION = 'us-east-1';

/** An `s3://bucket/key` URL taken apart; `key` is a prefix when listing. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** A client ready to use, with the SDK module it came from (loaded on first use only). */
export interface S3Connection {
  readonly sdk: typeof import('@aws-sdk/client-s3');
  readonly client: S3Client;
  readonly settings: S3Settings;
}

/** Splits `s3://bucket/key`; a URL without a bucket fails the load. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/s.exec(url);
  if (!match) {
    throw new SparkdbtError('load-failed', `'${url}' is not an S3 URL`, { hint: "write S3 locations as 's3://bucket/prefix'" });
  }
  return { bucket: match[1]!, key: match[2]! };
}

/** The settings a copy model reads S3 with: its own `region` option wins over the target's. */
export function s3SettingsFor(settings: S3Settings, copyRegion: string | undefined): S3Settings {
  return copyRegion === undefined || copyRegion === '' ? settings : { ...settings, region: copyRegion };
}

/**
 * Creates an S3 client from the settings. Credentials come from the SDK's standard chain
 * (environment, shared config and credentials files, SSO, container and instance roles); the
 * SDK is imported here, so runs without S3 sources never load it. `plainUploads`: PUT bodies go as
 * they are, with their Content-Length, not in aws-chunked encoding with a trailing checksum.
 */
export async function connectS3(settings: S3Settings, options: { readonly plainUploads?: boolean } = {}): Promise<S3Connection> {
  const sdk = await import('@aws-sdk/client-s3');
  const agent = { keepAlive: true, maxSockets: 96 }; // above S3_READ_AHEAD plus a listing page
  const client = new sdk.S3Client({
    region: settings.region ?? DEFAULT_S3_REGION,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    // A bucket in another region than the configured one is found by following S3's redirect.
    followRegionRedirects: true,
    requestHandler: { connectionTimeout: 10_000, httpAgent: agent, httpsAgent: agent },
    ...(options.plainUploads === true ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const } : {}),
  });
  return { sdk, client, settings };
}

/** Reads a small object (a JSONPaths file, a manifest) whole, as UTF-8 text. */
export async function readS3Text(settings: S3Settings, url: string): Promise<string> {
  const { bucket, key } = parseS3Url(url);
  const s3 = await connectS3(settings);
  try {
    const response = await s3.client.send(new s3.sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    return await (response.Body as { transformToString(encoding?: string): Promise<string> }).transformToString('utf8');
  } catch (error) {
    throw describeS3Failure(error, { action: 'read', bucket, key, settings });
  } finally {
    s3.client.destroy();
  }
}

/** Streams one object's bytes; a failure names the object and what to check. */
export async function* readS3Object(s3: S3Connection, bucket: string, key: string): AsyncGenerator<Uint8Array> {
  let body: Readable | undefined;
  try {
    const response = await s3.client.send(new s3.sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    body = response.Body as Readable;
    for await (const chunk of body) yield chunk as Uint8Array;
  } catch (error) {
    throw describeS3Failure(error, { action: 'read', bucket, key, settings: s3.settings });
  } finally {
    body?.destroy();
  }
}
