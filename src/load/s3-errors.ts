import { SparkdbtError } from '../errors.js';
import type { S3Settings } from '../core/s3-settings.js';

/** What was being done when an S3 request failed, for the message. */
export interface S3FailureContext {
  readonly action: 'list' | 'read' | 'head' | 'write';
  readonly bucket: string;
  readonly key: string;
  readonly settings: S3Settings;
}

const ENDPOINT_HINT = 'check the endpoint (target s3_endpoint, or AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)';
const CREDENTIALS_HINT = 'check the AWS credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE or ~/.aws) and that they may';
const REGION_HINT = "check the region (the model's region option, target s3_region, or AWS_REGION)";
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/**
 * Turns an S3 SDK error into a load-failed error that names the bucket (and key) and says what
 * to check: endpoint, credentials or region. Only error names, codes and S3's own messages are
 * shown; S3 never echoes secrets in them, and endpoints are shown without user info.
 */
export function describeS3Failure(error: unknown, context: S3FailureContext): SparkdbtError {
  if (error instanceof SparkdbtError) return error;
  const { bucket, key, settings } = context;
  const where = context.action === 'list' ? `S3 bucket '${bucket}' (listing prefix '${key}')` : `s3://${bucket}/${key}`;
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const reason = `${e.code ?? name}${e.message ? `: ${e.message}` : ''}`;
  const endpoint = displayEndpoint(settings.endpoint);
  const fail = (message: string, hint: string) => new SparkdbtError('load-failed', message, { hint, cause: error });

  if (NETWORK_CODES.has(e.code ?? '') || name === 'TimeoutError' || NETWORK_CODES.has(causeCode(error) ?? '')) {
    return fail(
      `could not reach S3 at ${endpoint} for ${where} (${e.code ?? causeCode(error) ?? name})`,
      `${ENDPOINT_HINT}; with an S3-compatible server also s3_force_path_style / AWS_S3_FORCE_PATH_STYLE`,
    );
  }
  if (name === 'CredentialsProviderError' || /credential/i.test(name)) {
    return fail(
      `no AWS credentials found to read ${where}`,
      'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or use an instance or container role (the standard AWS credential chain)',
    );
  }
  if (name === 'NoSuchBucket') {
    return fail(`S3 bucket '${bucket}' does not exist at ${endpoint}`, `check the bucket name in the model's 'from'; ${ENDPOINT_HINT}`);
  }
  if (['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden', 'AllAccessDisabled', 'ExpiredToken', 'InvalidToken'].includes(name) || status === 403) {
    const permission = context.action === 'list' ? 's3:ListBucket' : context.action === 'write' ? 's3:PutObject' : 's3:GetObject';
    return fail(`access to ${where} was denied at ${endpoint} (${reason})`, `${CREDENTIALS_HINT} ${permission} on bucket '${bucket}'; ${REGION_HINT}`);
  }
  if (['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException'].includes(name) || status === 301) {
    return fail(`S3 bucket '${bucket}' is in another region than '${settings.region ?? 'us-east-1'}' (${reason})`, REGION_HINT);
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) {
    return fail(`${where} does not exist at ${endpoint}`, 'check the key (S3 keys are case-sensitive); the object may have been deleted after the listing');
  }
  return fail(`S3 request for ${where} failed at ${endpoint} (${reason}${status === undefined ? '' : `, HTTP ${status}`})`, `${ENDPOINT_HINT}; ${REGION_HINT}`);
}

/** The endpoint as shown in messages: without user info, or "AWS" for the default. */
export function displayEndpoint(endpoint: string | undefined): string {
  if (endpoint === undefined) return 'AWS';
  try {
    const url = new URL(endpoint);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/$/, '');
  } catch {
    return endpoint.replace(/\/\/[^@/]*@/, '//');
  }
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}
