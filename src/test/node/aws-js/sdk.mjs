// The AWS SDK for JavaScript v3 as an agent would use it, unmodified: no endpoint, no credentials, no proxy setting.
// The SDK makes its own https.Agent, which Node's NODE_USE_ENV_PROXY alone would not cover; amk run's NODE_OPTIONS
// preload gives it Node's proxyEnv, and NODE_EXTRA_CA_CERTS (the broker's CA) applies to every agent by itself.
// Prints one line per call; with the argument "read-only" it tries a put and prints how AWS refused it.
import { S3Client, ListObjectsV2Command, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createHash, randomBytes } from 'node:crypto';

const s3 = new S3Client({});
const body = await (await s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'hello.txt' }))).Body.transformToString();
console.log('body', body.trim());
if (process.argv[2] === 'read-only') {
  try {
    await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'js-nope.txt', Body: 'no' }));
    console.log('WROTE');
  } catch (e) {
    console.log('denied', e.name, e.$metadata?.httpStatusCode);
  }
} else {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'data' }));
  console.log('keys', listed.Contents.map(o => o.Key).join(','));
  const data = randomBytes(2 * 1024 * 1024 + 5);
  await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'js-big.bin', Body: data }));
  console.log('put', createHash('sha256').update(data).digest('hex'));
  console.log('arn', (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Arn);
}
