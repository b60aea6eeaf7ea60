/**
 * Where the local COPY engine finds S3: an endpoint for S3-compatible servers (MinIO, s3rver,
 * LocalStack), the region, and path-style addressing. Credentials always come from the standard
 * AWS chain (environment, shared files, instance roles), never from project files.
 */
export interface S3Settings {
  /** e.g. `http://127.0.0.1:4568`; `undefined` is AWS itself. */
  readonly endpoint: string | undefined;
  /** The region; a copy model's `region` option takes precedence. */
  readonly region: string | undefined;
  /** Address buckets as `endpoint/bucket/key` rather than `bucket.endpoint/key`. */
  readonly forcePathStyle: boolean;
}

/** S3 settings when nothing is configured: AWS, region from the environment. */
export const DEFAULT_S3_SETTINGS: S3Settings = { endpoint: undefined, region: undefined, forcePathStyle: false };
