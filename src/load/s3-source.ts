import { Readable } from 'node:stream';
import type { ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { SparkdbtError } from '../errors.js';
import { decompressed, type SourceFile, type SourceLister } from './list-files.js';
import { connectS3, parseS3Url, readS3Object, type S3Connection } from './s3-client.js';
import { describeS3Failure, displayEndpoint } from './s3-errors.js';
import type { S3Settings } from '../core/s3-settings.js';

/** Where an S3 source is and how to read it. */
export interface S3SourceOptions {
  /** `s3://bucket/prefix`. */
  readonly from: string;
  readonly gzip: boolean;
  /** The settings to use, the copy model's region already applied. */
  readonly s3: S3Settings;
}

/**
 * How many small files to keep opened ahead of the reader: each S3 object is a request whose
 * latency (tens of milliseconds on AWS) dwarfs reading a small song file. Large objects keep the
 * local depth: their transfer time, not the request latency, dominates.
 */
export const S3_READ_AHEAD = 64;
const SMALL_OBJECT_BYTES = 1024 * 1024;

/**
 * Lists an S3 prefix as Redshift does: every key that begins with it (a JSONPaths file under the
 * same prefix is data too), in key order, skipping zero-byte "folder" keys ending in '/'. Pages
 * of ListObjectsV2 are fetched one ahead while the previous page's files are read. Nothing found
 * is Redshift's error 8001, "The specified S3 prefix '…' does not exist".
 */
export function createS3Lister(options: S3SourceOptions): SourceLister {
  return {
    async *list() {
      const { bucket, key: prefix } = parseS3Url(options.from);
      const s3 = await connectS3(options.s3);
      const fetchPage = (token: string | undefined): Promise<ListObjectsV2CommandOutput> => {
        const page = s3.client
          .send(new s3.sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }))
          .catch((error: unknown) => {
            throw describeS3Failure(error, { action: 'list', bucket, key: prefix, settings: s3.settings });
          });
        page.catch(() => undefined); // surfaced when awaited; not when the reader stopped early
        return page;
      };
      let found = 0;
      let pending: Promise<ListObjectsV2CommandOutput> | undefined = fetchPage(undefined);
      while (pending !== undefined) {
        const page: ListObjectsV2CommandOutput = await pending;
        const token = page.IsTruncated ? page.NextContinuationToken : undefined;
        pending = token === undefined ? undefined : fetchPage(token);
        for (const object of sortByKey(page.Contents ?? [])) {
          const key = object.Key;
          const size = object.Size ?? 0;
          if (key === undefined || (size === 0 && key.endsWith('/'))) continue;
          found++;
          yield { ...s3File(s3, bucket, key, size, options.gzip), ...s3Identity(object) };
        }
      }
      if (found === 0) {
        throw new SparkdbtError('load-failed', `The specified S3 prefix '${prefix}' does not exist in bucket '${bucket}'`, {
          hint: `no key in s3://${bucket} at ${displayEndpoint(s3.settings.endpoint)} begins with '${prefix}'; check the model's 'from' (keys are case-sensitive)`,
        });
      }
    },
  };
}

/** An S3 object as a SourceFile: `open()` streams GetObject's body, gunzipped for GZIP. */
export function s3File(s3: S3Connection, bucket: string, key: string, size: number, gzip: boolean): SourceFile {
  return {
    uri: `s3://${bucket}/${key}`,
    size,
    readAhead: size < SMALL_OBJECT_BYTES ? S3_READ_AHEAD : undefined,
    open() {
      return decompressed(Readable.from(readS3Object(s3, bucket, key), { objectMode: false }), gzip);
    },
  };
}

/** An object's ETag (without its quotes) and LastModified, as ListObjectsV2 gives them. */
function s3Identity(object: Listed): { etag?: string; lastModified?: Date } {
  return {
    ...(object.ETag === undefined ? {} : { etag: object.ETag.replace(/^"|"$/g, '') }),
    ...(object.LastModified === undefined ? {} : { lastModified: object.LastModified }),
  };
}

type Listed = NonNullable<ListObjectsV2CommandOutput['Contents']>[number];

/** Keys in S3's order (UTF-8 bytes); S3 already lists so, this guards S3-compatible servers. */
function sortByKey(objects: readonly Listed[]): Listed[] {
  return objects
    .map((object) => ({ object, bytes: Buffer.from(object.Key ?? '', 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ object }) => object);
}
