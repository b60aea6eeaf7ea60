import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** What of s3rver's own on-disk store `seed` uses (s3rver/lib/stores/filesystem.js; @types/s3rver leaves it out). */
interface S3rverStore {
  putObject(object: unknown): Promise<unknown>;
}
type S3rverObject = new (bucket: string, key: string, content: Buffer, metadata: Record<string, string>) => unknown;
const S3Object = createRequire(import.meta.url)('s3rver/lib/models/object') as S3rverObject;

/** s3rver's built-in account: the standard credential chain finds these in the environment. */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

/** A running s3rver on 127.0.0.1 (random free port, temp folder) and a client for filling it. */
export interface TestS3Server {
  readonly endpoint: string;
  readonly client: S3Client;
  createBucket(bucket: string): Promise<void>;
  /** Uploads objects (key → content), `concurrency` at a time. */
  put(bucket: string, objects: Iterable<readonly [string, string | Uint8Array]>, concurrency?: number): Promise<void>;
  /**
   * Stores objects (key → content) as an upload would, but straight into s3rver's folder through
   * s3rver's own store (its layout, MD5 and metadata files), with no HTTP request, no signing and
   * no SDK: ~3,500 objects in well under a second instead of 6–9 s of PUTs. For filling a bucket
   * before the test; what the test reads still goes over HTTP.
   */
  seed(bucket: string, objects: Iterable<readonly [string, string | Uint8Array]>): Promise<void>;
  /** What the server saw happen to objects since it started, in order: `ObjectCreated:Put bucket/key`, `ObjectRemoved:Delete bucket/key`. */
  readonly events: string[];
  close(): Promise<void>;
}

/** The part of s3rver's S3 event notification (one per object operation) the events list reads. */
interface S3rverEvent {
  readonly Records: readonly { readonly eventName: string; readonly s3: { readonly bucket: { readonly name: string }; readonly object: { readonly key: string } } }[];
}

/**
 * Starts s3rver in this process. Its ListObjectsV2 continuation tokens use DES, so listings past
 * 1,000 keys need Node's `--openssl-legacy-provider` in this (the server's) process; vitest's
 * config passes it to its workers.
 */
export async function startS3Server(): Promise<TestS3Server> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const events: string[] = [];
  // s3rver is a Koa app (an EventEmitter): it emits an S3 event notification per object operation; @types/s3rver leaves it out.
  (server as unknown as { on(name: 'event', listener: (event: S3rverEvent) => void): void }).on('event', (event) => {
    for (const record of event.Records) events.push(`${record.eventName} ${record.s3.bucket.name}/${record.s3.object.key}`);
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: S3RVER_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
    // s3rver predates the SDK's default CRC32 request checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    client,
    events,
    async createBucket(bucket) {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    async put(bucket, objects, concurrency = 32) {
      const iterator = objects[Symbol.iterator]();
      const worker = async (): Promise<void> => {
        for (let next = iterator.next(); !next.done; next = iterator.next()) {
          const [key, body] = next.value;
          await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body }));
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    },
    async seed(bucket, objects) {
      const store = (server as unknown as { store: S3rverStore }).store;
      const iterator = objects[Symbol.iterator]();
      const worker = async (): Promise<void> => {
        for (let next = iterator.next(); !next.done; next = iterator.next()) {
          const [key, body] = next.value;
          await store.putObject(
            new S3Object(bucket, key, typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body), { 'content-type': 'application/octet-stream' }),
          );
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
    },
    async close() {
      client.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
